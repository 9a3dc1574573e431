"""What goes over the wire: responses compressed, and the page's scripts only those it uses.

``configure(app)`` is called once by ``app.create_app``:

- Scripts and stylesheets (``/assets/...``, ``/_dash-component-suites/...``) are compressed once per
  process, brotli at quality 9 or gzip at level 9 as the browser accepts, and kept in memory; they keep
  the long cache headers Flask and Dash gave them, with an ETag of their own per encoding. plotly.js
  goes as the ``.br`` built beside it at quality 11 (``assets/vendor/README.md``).
- Everything else (the page, the layout, the callbacks' JSON, the favicon) is compressed as it is
  answered by flask-compress (brotli quality 4 or gzip 6: fast enough for a callback).
- Every response says ``Vary: Accept-Encoding``.
- The page leaves out two scripts Dash puts in every page: DataTable's bundle (the page has no table)
  and @babel/polyfill (ES2015+ for old browsers; of it, Dash's scripts need only regeneratorRuntime in
  a browser of today, which ``assets/vendor/regenerator-runtime.min.js`` provides, in 7 kB instead of 100).
  Dash 4 lists both unconditionally (``Dash._generate_scripts_html``); the page's scripts are taken out
  of its ``{%scripts%}`` through ``Dash.interpolate_index``, the documented way to change the page.
- The first HTML carries the page's own stylesheet in a <style> (painted without a round trip more) and
  a meta description naming the view the link asks for (the story's sentences for it); ``/robots.txt``
  answers as plain text rather than with the page.
- The first HTML holds the first paint (``first_paint``: the view's page as static HTML) before Dash's
  entry point, and no script tag of Dash's: they wait in a <template>, and a small deferred script
  (``/_border/load-scripts.js``) loads them in their order once the page is painted, then starts the
  renderer from a file (``/_border/start-renderer.js``) instead of Dash's inline script; it fetches the
  layout and the callbacks beside them (the renderer would ask for them only once every script has run).
  The browser paints the page as soon as it has the HTML, before fetching or running a script. Until
  Dash's dcc.Location listens for Back and Forward, the loader does: a move to another address then
  reloads the page there, rather than being lost.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from html import escape as html_escape
from pathlib import Path

import brotli
import dash as dash_package
import flask
from dash import Dash
from dash.fingerprint import build_fingerprint
from flask_compress import Compress

from border_dashboard.components.view import View, page_title, sentence, window_text

# Text a browser fetches from us; images other than the favicon are already compressed.
COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/plain",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "application/json",
        "image/svg+xml",
        "image/x-icon",
        "image/vnd.microsoft.icon",
    }
)
ENCODINGS = ("br", "gzip")  # preferred first, when the browser accepts both as well
STATIC_LEVELS = {"br": 9, "gzip": 9}  # brotli 11 saves another 8% but takes 7 s for plotly.js
MIN_SIZE = 500  # bytes: below this, compression costs more than it saves
# Scripts of Dash's page the dashboard does not load. A DataTable in the page would need the first back.
UNUSED_SCRIPTS = re.compile(
    r'<script src="[^"]*/_dash-component-suites/dash/(dash_table/|deps/polyfill@)[^"]*"></script>'
)


SITE_DESCRIPTION = (
    "U.S. border encounters by nationality, month and border region, from the official DHS and CBP files:"
    " the monthly trend, the rise from one year to the next, the peak month and the top nationalities."
)
ROBOTS_TXT = "User-agent: *\nAllow: /\n"
# dash-ag-grid's script (1.3 MB): loaded by assets/tabs.js when a tab with a grid is opened, not with the page
GRID_SCRIPT = re.compile(r'<script src="([^"]*/_dash-component-suites/dash_ag_grid/[^"]*\.js)"></script>')
# The page's scripts are loaded once the first paint is on screen (``LOADER``), in their order, then the
# renderer is started from a file (``RENDERER_START``) instead of Dash's inline script. In the page they
# are listed as data, so the browser fetches none of them before it has painted the first paint.
RENDERER_INLINE = (
    '<script id="_dash-renderer" type="application/javascript">var renderer = new DashRenderer();</script>'
)
RENDERER_START = "var renderer = new DashRenderer();\n"
RENDERER_PATH = "_border/start-renderer.js"
LOADER_PATH = "_border/load-scripts.js"
SCRIPTS_ID = "border-scripts"
# The page's largest script (plotly.js), whose download the loader starts first.
FETCHED_FIRST = re.compile(r'\s*<script src="([^"]*/assets/vendor/plotly[^"/]*\.js(?:\?[^"]*)?)"></script>\s*')
# What Dash's renderer GETs as it starts (the page's layout, for the link's address, and its callbacks):
# fetched by the loader with the scripts, and handed to the renderer when it asks (``LOADER``).
EARLY_REQUESTS = ("_dash-layout", "_dash-dependencies")
LOADER = """// Loads the page's scripts (the tags in <template id="border-scripts">) once the first paint is on
// screen, in their order.
(function () {
    var listed = document.getElementById("border-scripts").content;
    var loader = document.currentScript;
    // Back or Forward in the page's first moments (before Dash's dcc.Location listens for them: a second
    // or more on a slow phone) would be lost: the address moved to another entry while the page went on
    // with the layout of the address it asked for, and dcc.Location, mounting with that address, wrote
    // it over the other entry. Such a move reloads the page at the new address instead. A move before
    // the layout is asked for needs none (it is asked for at the new address), nor one within the page
    // (the skip link's #anchor changes no address).
    var asked = null;  // the address the layout was asked for
    var listening = false;
    var addEventListener = window.addEventListener;
    function moved() {
        if (!listening && asked !== null && window.location.pathname + window.location.search !== asked) {
            window.location.reload();
        }
    }
    window.addEventListener = function (type, listener) {
        if (type === "popstate" && listener !== moved) {
            listening = true;  // dcc.Location's: it follows the address from now on
            window.addEventListener = addEventListener;
        }
        return addEventListener.apply(this, arguments);
    };
    addEventListener.call(window, "popstate", moved);
    // Dash's renderer asks for the layout and the callbacks only once every script has run; asked for
    // here, beside the scripts, they have come by then. Its first GET of each is answered with this one.
    function fetchEarly() {
        var early = {};
        asked = window.location.pathname + window.location.search;
        (loader.getAttribute("data-early") || "").split(" ").filter(Boolean).forEach(function (url) {
            early[url] = window.fetch(url, {
                method: "GET",
                credentials: "same-origin",
                headers: {Accept: "application/json", "Content-Type": "application/json"},
            });
            early[url].catch(function () {});  // the renderer's own request reports a failure
        });
        var fetch = window.fetch;
        window.fetch = function (input, init) {
            var method = ((init && init.method) || "GET").toUpperCase();
            var answer = typeof input === "string" && method === "GET" && early[input];
            if (answer) {
                delete early[input];  // a response is read once: a later request goes to the server
                return answer;
            }
            return fetch.apply(this, arguments);
        };
    }
    function load() {
        fetchEarly();
        listed.querySelectorAll("link[rel=preload]").forEach(function (link) {
            document.head.appendChild(link.cloneNode());
        });
        listed.querySelectorAll("script[src]").forEach(function (tag) {
            var script = document.createElement("script");  // a script copied from a template would not run
            script.src = tag.getAttribute("src");
            script.async = false;  // run in the listed order, as the page's own tags would
            document.body.appendChild(script);
        });
    }
    // Once the first paint is drawn: a task queued from an animation frame runs after that frame has
    // been painted and handed to the compositor, which shows it while the scripts run. (Waiting for the
    // browser to report its first contentful paint instead cost a warm link 20 to 40 ms: the report
    // comes once the frame is on screen, long after the main thread is free.)
    var started = false;
    function once() {
        if (!started) {
            started = true;
            load();
        }
    }
    requestAnimationFrame(function () { setTimeout(once, 0); });
    setTimeout(once, 3000);  // in case no frame is drawn (a hidden tab draws none until shown)
})();
"""


def configure(
    app: Dash,
    view_for: Callable[[str], View] | None = None,
    first_paint_for: Callable[[str], str] | None = None,
    chunks: tuple[str, ...] = (),
) -> None:
    """Compress what ``app`` serves and serve the scripts its page uses (see the module's docstring).

    ``view_for(query)``: the view a link's query string asks for, which the meta description names
    (without it, the description is the site's). ``first_paint_for(query)``: the page of that view as
    static HTML (``first_paint``), put before Dash's entry point so that the first HTML shows it.
    ``chunks``: names of the chunks of Dash's component bundle (``dash/dcc/<name>.js``) that the page's
    components load on demand, run with the page's scripts instead (``chunk_urls``).
    Call this after setting ``app.interpolate_index``.
    """
    server = app.server
    server.config.update(
        COMPRESS_ALGORITHM=list(ENCODINGS),
        COMPRESS_BR_LEVEL=4,
        COMPRESS_LEVEL=6,
        COMPRESS_MIN_SIZE=MIN_SIZE,
        COMPRESS_MIMETYPES=sorted(COMPRESSIBLE),
        COMPRESS_STREAMS=False,  # files are compressed below, once; nothing else of ours streams
    )
    Compress(server)  # its after_request runs after ours: it leaves a response we encoded alone
    static = StaticCompressor(
        prefixes=(
            app.get_asset_url(""),
            app.config.requests_pathname_prefix + "_dash-component-suites/",
            app.config.requests_pathname_prefix + "_border/",
        ),
        assets_url=app.get_asset_url(""),
        assets_folder=Path(app.config.assets_folder),
    )
    server.after_request(static)
    server.add_url_rule("/robots.txt", "robots_txt", lambda: flask.Response(ROBOTS_TXT, mimetype="text/plain"))
    renderer_url = versioned(app.config.requests_pathname_prefix + RENDERER_PATH, RENDERER_START)

    loader_url = versioned(app.config.requests_pathname_prefix + LOADER_PATH, LOADER)

    def script(text: str) -> Callable[[], flask.Response]:
        def answer() -> flask.Response:
            response = flask.Response(text, mimetype="application/javascript")
            response.headers["Cache-Control"] = "public, max-age=31536000"  # the URL changes with the text
            return response

        return answer

    server.add_url_rule(app.config.routes_pathname_prefix + RENDERER_PATH, "start_renderer", script(RENDERER_START))
    server.add_url_rule(app.config.routes_pathname_prefix + LOADER_PATH, "load_scripts", script(LOADER))
    interpolate = app.interpolate_index  # app.py's own, when it has one
    prefix = app.config.requests_pathname_prefix
    assets_url, assets_folder = app.get_asset_url(""), Path(app.config.assets_folder)
    assets_folder = assets_folder if assets_folder.is_dir() else None

    chunk_srcs = chunk_urls(prefix, chunks)

    def first_html(**parts) -> str:
        """The first HTML names the view the link asks for: its <title> (tabs, bookmarks, link previews) and
        its meta description, both from one view (memoized by the view builder, per release)."""
        query = flask.request.query_string.decode("utf-8", "replace") if flask.has_request_context() else ""
        text = SITE_DESCRIPTION
        if view_for:
            try:
                view = view_for(query[:8192])
                text = description(view)
                parts = {**parts, "title": html_escape(page_title(view))}
            except Exception:  # a title or description is never worth an error page: the site's will do
                app.logger.exception("could not describe the page for %r", query[:200])
        metas = parts.get("metas", "") + f'\n<meta name="description" content="{html_escape(text)}">'
        if first_paint_for:
            try:
                parts = {**parts, "app_entry": first_paint_for(query[:8192]) + parts.get("app_entry", "")}
            except Exception:  # the interactive page still comes: the first paint is only its head start
                app.logger.exception("could not draw the first paint for %r", query[:200])
        if assets_folder is not None:
            parts = {**parts, "css": inline_stylesheets(parts.get("css", ""), assets_url, assets_folder)}
        scripts, deferred = deferred_scripts(without_unused_scripts(parts.get("scripts", "")))
        metas += "".join(f'\n<meta name="border-grid-script" content="{html_escape(src)}">' for src in deferred)
        if parts.get("renderer", "").strip() == RENDERER_INLINE:  # Dash's own: no renderer hooks
            # Inert in a <template>: the browser neither fetches nor runs a script there until one is copied out.
            listed = [*scripts.split("\n"), *(f'<script src="{src}"></script>' for src in chunk_srcs)]
            listed.append(f'<script src="{renderer_url}"></script>')
            # The largest script first (the loader adds the preloads before the scripts): all must have
            # come before the first can run, and over a slow link plotly.js alone takes longer than the rest.
            first = [m.group(1) for m in map(FETCHED_FIRST.fullmatch, scripts.split("\n")) if m]
            listed += [f'<link rel="preload" as="script" href="{href}">' for href in first]
            scripts = f'<template id="{SCRIPTS_ID}">{"".join(tag.strip() for tag in listed)}</template>'
            # (with the id Dash looks for in a page, to check that the page starts its renderer)
            early = " ".join(prefix + name for name in EARLY_REQUESTS)
            parts = {
                **parts,
                "renderer": f'<script defer id="_dash-renderer" src="{loader_url}" data-early="{early}"></script>',
            }
        return interpolate(**{**parts, "metas": metas, "scripts": scripts})

    app.interpolate_index = first_html


def description(view: View) -> str:
    """'China - Southwest Land Border, Jan 2022 to Nov 2024: Border Patrol encountered 37,160 nationals of
    China ...': the view as the tab's title names it, then the story's sentences for it."""
    if not view.nationalities:
        return SITE_DESCRIPTION
    return f"{view.title_suffix}, {window_text(view)}: {sentence(view)}"


def chunk_urls(prefix: str, chunks: tuple[str, ...]) -> list[str]:
    """The addresses of Dash's component chunks ``chunks`` (``dash/dcc/<name>.js``) under Dash's own
    fingerprint (``.v<version>m<mtime>``), which Dash serves like its bundles, kept for good.

    Dash's dropdowns and graphs load their code on demand, at the address without a fingerprint: the
    browser then asks the server again on every page whether the file changed (a 304 that waited its
    turn behind the layout, 55 ms of a shared link's 280 on a loaded machine), and the component is drawn
    only when it is answered. Run as a script of the page instead, a chunk registers its modules with
    the bundle (webpack's chunk list, which the bundle reads as it starts), which never asks for it.
    """
    folder = Path(dash_package.__file__).parent / "dcc"
    return [
        build_fingerprint(
            f"{prefix}_dash-component-suites/dash/dcc/{name}.js",
            dash_package.__version__,
            int((folder / f"{name}.js").stat().st_mtime),
        )
        for name in chunks
        if (folder / f"{name}.js").is_file()  # a Dash that names its chunks otherwise fetches them itself
    ]


STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"?]*)(?:\?[^"]*)?">')


