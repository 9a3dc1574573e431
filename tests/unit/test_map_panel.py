"""The map tab's panel: the figure page.js draws, with a base map and a script of our own server."""

from __future__ import annotations

import json

from border_dashboard.components import app as application
from border_dashboard.components import map_panel
from border_dashboard.components.state import ViewState
from border_dashboard.components.view import ViewBuilder


def test_the_panel_carries_the_figure_and_points_plotly_at_our_own_base_map(dataset):
    children = map_panel.map_panel(dataset, ViewBuilder(dataset), ViewState(nationalities=("China", "India")))
    (element,) = [c for c in children if getattr(c, "id", None) == map_panel.WORLD_MAP]
    props = element.to_plotly_json()["props"]
    figure, config = json.loads(props["data-figure"]), json.loads(props["data-config"])
    assert figure["data"][0]["type"] == "choropleth" and figure["layout"]["meta"]["nationalities"] == ["China", "India"]
    assert config["topojsonURL"] == "/assets/vendor/topojson/" and "http" not in json.dumps(config)
    assert props["data-script"].startswith("/assets/vendor/plotly-geo.min.js?m=")
    client = application.create_app(dataset=dataset).server.test_client()
    for path in (props["data-script"], config["topojsonURL"] + "world_50m.json"):
        with client.get(path) as served:
            assert served.status_code == 200, path
