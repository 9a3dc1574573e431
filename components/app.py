"""The dashboard application: the top layer, over every other.

``create_app()`` builds one independent app: it loads the dataset, lays out the page and registers the
callbacks on that instance. ``create_server()`` is the WSGI application for gunicorn and its peers:
`gunicorn "border_dashboard.components.app:create_server()"`. The command line is in ``cli``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import flask
from dash import Dash
from werkzeug.exceptions import HTTPException

from border_dashboard.components import callbacks
from border_dashboard.components.cache import SharedCache
from border_dashboard.components.layout import build_layout
from border_dashboard.components.view import EVENTS_FILE, ViewBuilder, dataset_version
from border_dashboard.data import store

# assets/: the stylesheet, page.js (the dropdowns' full lists, filled in after the charts) and
# vendor/, plotly.js's cartesian bundle, served with the page's other scripts so that a shared link's
# charts need not wait for Dash to fetch the full plotly.js (see its README).
ASSETS = Path(str(resources.files("border_dashboard.components") / "assets"))
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
    cache_url: str | None = None,
) -> Dash:
    """One app on the dataset of ``data_dir`` (default: the user data folder's current release, else the
    shipped dataset; see ``store.locate``), or on a dataset already loaded.

    ``cache_url``: a Redis every worker and host shares (``redis://cache:6379/0``), holding views as
    JSON and chart images as bytes (``cache.SharedCache``); default: none, each worker memoizes on its own.
    """
    dataset = dataset or store.load(data_dir)
    for source in dataset.tables:
        dataset.served(source)  # index now, not on the first reader's click
    app = Dash(
        __name__,
        title="U.S. border encounters",
        assets_folder=str(ASSETS),
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    shared = SharedCache(cache_url, namespace=dataset_version(dataset)) if cache_url else None
    builder = ViewBuilder(dataset, events_file, shared=shared)
    page_for = lru_cache(maxsize=128)(lambda query: build_layout(dataset, builder, query))

    def layout():
        """The page for the link being opened, drawn on the server: no request at all before the first view.

        Dash fetches the layout by a separate request whose referrer is the page's own address, query
        string included. Without one (or outside a request) this is the default view, with no address
        in it: the browser then reports the address, and the URL callback brings the page to the link.
        """
        referrer = flask.request.referrer if flask.has_request_context() else None
        # A referrer without a query may be a bare address or a long one the browser cut to its origin
        # (Chromium does past 4 kB): the browser then reports the address itself.
        query = urlsplit(referrer).query if referrer else None
        return page_for(query or None)

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
    return create_app(Path(data_dir) if data_dir else None, cache_url=cache_url).server