def inline_stylesheets(css: str, assets_url: str, assets_folder: Path) -> str:
    """Dash's ``{%css%}`` with each stylesheet of ``assets_folder`` in a <style> of the page itself: the
    browser paints the first paint with the HTML alone, a round trip sooner than after fetching the
    stylesheet (2 kB compressed, read again with every page rather than kept for good)."""

    def inlined(match: re.Match) -> str:
        href = match.group(1)
        if not href.startswith(assets_url):
            return match.group(0)
        path = (assets_folder / href[len(assets_url) :]).resolve()
        if assets_folder.resolve() not in path.parents or not path.is_file():
            return match.group(0)
        text = path.read_text(encoding="utf-8")
        if "</" in text:  # would end the <style> element early: fetched as a file instead
            return match.group(0)
        return f"<style>{text}</style>"

    return STYLESHEET.sub(inlined, css)


def versioned(url: str, text: str) -> str:
    """``url?v=<hash of text>``: a browser may keep it for good, since another text has another URL."""
    return f"{url}?v={hashlib.sha256(text.encode()).hexdigest()[:12]}"


def without_unused_scripts(scripts: str) -> str:
    """Dash's ``{%scripts%}`` (one tag a line) without those of ``UNUSED_SCRIPTS``."""
    return "\n".join(tag for tag in scripts.split("\n") if not UNUSED_SCRIPTS.fullmatch(tag.strip()))


