"""The dashboard application and the `border-dashboard` command line.

``create_app()`` builds one independent app: it loads the dataset, lays out the page and registers the
callbacks on that instance. ``server`` conventions: `gunicorn "app:create_server()"`.
"""

from __future__ import annotations

import argparse
import sys
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import flask
from dash import Dash
from werkzeug.exceptions import HTTPException

from components import callbacks
from components.layout import build_layout
from components.view import EVENTS_FILE, ViewBuilder
from data import cli as data_cli
from data import store

# assets/: the stylesheet, dropdowns.js (the dropdowns' full lists, filled in after the charts) and
# vendor/, plotly.js's cartesian bundle, served with the page's other scripts so that a shared link's
# charts need not wait for Dash to fetch the full plotly.js (see its README).
ASSETS = Path(__file__).resolve().parent / "components" / "assets"
# Dash's page, plus early fetches of the chunks its dropdowns and graphs would otherwise ask for only
# once the layout has arrived: a shared link is drawn one round trip sooner.
PRELOADS = "".join(
    f'<link rel="preload" as="script" href="/_dash-component-suites/dash/dcc/{chunk}.js">'
    for chunk in ("async-dropdown", "async-graph")
)
INDEX = (
    """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
        """
    + PRELOADS
    + """
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""
)


def create_app(
    data_dir: Path | None = None,
    events_file: Path = EVENTS_FILE,
    dataset: store.Dataset | None = None,
    cache_config: dict | None = None,
) -> Dash:
    """One app on the dataset in ``data_dir`` (default: the shipped one), or on a dataset already loaded.

    ``cache_config``: a flask-caching configuration for a cache shared by workers and hosts, e.g.
    ``{"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": "redis://cache:6379/0"}``; default: none, each
    worker memoizes on its own.
    """
    dataset = dataset or store.load(data_dir or store.DATASET_DIR)
    for source in dataset.tables:
        dataset.served(source)  # index now, not on the first reader's click
    app = Dash(
        __name__,
        title="U.S. border encounters",
        assets_folder=str(ASSETS),
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    shared = None
    if cache_config:
        from flask_caching import Cache  # optional: pip install "border-dashboard[redis]"

        shared = Cache(app.server, config={"CACHE_DEFAULT_TIMEOUT": 3600, **cache_config})
    builder = ViewBuilder(dataset, events_file, shared=shared)
    page_for = lru_cache(maxsize=128)(lambda query: build_layout(dataset, builder, query))

    def layout():
        """The page for the link being opened, drawn on the server: no request at all before the first view.

        Dash fetches the layout by a separate request whose referrer is the page's own address, query
        string included. Without one (or outside a request) this is the default view, with no address
        in it: the browser then reports the address, and the URL callback brings the page to the link.
        """
        referrer = flask.request.referrer if flask.has_request_context() else None
        return page_for(urlsplit(referrer).query if referrer else None)

    # Every asset URL in the page carries its file's mtime (?m=...), so a browser may keep it for good
    # rather than ask again on each page view.
    app.server.config["SEND_FILE_MAX_AGE_DEFAULT"] = 365 * 24 * 3600
    app.index_string = INDEX
    app.layout = layout
    callbacks.register(app, dataset, builder)
    secure(app)
    return app


def secure(app: Dash) -> None:
    """Headers a public dashboard should send, and errors answered without a traceback.

    The content security policy is as strict as Dash allows: scripts only from this server plus the hash
    of Dash's one inline script; styles inline too, since Plotly and Dash's components set them.
    """
    policy = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(app.csp_hashes()),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )

    @app.server.after_request
    def add_security_headers(response: flask.Response) -> flask.Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")  # the layout reads the page's query
        return response

    @app.server.errorhandler(Exception)
    def answer_without_traceback(error: Exception):
        """A request Dash cannot dispatch (malformed, unknown ids, wrong shapes) is the client's error;
        the traceback goes to the server's log only."""
        if isinstance(error, HTTPException):
            return error
        app.server.logger.exception("request failed: %s %s", flask.request.method, flask.request.path)
        if flask.request.path.endswith("_dash-update-component"):
            return flask.jsonify(error="This request could not be answered."), 400
        return flask.jsonify(error="Internal error."), 500


def create_server(data_dir: str | None = None, cache_url: str | None = None):
    """The WSGI application, for gunicorn and other WSGI servers."""
    cache = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": cache_url} if cache_url else None
    return create_app(Path(data_dir) if data_dir else None, cache_config=cache).server


def serve(args: argparse.Namespace) -> int:
    """Flask's server for one reader at a time; gunicorn with ``--workers N`` for many."""
    if args.workers:
        return serve_with_gunicorn(args)
    cache = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": args.cache_url} if args.cache_url else None
    app = create_app(args.data_dir, cache_config=cache)
    app.run(host=args.host, port=args.port, debug=args.debug, dev_tools_hot_reload=args.debug)
    return 0


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
            return create_server(str(args.data_dir) if args.data_dir else None, args.cache_url)

    Production().run()
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
    parser.add_argument("--workers", type=int, default=0, help="serve with gunicorn and N worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument(
        "--cache-url",
        default=None,
        metavar="redis://HOST:PORT/DB",
        help="a Redis cache shared by all workers and hosts (needs the [redis] extra)",
    )


if __name__ == "__main__":
    # `python app.py` serves, like `border-dashboard serve`; `python app.py import ...` runs a command.
    arguments = sys.argv[1:]
    if not arguments or arguments[0].startswith("-"):
        arguments = ["serve", *arguments]
    sys.exit(main(arguments))
