"""The first paint (components/first_paint.py): the first HTML holds the view's page, charts sketched."""

from __future__ import annotations

import re

import pytest

from border_dashboard.components import app as application
from border_dashboard.components import first_paint, ids
from border_dashboard.components.charts import build_charts
from border_dashboard.components.state import from_query
from border_dashboard.components.view import ViewBuilder


@pytest.fixture(scope="module")
def client():
    return application.create_app().server.test_client()


def test_u301_the_first_html_holds_the_story_numbers_and_a_sketch_per_chart(client):
    page = client.get("/?nationality=China").get_data(as_text=True)
    first = page[page.index('<div id="first-paint"') : page.index('<div id="react-entry-point"')]
    assert "37,160" in first and "x10.3" in first and "5,950" in first
    assert first.count('class="dash-graph chart fp-graph" role="img"') == len(ids.CHARTS)
    assert first.count('class="fp-chart"') == 2 * len(ids.CHARTS)  # wide and narrow
    assert re.findall(r'\sid="', first) == [' id="']  # the root only: no id the interactive page also has
    assert "<script" not in first
    compressed = client.get("/?nationality=China", headers={"Accept-Encoding": "br"})
    assert compressed.headers["Content-Encoding"] == "br" and len(compressed.data) < 25_000  # of the 650 kB


def test_u302_a_sketch_draws_its_figure_at_its_height_and_escapes_text(client):
    from border_dashboard.data import store

    dataset = store.load()
    view = ViewBuilder(dataset).build(from_query("nationality=China&nationality=India", dataset)[0])
    charts = build_charts(view)
    for chart, figure in charts.items():
        drawn = first_paint.sketch(figure)
        assert drawn.startswith(f'<div class="fp-chart" style="height:{figure.layout.height}px">'), chart
        assert "<rect" in drawn or "<path" in drawn
    trend = first_paint.sketch(charts[ids.TREND])
    assert trend.count('stroke-width="2.5"') == 2 and "fp-legend" in trend  # two lines, with their legend
    hostile = {"layout": {"height": 300, "title": {"text": "<img src=x onerror=alert(1)> <b>bold</b>"}}, "data": []}
    drawn = first_paint.sketch(hostile)
    assert "<img" not in drawn and "&lt;img" in drawn and "<b>bold</b>" in drawn


def test_u303_a_link_that_falls_back_still_gets_a_first_paint(client):
    page = client.get("/?nationality=%3Cscript%3E&from=nonsense").get_data(as_text=True)
    assert '<div id="first-paint"' in page and "<script>" not in page.split('<div id="react-entry-point"')[0]


def test_radio_items_are_laid_out_in_a_row_only_where_dcc_lays_them_out_so():
    """The first paint follows each group's ``inline``, as dcc does (a row of options, or one per line)."""
    from dash import dcc

    options = [{"label": "One", "value": 1}, {"label": "Two", "value": 2}]
    row = first_paint.page_html(dcc.RadioItems(options=options, value=1, inline=True, className="tab-strip"))
    column = first_paint.page_html(dcc.RadioItems(options=options, value=1))
    assert 'class="fp-options fp-inline tab-strip"' in row and row.count("<input") == 2 and "checked" in row
    assert 'class="fp-options"' in column and "fp-inline" not in column