def deferred_scripts(scripts: str) -> tuple[str, list[str]]:
    """Dash's ``{%scripts%}`` without dash-ag-grid's, and that script's address (for ``assets/tabs.js``)."""
    kept, deferred = [], []
    for tag in scripts.split("\n"):
        match = GRID_SCRIPT.fullmatch(tag.strip())
        if match:
            deferred.append(match.group(1))
        else:
            kept.append(tag)
    return "\n".join(kept), deferred


class StaticCompressor:
    """An ``after_request`` function compressing file responses under ``prefixes``, each once a process.

    A file of ``assets_folder`` (served under ``assets_url``) with a ``.br`` beside it, compressed at
    quality 11 when it was built (``tools/vendor-build/build.sh``), is sent as that instead, once it is
    checked to hold the file as served.
    """

    def __init__(
        self,
        prefixes: tuple[str, ...],
        capacity: int = 64,
        assets_url: str | None = None,
        assets_folder: Path | None = None,
    ):
        self.prefixes = prefixes
        self.capacity = capacity
        self.assets_url, self.assets_folder = assets_url, assets_folder
        self._cache: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, response: flask.Response) -> flask.Response:
        request = flask.request
        if not request.path.startswith(self.prefixes) or request.method not in ("GET", "HEAD"):
            return response
        add_vary(response)
        if (
            response.status_code != 200
            or "Content-Encoding" in response.headers
            or response.mimetype not in COMPRESSIBLE
            or (response.content_length is not None and response.content_length < MIN_SIZE)
        ):
            return response
        encoding = chosen_encoding(request.headers.get("Accept-Encoding", ""))
        if encoding is None:
            return response
        etag, _ = response.get_etag()
        key = (request.path, etag, response.headers.get("Last-Modified"), encoding)
        with self._lock:
            body = self._cache.get(key)
            if body is not None:
                self._cache.move_to_end(key)
        response.direct_passthrough = False
        if body is None:
            data = response.get_data()
            body = self.precompressed(request.path, data, encoding) or compress(data, encoding)
            with self._lock:
                self._cache[key] = body
                while len(self._cache) > self.capacity:
                    self._cache.popitem(last=False)
        response.close()  # the file Flask opened for it
        response.set_data(body)
        response.headers["Content-Encoding"] = encoding
        if etag:
            response.set_etag(f"{etag}:{encoding}")
        return response.make_conditional(request)

    def precompressed(self, path: str, data: bytes, encoding: str) -> bytes | None:
        """The ``.br`` built beside the file served at ``path``, if there is one and it holds ``data``."""
        if encoding != "br" or not self.assets_url or not self.assets_folder or not path.startswith(self.assets_url):
            return None
        folder = self.assets_folder.resolve()
        candidate = (folder / (path[len(self.assets_url) :] + ".br")).resolve()
        if folder not in candidate.parents or not candidate.is_file():
            return None
        built = candidate.read_bytes()
        try:
            return built if brotli.decompress(built) == data else None  # a stale .br is never sent
        except brotli.error:
            return None


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=STATIC_LEVELS["br"])
    return gzip.compress(data, STATIC_LEVELS["gzip"], mtime=0)


def chosen_encoding(accept_encoding: str) -> str | None:
    """The encoding of ``ENCODINGS`` the browser ranks highest (``br`` on a tie), or None."""
    qualities = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        match = re.search(r"q=([^;]*)", params)
        try:
            qualities[name.strip()] = float(match.group(1)) if match else 1.0
        except ValueError:
            qualities[name.strip()] = 0.0
    best = max(ENCODINGS, key=lambda e: (qualities.get(e, qualities.get("*", 0.0)), -ENCODINGS.index(e)))
    return best if qualities.get(best, qualities.get("*", 0.0)) > 0 else None


def add_vary(response: flask.Response) -> None:
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Accept-Encoding"
    elif "accept-encoding" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Accept-Encoding"
