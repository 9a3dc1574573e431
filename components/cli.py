"""The `border-dashboard` command: `serve` (the dashboard) and the data commands (`import`, `update`,
`summary`, from ``border_dashboard.data.cli``).

Dash, Plotly and the app are imported only by `serve`, so the data commands answer without loading them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from border_dashboard.data import cli as data_cli
from border_dashboard.data import store


def serve(args: argparse.Namespace) -> int:
    """Flask's server for one reader at a time; gunicorn with ``--workers N`` for many."""
    if args.workers:
        return serve_with_gunicorn(args)
    from border_dashboard.components.app import create_app

    try:
        app = create_app(args.data_dir, cache_url=args.cache_url)
    except (store.StoreError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    app.run(
        host=args.host,
        port=args.port,
        debug=args.debug,
        dev_tools_hot_reload=args.debug,
        request_handler=quiet_request_handler(),
    )
    return 0


SERVER_NAME = "border-dashboard"


def quiet_request_handler():
    """Werkzeug's request handler, announcing itself as ``border-dashboard`` only (not Werkzeug's and
    Python's versions) in the Server header."""
    from werkzeug.serving import WSGIRequestHandler

    class Handler(WSGIRequestHandler):
        def version_string(self) -> str:
            return SERVER_NAME

    return Handler


def serve_with_gunicorn(args: argparse.Namespace) -> int:
    """The production server: N worker processes, each with its own app (no state is shared)."""
    from gunicorn.app.base import BaseApplication

    class Production(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("preload_app", True)  # load the dataset once, share it copy-on-write
            self.cfg.set("accesslog", None)

        def load(self):
            from border_dashboard.components.app import create_server

            # Half of a worker's threads at most wait for chart images: the others stay for the readers.
            waiting = max(1, args.threads // 2)
            return create_server(str(args.data_dir) if args.data_dir else None, args.cache_url, waiting)

    Production().run()
    return 0


def main(argv: list[str] | None = None) -> int:
    """`border-dashboard COMMAND ...`; returns the exit status."""
    parser = argparse.ArgumentParser(prog="border-dashboard", description="U.S. border encounters dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    server = commands.add_parser("serve", help="serve the dashboard")
    add_serve_arguments(server)
    server.set_defaults(handler=serve)
    data_cli.add_commands(commands)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:  # `border-dashboard summary | head`: the reader stopped reading, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--debug", action="store_true", help="Dash debug mode, dev tools and hot reload")
    parser.add_argument("--data-dir", type=Path, default=None, metavar="DIR", help=data_cli.data_dir_help(writes=False))
    parser.add_argument("--workers", type=int, default=0, help="serve with gunicorn and N worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument(
        "--cache-url",
        default=None,
        metavar="redis://HOST:PORT/DB",
        help="a Redis cache shared by all workers and hosts (needs the [redis] extra)",
    )


def script(argv: list[str]) -> int:
    """`python app.py [ARGS]`: with no command (or only options) it serves, like `border-dashboard serve`."""
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["serve", *argv]
    return main(argv)
