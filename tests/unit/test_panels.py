"""The tabs' panels (``components.panels``): the table tab is the CSV download's table and the chart's
numbers; the sources tab compares what both sources count and names what it cannot."""

from __future__ import annotations

import io

import pandas as pd
import plotly.graph_objects as go
import pytest

from border_dashboard.components import callbacks, export, figures, ids, panels
from border_dashboard.components.state import from_query
from border_dashboard.components.view import ViewBuilder
from border_dashboard.data import compare


@pytest.fixture(scope="module")
def builder(dataset):
    return ViewBuilder(dataset)


def _find(children, component_id):
    stack = list(children) if isinstance(children, list) else [children]
    while stack:
        node = stack.pop()
        if getattr(node, "id", None) == component_id:
            return node
        inner = getattr(node, "children", None)
        stack.extend(inner if isinstance(inner, list) else [inner] if inner is not None else [])
    raise AssertionError(f"no {component_id}")


def test_the_table_tab_is_the_csv_and_the_charts_numbers(dataset, builder):
    query = "?nationality=China&nationality=All&from=2022-01&to=2024-12&tab=table"
    children = callbacks.render_panel(dataset, builder, "table", query)
    grid = _find(children, ids.TABLE_GRID)
    state, _ = from_query(query, dataset)
    view = builder.build(state)
    rows = pd.DataFrame(grid.rowData)
    assert list(rows.columns) == ["Period", "What", "China", "All nationalities"]
    china = view.series[view.series["nationality"] == "China"]
    assert rows["China"].tolist() == china["encounters"].tolist()  # the trend's line, month by month
    assert dict(zip(rows["Period"], rows["China"]))["2023-12"] == 5_950
    totals = {row["Period"]: row["China"] for row in grid.dashGridOptions["pinnedBottomRowData"]}
    assert totals == {"2022": 3_600, "2023": 37_160, "2024": 25_000}
    # the CSV download is the same table, cell for cell
    csv = callbacks.download_csv(dataset, builder, query)["content"]
    frame = pd.read_csv(io.StringIO(csv), comment="#", dtype=str)
    pinned = pd.DataFrame(grid.dashGridOptions["pinnedBottomRowData"])
    assert frame.values.tolist() == pd.concat([rows, pinned]).astype(str).values.tolist()


def test_a_rounded_zero_month_reads_fewer_than_5(dataset, builder):
    state, _ = from_query("?nationality=Brazil&region=northern&from=2022-01&to=2024-11", dataset)
    table = export.data_table(builder.build(state))
    assert table.rounded and (table.months["Brazil"] == 0).sum() == 12
    assert table.as_text()["Brazil"].tolist().count("<5") == 12
    grid = _find(panels.table_panel(dataset, builder, state), ids.TABLE_GRID)
    brazil = next(c for c in grid.columnDefs if c["field"] == "Brazil")
    assert brazil["valueFormatter"] == {"function": "borderCount(params, true)"}  # assets/tabs.js: '<5'


def test_the_sources_tab_compares_what_both_count_and_names_what_it_cannot(dataset, builder):
    query = "?nationality=China&nationality=Mexico&from=2023-01&to=2023-12&tab=sources"
    children = callbacks.render_panel(dataset, builder, "sources", query)
    rows = pd.DataFrame(_find(children, ids.SOURCES_GRID).rowData)
    assert set(rows["Nationality"]) == {"Mexico", "All nationalities"}
    may = rows[(rows["Month"] == "2023-05") & (rows["Nationality"] == "Mexico")].iloc[0]
    assert (may["OHSS"], may["CBP"], may["CBP minus OHSS"]) == (43_610, 43_612, 2)
    text = str(children)
    assert "China: CBP's Southwest file does not name China" in text
    assert "rounds every figure to the nearest 10" in text and "up to 5" in text
    chart = _find(children, ids.SOURCES_CHART).figure
    assert {t.name for t in chart.data} == {"Mexico", "All nationalities"}


def test_the_difference_figure_is_valid_and_draws_the_rounding_band(dataset):
    frame = compare.side_by_side(
        dataset.served(compare.OHSS), dataset.served(compare.CBP), compare.COMPARABLE, "2021-10", "2024-11"
    )
    figure = figures.difference_figure(frame, title="t", source_line="s", margin=5)
    go.Figure(figure.to_dict())  # raises on any invalid property
    assert (figure.layout.shapes[0].y0, figure.layout.shapes[0].y1) == (-5, 5)
    assert len(figure.data) == 5 and figure.data[0].y[19] == 2  # Mexico, May 2023 (the 20th month)
