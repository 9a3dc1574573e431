"""One chart for other sites to frame: ``GET /embed/<chart>?<the page's own query>``.

``/embed/trend?nationality=China`` answers a small HTML page holding the trend chart of that view, drawn
interactively with the project's own plotly.js bundle (``assets/vendor``; no Dash app, no request leaving
the server), the same figure and toolbar the dashboard draws for that view, the provenance the page
shows under its charts, and an "Open in the dashboard" link to ``/?<the same query>``.

Charts are those of the image URLs (``images.CHARTS``: ``trend``, ``rise``, ``seasonality`` or ``peak``,
``top``, and the download names). This page alone may be framed by any site (``frame-ancestors *``, no
``X-Frame-Options``); every other answer of the app keeps refusing it (``app.secure``). An unknown chart is
a 404 and a query the page would correct a 400, each with a one-line reason, as for the images.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable
from html import escape

import flask
import plotly.graph_objects as go
from dash import Dash
from dash.development.base_component import Component

from border_dashboard.components import images, page
from border_dashboard.components.live import Served
from border_dashboard.components.state import from_query, to_query

PLOTLY_ASSET = "vendor/plotly-dashboard.min.js"
# The page's one inline script: it draws the figure of the JSON island beside it. Allowed by its hash.
DRAW = (
    "(function(){var d=function(id){return JSON.parse(document.getElementById(id).textContent);};"
    "var f=d('figure-data');Plotly.newPlot('chart',f.data,f.layout,d('figure-config'));})();"
)
DRAW_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(DRAW.encode()).digest()).decode() + "'"
POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' {DRAW_HASH}",
        "style-src 'self' 'unsafe-inline'",  # plotly.js sets its styles inline
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors *",
    ]
)
STYLE = """
body{margin:0;padding:8px 10px;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2933;
background:#fff}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
#chart{width:100%}
footer{font-size:12px;color:#52606d;line-height:1.4}
footer h2{font-size:13px;margin:6px 0 2px}footer h3{font-size:12px;margin:4px 0 2px}
footer p,footer ol{margin:2px 0}
a{color:#1d4ed8}
.open{display:inline-block;margin-top:4px;font-size:13px;font-weight:600}
"""


def to_html(node) -> str:
    """Dash html components (``html.P``, ``html.A``...) and text as HTML: the page's provenance, said here
    in the same words."""
    if node is None:
        return ""
    if isinstance(node, (list, tuple)):
        return "".join(to_html(child) for child in node)
    if not isinstance(node, Component):
        return escape(str(node))
    tag = node._type.lower()  # noqa: SLF001 - Dash's own name of the element (html.P -> "P")
    href = getattr(node, "href", None)
    attributes = f' href="{escape(href)}" target="_blank" rel="noopener"' if tag == "a" and href else ""
    return f"<{tag}{attributes}>{to_html(getattr(node, 'children', None))}</{tag}>"


def json_island(text: str) -> str:
    """JSON text a ``<script type="application/json">`` holds safely: no '<' that could close it ('<' is
    only ever inside a JSON string, where ``\\u003c`` is the same character)."""
    return text.replace("<", "\\u003c")


def page_html(*, figure: go.Figure, config: dict, title: str, provenance, query: str, plotly_url: str) -> str:
    height = int(figure.layout.height or 450)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1 class="visually-hidden">{escape(title)}</h1>
<div id="chart" style="height:{height}px"></div>
<footer>
{to_html(provenance)}
<a class="open" id="open-in-dashboard" href="/{escape(query)}" target="_blank" rel="noopener">Open in the dashboard</a>
</footer>
</main>
<script type="application/json" id="figure-data">{json_island(figure.to_json())}</script>
<script type="application/json" id="figure-config">{json_island(json.dumps(config))}</script>
<script src="{escape(plotly_url)}"></script>
<script>{DRAW}</script>
</body>
</html>
"""


def error(status: int, message: str, **extra) -> flask.Response:
    response = flask.jsonify(error=message, **extra)
    response.status_code = status
    return response


def register(app: Dash, current: Callable[[], Served]) -> None:
    """Serve ``/embed/<chart>`` on ``app``, reading the release ``current()`` gives."""
    prefix = app.config.routes_pathname_prefix
    bundle = os.path.join(app.config.assets_folder, PLOTLY_ASSET)
    # as Dash writes asset URLs: with the file's mtime, so that a browser may keep it for good
    plotly_url = f"{app.get_asset_url(PLOTLY_ASSET)}?m={int(os.stat(bundle).st_mtime)}"

    def embed_chart(chart: str):
        chart_id = images.CHARTS.get(chart)
        if chart_id is None:
            return error(404, f"No such chart: the charts are {', '.join(sorted(images.CHARTS))}.")
        served = current()
        query = flask.request.query_string.decode("utf-8", "replace")
        state, notices = from_query(query, served.dataset)
        if notices:  # an embed shows what it asks for or says why not, like the image URLs
            return error(400, " ".join(notices), view=to_query(state))
        canonical = to_query(state)
        shown = page.content(served.dataset, served.builder, canonical)
        figure = shown["figures"][chart_id]
        title = (figure.layout.title.text or "").replace("<br>", " ")
        body = page_html(
            figure=figure,
            config=shown["configs"][chart_id],
            title=title,
            provenance=shown["provenance"],
            query=canonical,
            plotly_url=plotly_url,
        )
        response = flask.Response(body, mimetype="text/html")
        response.headers["Content-Security-Policy"] = POLICY
        response.headers["Cache-Control"] = "public, max-age=300"
        flask.g.frameable = True  # app.secure sends no X-Frame-Options for this answer
        return response

    app.server.add_url_rule(f"{prefix}embed/<chart>", "embed_chart", embed_chart, methods=["GET"])
    app.server.add_url_rule(
        f"{prefix}embed/", "embed_nothing", lambda: error(404, "No chart named: /embed/<chart>?<query>.")
    )
