"""The dashboard application: the top layer, over every other.

``create_app()`` builds one independent app: it loads the dataset, lays out the page and registers the
callbacks on that instance. ``create_server()`` is the WSGI application for gunicorn and its peers:
`gunicorn "border_dashboard.components.app:create_server()"`. The command line is in ``cli``.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import flask
from dash import Dash
from dash.exceptions import DependencyException
from werkzeug.exceptions import HTTPException

from border_dashboard.components import callbacks, embed, first_paint, images, serving
from border_dashboard.components.cache import SharedCache
from border_dashboard.components.charts import build_charts
from border_dashboard.components.layout import build_layout
from border_dashboard.components.live import LiveData, Served
from border_dashboard.components.state import from_query, to_query
from border_dashboard.components.view import EVENTS_FILE, ViewBuilder
from border_dashboard.data import store

# assets/: the stylesheet, page.js (the dropdowns' full lists, filled in after the charts) and
# vendor/, plotly.js with only the page's trace types, served with the page's other scripts so that a
# shared link's charts need not wait for Dash to fetch the full plotly.js (see its README).
ASSETS = Path(str(resources.files("border_dashboard.components") / "assets"))
# Scripts of assets/ the page does not carry: the world map's plotly.js, which page.js loads when the
# map is opened (served like any asset; the default page gets no heavier).
GEO_ONLY = r"plotly-geo\.min\.js$"
# The chunks of Dash's component bundle that the page's dropdowns and graphs load on demand: run with
# the page's scripts, so they are there when the layout arrives (``serving``).
DCC_CHUNKS = ("async-dropdown", "async-graph")
MAX_REQUEST_BYTES = 1024 * 1024
INDEX = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
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


def create_app(
    data_dir: Path | None = None,
    events_file: Path = EVENTS_FILE,
    dataset: store.Dataset | None = None,
    cache_url: str | None = None,
    image_waiting: int | None = None,
) -> Dash:
    """One app on the dataset of ``data_dir`` (default: the user data folder's current release, else the
    shipped dataset; see ``store.locate``), or on a dataset already loaded.

    An app on a data folder follows it: once `import` or `update` makes another release current, the app
    serves it within a few seconds (``live.LiveData``). An app on a dataset given serves that one.

    ``cache_url``: a Redis every worker and host shares (``redis://cache:6379/0``), holding views as
    JSON and chart images as bytes (``cache.SharedCache``); default: none, each worker memoizes on its own.

    ``image_waiting``: how many requests of this process may wait for a chart image at once (see
    ``images.Renderer``); keep it below the server's threads per process.
    """
    given = dataset
    dataset = dataset or store.load(data_dir)
    app = Dash(
        __name__,
        title="U.S. border encounters",
        assets_folder=str(ASSETS),
        assets_ignore=GEO_ONLY,
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )

    def serve(loaded: store.Dataset) -> Served:
        """Everything requests read of one release: built once per release."""
        for source in loaded.tables:
            loaded.served(source)  # index now, not on the first reader's click
        namespace = cache_namespace(loaded, events_file)
        shared = SharedCache(cache_url, namespace=namespace) if cache_url else None
        builder = ViewBuilder(loaded, events_file, shared=shared)
        page_for = lru_cache(maxsize=128)(
            lambda query, narrow: build_layout(loaded, builder, query, narrow=narrow, on_load=callbacks.ON_LOAD)
        )

        @lru_cache(maxsize=128)
        def drawn_first(query: str) -> str:
            narrow = build_charts(builder.build(from_query(query, loaded)[0]), narrow=True)
            return first_paint.page_html(page_for(query, False), narrow)

        def first_paint_for(query: str | None) -> str:
            """The page of the link's view as static HTML, its charts sketched wide and narrow (``first_paint``),
            memoized per view: every spelling of one view's link shares it (a link with a notice, its own)."""
            state, notices = from_query(query, loaded)
            return drawn_first(query or "" if notices else to_query(state))

        first_paint_for(None)  # the default view's, drawn before the first reader asks
        return Served(
            loaded, builder, page_for, {"shared": shared, "namespace": namespace, "first_paint": first_paint_for}
        )

    current = LiveData(serve, dataset, data_dir, follow=given is None)
    app.server.config["BORDER_LIVE_DATA"] = current  # for the command line and tests: which release is served

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
        return current().page_for(query or None, from_a_phone(flask.request) if flask.has_request_context() else False)

    # Every asset URL in the page carries its file's mtime (?m=...), so a browser may keep it for good
    # rather than ask again on each page view.
    app.server.config["SEND_FILE_MAX_AGE_DEFAULT"] = 365 * 24 * 3600
    app.index_string = INDEX

    app.layout = layout
    # Dash keeps the default view's whole layout (validation_layout, set as the layout function is
    # assigned) and serializes it into every page's config, for its renderer to check callbacks against in
    # debug mode only: 7 of the page's 10 ms on the server, for 60 kB that page stripped again. Every
    # component a callback names is in the layout itself, which the renderer checks against without one.
    app.validation_layout = None
    # One bounded render pool per app for the image URLs, which the page's download links use too.
    renderer = images.Renderer(max_waiting=image_waiting)
    callbacks.register(app, current)
    images.register(app, current, renderer)  # /export/<chart>.<png|svg|pdf>?<query>, /export/all.zip?<query>
    embed.register(app, current)  # /embed/<chart>?<query>: the one page other sites may frame

    # Compressed responses; only the scripts the page uses; the first HTML's title and description of the view.
    def view_for(query: str):
        served = current()  # one release for the whole answer
        return served.builder.build(from_query(query, served.dataset)[0])

    def first_paint_for(query: str) -> str:
        return current().extras["first_paint"](query or None)  # the layout request's cache key too

    serving.configure(app, view_for=view_for, first_paint_for=first_paint_for, chunks=DCC_CHUNKS)
    secure(app)
    return app


def from_a_phone(request: flask.Request) -> bool:
    """Whether a request says it comes from a phone: Chromium's client hint ``Sec-CH-UA-Mobile: ?1`` (sent
    by default), else a User-Agent with "Mobile" in it, as every phone browser's has (Safari, Chrome and
    Firefox on iOS and Android; their tablets' have not). The layout then comes with the charts drawn for
    a phone's width, so that the page is not drawn twice; a wrong guess (a phone held sideways, a narrow
    desktop window) is corrected by page.js with one redraw."""
    hint = request.headers.get("Sec-CH-UA-Mobile")
    if hint is not None:
        return hint.strip() == "?1"
    return "Mobile" in request.headers.get("User-Agent", "")


def cache_namespace(dataset: store.Dataset, events_file: Path) -> str:
    """What the shared cache's entries of one release belong to: the release's fingerprint (the sha256 of
    its files: the same on every host that serves it, another for any release that differs) and the
    events file's, which the views carry. A new release, or new events, never reads an old entry."""
    events = hashlib.sha256(Path(events_file).read_bytes()).hexdigest()[:8]
    return f"{dataset.fingerprint}.{events}"


def secure(app: Dash) -> None:
    """Headers a public dashboard should send, and errors answered without a traceback: a request the page
    could not have sent is a 400, a failure of ours a 500 whose traceback goes to the server's log only.

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
        if not flask.g.get("frameable"):  # only an embed page (``embed``) may be framed, by any site
            response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")  # the layout reads the page's query
        return response

    layout_path = app.config.routes_pathname_prefix + "_dash-layout"

    @app.server.after_request
    def layout_varies_with_the_device(response: flask.Response) -> flask.Response:
        """The layout is drawn for a phone or not (``from_a_phone``): a cache keeps the two apart."""
        if flask.request.path == layout_path:
            response.vary.update(("Sec-CH-UA-Mobile", "User-Agent"))
        return response

    update_path = app.config.routes_pathname_prefix + "_dash-update-component"
    # The page's largest callback body is a few kB; a bigger one is refused (413) before it is read.
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    reload_path = app.config.routes_pathname_prefix + "_reload-hash"
    suites = app.config.routes_pathname_prefix + "_dash-component-suites/"

    @app.server.before_request
    def development_routes_only_in_development():
        """Outside debug mode: no hot-reload endpoint, no source maps, and not the full plotly.js (the page
        draws with the cartesian bundle in assets/vendor): 404, as for any file the server does not have."""
        path = flask.request.path
        dev_tools = app._dev_tools  # noqa: SLF001 - set by Dash from run(debug=...) and DASH_* variables
        if path == reload_path and not dev_tools.get("hot_reload"):
            return flask.jsonify(error="Not found."), 404
        if path.startswith(suites) and not dev_tools.get("serve_dev_bundles"):
            if path.endswith(".map") or path.startswith(suites + "plotly/"):
                return flask.jsonify(error="Not found."), 404
        return None

    @app.server.before_request
    def reject_malformed_callback_requests():
        """A callback request the page could not have sent is the client's error: 400, before any callback
        runs (Dash itself would pass most such bodies on to the callback unchecked)."""
        if flask.request.path == update_path and flask.request.method == "POST":
            fault = request_fault(app, flask.request.get_json(silent=True))
            if fault:
                app.server.logger.info("rejected a malformed callback request: %s", fault)
                return flask.jsonify(error=f"Malformed callback request: {fault}."), 400
        return None

    @app.server.errorhandler(Exception)
    def answer_without_traceback(error: Exception):
        """Anything that fails on a well-formed request, a callback above all, is the server's error: 500,
        with the traceback in the server's log and never in the answer."""
        if isinstance(error, HTTPException):  # unknown page (404), wrong method (405)...
            return error
        if isinstance(error, DependencyException):  # /_dash-component-suites/<no such package or file>
            return flask.jsonify(error="Not found."), 404
        app.server.logger.error(
            "unexpected exception answering %s %s", flask.request.method, flask.request.path, exc_info=error
        )
        return flask.jsonify(error="Internal error."), 500


def request_fault(app: Dash, body) -> str | None:
    """Why a ``/_dash-update-component`` body is not one the page could send, or None if it could be.

    Dash dispatches on ``output`` and passes ``inputs`` and ``state`` to the callback without comparing them
    with the callback's registration; a browser always sends them in the registered order and shape:
    one ``{id, property, value}`` per plain input, a list of them per wildcard (``ALL``) input, and its
    values are text a browser can hold.
    """
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    key = body.get("output")
    entry = app.callback_map.get(key) if isinstance(key, str) else None
    if entry is None or "callback" not in entry:  # clientside callbacks have no server function
        return "no server callback has that output"
    expected = [_split_prop_id(part) for part in key[2:-2].split("...")] if key.startswith("..") else None
    outputs = body.get("outputs")
    if expected is None:
        if not _matches(outputs, _split_prop_id(key)):
            return "outputs do not match the callback"
    elif not (isinstance(outputs, list) and len(outputs) == len(expected)) or not all(
        _matches(o, e) for o, e in zip(outputs, expected)
    ):
        return "outputs do not match the callback"
    for part in ("inputs", "state"):
        sent, registered = body.get(part, []), entry[part]
        if not (isinstance(sent, list) and len(sent) == len(registered)):
            return f"{part} do not match the callback"
        if not all(_matches(s, r) for s, r in zip(sent, registered)):
            return f"{part} do not match the callback"
    changed = body.get("changedPropIds", [])
    named = {_prop_id(i) for item in body["inputs"] for i in (item if isinstance(item, list) else [item])}
    if not (isinstance(changed, list) and all(isinstance(c, str) and _canonical(c) in named for c in changed)):
        return "changedPropIds name something that is not an input of the callback"
    try:
        json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:  # JSON may escape half a UTF-16 pair ("\\ud800"); no text has one (RFC 7493)
        return "a value is not Unicode text (an unpaired surrogate)"
    return None


def _split_prop_id(prop_id: str) -> dict:
    component, _, prop = prop_id.rpartition(".")  # properties have no dots; pattern ids may
    return {"id": component, "property": prop}


def _matches(sent, registered: dict) -> bool:
    """One input, state or output as sent, against its registration (a wildcard id: a list of matches)."""
    pattern = _pattern(registered["id"])
    if pattern is None:
        return (
            isinstance(sent, dict)
            and sent.get("id") == registered["id"]
            and sent.get("property") == registered["property"]
        )
    return isinstance(sent, list) and all(
        isinstance(one, dict)
        and isinstance(one.get("id"), dict)
        and one["id"].keys() == pattern.keys()
        and all(isinstance(v, list) or one["id"][k] == v for k, v in pattern.items())  # ["ALL"]: any value
        and one.get("property") == registered["property"]
        for one in sent
    )


def _pattern(component_id: str) -> dict | None:
    """A wildcard id as registered (``'{"chart":["ALL"],...}'``), parsed; None for a plain id."""
    if not component_id.startswith("{"):
        return None
    try:
        return json.loads(component_id)
    except ValueError:
        return None


def _prop_id(item) -> str | None:
    if not isinstance(item, dict):
        return None
    component = item.get("id")
    return f"{_canonical_id(component)}.{item.get('property')}"


def _canonical(prop_id: str) -> str:
    """A changedPropIds entry with its id, if a pattern one, spelt the one way ``_prop_id`` spells it."""
    component, _, prop = prop_id.rpartition(".")
    if component.startswith("{"):
        try:
            return f"{_canonical_id(json.loads(component))}.{prop}"
        except ValueError:
            return prop_id
    return prop_id


def _canonical_id(component) -> str:
    return (
        json.dumps(component, sort_keys=True, separators=(",", ":")) if isinstance(component, dict) else str(component)
    )


def create_server(data_dir: str | None = None, cache_url: str | None = None, image_waiting: int | None = None):
    """The WSGI application, for gunicorn and other WSGI servers."""
    return create_app(Path(data_dir) if data_dir else None, cache_url=cache_url, image_waiting=image_waiting).server
