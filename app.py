"""The dashboard application and the `border-dashboard` command line.

``create_app()`` builds one independent app: it loads the dataset, lays out the page and registers the
callbacks on that instance. ``server`` conventions: `gunicorn "app:create_server()"`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dash import Dash

from components import callbacks
from components.layout import build_layout
from components.view import EVENTS_FILE, ViewBuilder
from data import cli as data_cli, store

ASSETS = Path(__file__).resolve().parent / "components" / "assets"


def create_app(data_dir: Path | None = None, events_file: Path = EVENTS_FILE) -> Dash:
    dataset = store.load(data_dir or store.DATASET_DIR)
    app = Dash(
        __name__,
        title="U.S. border encounters",
        assets_folder=str(ASSETS),
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.layout = build_layout(dataset)
    callbacks.register(app, dataset, ViewBuilder(dataset, events_file))
    return app


def create_server(data_dir: str | None = None):
    """The WSGI application, for gunicorn and other WSGI servers."""
    return create_app(Path(data_dir) if data_dir else None).server


def serve(args: argparse.Namespace) -> int:
    app = create_app(args.data_dir)
    app.run(host=args.host, port=args.port, debug=args.debug, dev_tools_hot_reload=args.debug)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="border-dashboard", description="U.S. border encounters dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    server = commands.add_parser("serve", help="serve the dashboard")
    add_serve_arguments(server)
    server.set_defaults(handler=serve)
    data_cli.add_commands(commands)
    args = parser.parse_args(argv)
    return args.handler(args)


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--debug", action="store_true", help="Dash debug mode, dev tools and hot reload")
    parser.add_argument("--data-dir", type=Path, default=None)


if __name__ == "__main__":
    # `python app.py` serves, like `border-dashboard serve`; `python app.py import ...` runs a command.
    arguments = sys.argv[1:]
    if not arguments or arguments[0].startswith("-"):
        arguments = ["serve", *arguments]
    sys.exit(main(arguments))
