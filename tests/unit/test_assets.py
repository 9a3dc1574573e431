"""The page's own scripts: the vendored plotly.js bundle is the release plotly.py was built for, is served,
and holds every trace type the figures draw."""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
from pathlib import Path

import plotly
import pytest

from border_dashboard.components import app as application
from border_dashboard.components import charts, figures, panels
from border_dashboard.components.state import ViewState
from border_dashboard.components.view import ViewBuilder

VENDOR = Path(application.ASSETS) / "vendor"
BUNDLE = VENDOR / "plotly-dashboard.min.js"
GEO_BUNDLE = VENDOR / "plotly-geo.min.js"  # the world map's, loaded by page.js when the map is opened
BASE_MAP = VENDOR / "topojson" / "world_50m.json"
MAP_FIGURES = {"map_figure"}
"""Figure functions the page draws only in the map tab, with the geo bundle (``window.PlotlyGeo``)."""
VERSION = "4.1.1"
BUILD = Path(__file__).resolve().parents[2] / "tools" / "vendor-build"


def _version(script: Path) -> str:
    return re.search(r"plotly\.js \(?[a-z -]*\)? ?v(\d+\.\d+\.\d+)", script.read_text(encoding="utf-8")[:400]).group(1)


def bundled_trace_types(script: Path = BUNDLE) -> set[str]:
    """The trace types a plotly.js bundle registers: each trace module is ``{moduleType:"trace",name:...}``."""
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', script.read_text(encoding="utf-8")))


def test_the_bundle_is_the_plotly_js_release_plotly_py_draws_for():
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert _version(BUNDLE) == VERSION and _version(GEO_BUNDLE) == VERSION
    assert VERSION in (VENDOR / "README.md").read_text()
    assert f'"plotly.js": "{VERSION}"' in (BUILD / "package.json").read_text()
    # Same major release: the attributes our figures use mean the same in both (a minor bump is fine).
    assert _version(BUNDLE).split(".")[0] == re.search(r"plotly\.js v(\d+)", bundled.read_text()[:400]).group(1)


def test_the_readme_records_the_vendored_scripts_as_committed():
    for script in (BUNDLE, VENDOR / "regenerator-runtime.min.js", GEO_BUNDLE, BASE_MAP):
        assert hashlib.sha256(script.read_bytes()).hexdigest() in (VENDOR / "README.md").read_text(), script.name


def test_the_page_loads_the_bundle_and_not_the_full_plotly_js():
    client = application.create_app().server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'src="/assets/vendor/plotly-dashboard\.min\.js\?m=[\d.]+"', page)
    # no other plotly.js beside it (not the geo one); it is preloaded first, then run as a script
    assert set(re.findall(r"plotly[^\"]*\.js", page)) == {"plotly-dashboard.min.js"}
    preloads = re.findall(r'<link rel="preload" as="script" href="([^"]*)">', page)
    assert preloads and "/assets/vendor/plotly-dashboard.min.js" in preloads[0]
    assert "plotly-geo" not in page and "topojson" not in page
    assert "package_data/plotly.min.js" not in page
    with client.get("/assets/vendor/plotly-dashboard.min.js") as served:  # a file response: close it
        assert served.status_code == 200 and served.data == BUNDLE.read_bytes()


def test_the_bundle_registers_only_scatter_bar_and_heatmap():
    assert bundled_trace_types() == {"scatter", "bar", "heatmap"}
    assert bundled_trace_types(GEO_BUNDLE) == {"scatter", "choropleth"}  # scatter: in plotly.js's core


def test_the_geo_bundle_and_base_map_are_served_but_not_in_the_page():
    client = application.create_app().server.test_client()
    for path in (GEO_BUNDLE, BASE_MAP):
        with client.get(f"/assets/{path.relative_to(VENDOR.parent).as_posix()}") as served:
            assert served.status_code == 200 and served.data == path.read_bytes(), path.name


VIEWS = [
    ViewState(),  # the story: the default link
    ViewState(nationalities=("China",)),
    ViewState(nationalities=("China", "India", "Ecuador"), basis="fiscal", events=False),
    ViewState(nationalities=("China", "India"), measure="index", scale="log"),
    ViewState(nationalities=("China",), measure="share"),
    ViewState(nationalities=()),
    ViewState(start="2030-01", end="2030-12"),  # past the data: the empty figures
    ViewState(source="cbp-swb", nationalities=("Mexico", "Other")),
]


@pytest.fixture(scope="module")
def drawn(dataset):
    """Every trace type each figure function of ``figures`` produced over ``VIEWS`` (charts and tabs), by
    function."""
    names = [n for n, _ in inspect.getmembers(figures, inspect.isfunction) if n.endswith("_figure") and n[0] != "_"]
    types: dict[str, set[str]] = {name: set() for name in names}
    originals = {name: getattr(figures, name) for name in names}

    def recording(name):
        @functools.wraps(originals[name])
        def wrapper(*args, **kwargs):
            figure = originals[name](*args, **kwargs)
            types[name].update(trace.type or "scatter" for trace in figure.data)
            types[name].add("")  # called at least once
            return figure

        return wrapper

    builder = ViewBuilder(dataset)
    with pytest.MonkeyPatch.context() as patch:
        for name in names:
            patch.setattr(figures, name, recording(name))
        for state in VIEWS:
            charts.build_charts(builder.build(state))
            charts.map_chart(builder.build(state), dataset.served(state.source))
            for tab in panels.PANELS:  # the tabs' own figures, drawn when a tab opens
                panels.panel_contents(tab, dataset, builder, state)
    return types


def test_every_figure_function_is_drawn_by_some_view(drawn):
    assert [name for name, types in drawn.items() if not types] == [], "add a view to VIEWS that draws it"


def missing_trace_types(drawn: dict[str, set[str]], bundled: set[str]) -> dict[str, set[str]]:
    return {name: types - {""} - bundled for name, types in drawn.items() if types - {""} - bundled}


def test_every_trace_type_the_figures_draw_is_in_the_bundle(drawn):
    """A figure with a trace type the bundle lacks would draw nothing in the page: rebuild the bundle with
    it (tools/vendor-build/entry.js and build.sh), or load it only where it is used (the map's, with the
    geo bundle: entry-geo.js)."""
    charts_drawn = {name: types for name, types in drawn.items() if name not in MAP_FIGURES}
    map_drawn = {name: types for name, types in drawn.items() if name in MAP_FIGURES}
    assert missing_trace_types(charts_drawn, bundled_trace_types()) == {}
    assert missing_trace_types(map_drawn, bundled_trace_types(GEO_BUNDLE)) == {}
    assert {"scatter", "bar", "heatmap"} <= set().union(*charts_drawn.values())
    assert "choropleth" in set().union(*map_drawn.values())
    assert missing_trace_types(map_drawn, bundled_trace_types()) == {"map_figure": {"choropleth"}}


def test_a_bundle_without_a_drawn_trace_type_is_caught(drawn, tmp_path):
    smaller = tmp_path / "plotly-smaller.min.js"
    smaller.write_text('x={moduleType:"trace",name:"scatter"};y={moduleType:"trace",name:"bar"}')
    assert bundled_trace_types(smaller) == {"scatter", "bar"}
    charts_drawn = {name: types for name, types in drawn.items() if name not in MAP_FIGURES}
    assert missing_trace_types(charts_drawn, bundled_trace_types(smaller)) == {"peak_figure": {"heatmap"}}
