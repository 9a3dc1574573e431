"""The map tab's panel: encounters in the window by citizenship on a world map (``charts.map_chart``).

The figure goes in the panel as the ``data-figure`` of a ``.world-map`` element, which ``assets/page.js``
draws with the map's own plotly.js (``assets/vendor/plotly-geo.min.js``), loaded only when a map is shown:
the page's bundle has no geo traces, and the default page stays as light as it was. The base map is ours
too (``config.topojsonURL``), so drawing the map asks nothing of any other server.
"""

from __future__ import annotations

import json

from dash import html
from plotly.utils import PlotlyJSONEncoder

from border_dashboard.components import charts
from border_dashboard.components.state import ViewState
from border_dashboard.components.view import ViewBuilder
from border_dashboard.data.store import Dataset

WORLD_MAP = "world-map"
ASSETS_URL = "/assets/"  # Dash's default assets URL (``create_app`` keeps it)
GEO_SCRIPT = "vendor/plotly-geo.min.js"
TOPOJSON_URL = ASSETS_URL + "vendor/topojson/"  # plotly.js asks for world_50m.json there
CONFIG = {
    "topojsonURL": TOPOJSON_URL,
    "responsive": True,
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


def geo_script_url() -> str:
    """The map's plotly.js, with its file's mtime as Dash writes its assets' (a new build is fetched anew)."""
    path = charts.BASE_MAP.parents[1] / "plotly-geo.min.js"
    return f"{ASSETS_URL}{GEO_SCRIPT}?m={int(path.stat().st_mtime)}"


def map_panel(dataset: Dataset, builder: ViewBuilder, state: ViewState) -> list:
    """The map of a view, a line on what a click does, and the view's source line."""
    view = builder.build(state)
    figure = charts.map_chart(view, dataset.served(state.source))
    return [
        html.P(
            "Each country is coloured by its nationals' encounters in the window (darker is more, on a log "
            "scale); hover for the number, click a country to add it to the nationalities shown.",
            className="panel-help",
        ),
        html.Div(
            id=WORLD_MAP,
            className="world-map",
            role="img",
            **{
                "aria-label": figure.layout.title.text.replace("<br>", " ") if figure.layout.title.text else "Map",
                "data-figure": json.dumps(figure.to_plotly_json(), cls=PlotlyJSONEncoder, separators=(",", ":")),
                "data-config": json.dumps(CONFIG),
                "data-script": geo_script_url(),
            },
            style={"height": f"{figure.layout.height}px"},
        ),
    ]
