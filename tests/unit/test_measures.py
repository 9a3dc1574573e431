"""The trend's other measures (index, share of the region) and its log scale, against the workbook's cells."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from border_dashboard.components import charts, ids
from border_dashboard.components import view as V
from border_dashboard.components.state import from_query
from border_dashboard.components.view import ViewBuilder
from border_dashboard.data import measures
from border_dashboard.data.schema import Encounters as E
from tests.conftest import OHSS_FILE

SOUTHWEST = "Southwest Land Border"


@pytest.fixture(scope="module")
def workbook():
    """The two sheets these numbers come from, read straight from the official file (not via the importer)."""
    return pd.read_excel(OHSS_FILE, sheet_name=["Monthly Region", "Monthly Rgn and Citp"], engine="calamine")


def cell(sheet: pd.DataFrame, fiscal_year: int, month: str, **where) -> int:
    rows = sheet[(sheet["Fiscal\nYear"] == fiscal_year) & (sheet["Month"] == month)]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, (fiscal_year, month, where)
    return int(rows["Quantity"].iloc[0])


@pytest.fixture(scope="module")
def builder(dataset):
    return ViewBuilder(dataset)


def trend_of(builder, dataset, query: str) -> go.Figure:
    state, notices = from_query(query, dataset)
    assert notices == []
    return charts.build_charts(builder.build(state))[ids.TREND]


def point(figure: go.Figure, name: str, month: str):
    trace = next(t for t in figure.data if t.name == name)
    return trace.y[list(trace.x).index(month)]


def test_indexed_china_december_2023_over_january_2022(builder, dataset, workbook):
    citizenship = workbook["Monthly Rgn and Citp"]
    january_2022 = cell(citizenship, 2022, "04 January", Region=SOUTHWEST, Citizenship="China, People's Republic")
    december_2023 = cell(citizenship, 2024, "03 December", Region=SOUTHWEST, Citizenship="China, People's Republic")
    assert december_2023 / january_2022 * 100 == 7437.5  # the hand-computed figure: 5,950 / 80

    figure = trend_of(builder, dataset, "?nationality=China&from=2022-01&to=2024-12&measure=index")
    assert point(figure, "China", "2023-12-01") == 7437.5
    assert point(figure, "China", "2022-01-01") == 100
    assert figure.layout.yaxis.title.text == "Index, Jan 2022 = 100"
    assert "indexed to the first month" in figure.layout.title.text


def test_share_of_the_southwest_total_in_december_2023(builder, dataset, workbook):
    region_total = cell(workbook["Monthly Region"], 2024, "03 December", Region=SOUTHWEST)
    assert region_total == 249_740
    figure = trend_of(builder, dataset, "?nationality=China&measure=share")
    assert point(figure, "China", "2023-12-01") == round(5950 / 249_740 * 100, 2) == 2.38
    assert "Share of the region's encounters" in figure.layout.yaxis.title.text
    trace = next(t for t in figure.data if t.name == "China")
    assert trace.customdata[list(trace.x).index("2023-12-01")] == 5950  # the hover gives the count too


def test_log_scale_leaves_months_of_zero_as_gaps(builder, dataset):
    figure = trend_of(builder, dataset, "?nationality=China&nationality=Albania&from=2022-01&to=2024-12&scale=log")
    assert figure.layout.yaxis.type == "log"
    assert "(log scale)" in figure.layout.yaxis.title.text
    albania = next(t for t in figure.data if t.name == "Albania")
    assert None in albania.y and 0 not in albania.y
    assert point(figure, "China", "2023-12-01") == 5950


def test_an_index_without_a_base_is_not_drawn_and_says_why(builder, dataset):
    state, _ = from_query("?nationality=China&nationality=Albania&from=2022-01&to=2024-12&measure=index", dataset)
    view = builder.build(state)
    albania_january = view.series[(view.series[E.nationality] == "Albania") & (view.series[E.month] == "2022-01-01")]
    assert int(albania_january[E.encounters].iloc[0]) == 0
    frame = measures.measured(view.series, measures.INDEX, view.region_monthly)
    assert measures.undefined(frame, measures.INDEX) == ["Albania"]
    figure = charts.build_charts(view)[ids.TREND]
    assert "Not drawn: Albania (fewer than 5 encounters in Jan 2022" in figure.layout.title.subtitle.text
    assert all(y is None or math.isnan(y) for y in next(t for t in figure.data if t.name == "Albania").y)


def test_headline_numbers_stay_counts_on_every_measure(builder, dataset):
    counts = builder.build(from_query("?nationality=China", dataset)[0])
    for query in ("?nationality=China&measure=index", "?nationality=China&measure=share&scale=log"):
        view = builder.build(from_query(query, dataset)[0])
        assert view.comparison == counts.comparison and view.peak == counts.peak


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("?measure=percent", "'measure' must be count or index or share, not 'percent'; showing count."),
        ("?scale=LOG", None),
        ("?scale=logarithmic", "'scale' must be linear or log, not 'logarithmic'; showing linear."),
    ],
)
def test_measure_and_scale_parameters_fall_back_with_a_notice(dataset, query, notice):
    state, notices = from_query(query, dataset)
    assert notices == ([notice] if notice else [])
    if query == "?scale=LOG":
        assert state.scale == "log"


def test_all_nationalities_is_the_regions_own_total_as_a_line(builder, dataset, workbook):
    region = workbook["Monthly Region"]
    southwest = region[region["Region"] == SOUTHWEST]
    months = southwest["Month"].str[3:]
    autumn = months.isin(["October", "November", "December"])
    calendar_2023 = (autumn & (southwest["Fiscal\nYear"] == 2024)) | (~autumn & (southwest["Fiscal\nYear"] == 2023))
    total_2023 = int(southwest.loc[calendar_2023, "Quantity"].sum())

    alone = builder.build(from_query("?nationality=all", dataset)[0])
    assert alone.comparison["to_total"] == total_2023 == 2_040_590
    assert "people of all nationalities at the Southwest Land Border" in V.sentence(alone)

    state, notices = from_query("?nationality=China&nationality=all", dataset)
    assert notices == [] and state.nationalities == ("China", "All")
    beside = builder.build(state)
    assert beside.comparison["to_total"] == 37_160  # the headline stays China's: the total is a reference line
    assert beside.share == builder.build(from_query("?nationality=China", dataset)[0]).share  # China's, unchanged
    figure = charts.build_charts(beside)[ids.TREND]
    assert [t.name for t in figure.data][:2] == ["China", "All nationalities"]
    assert point(figure, "All nationalities", "2023-12-01") == cell(region, 2024, "03 December", Region=SOUTHWEST)


def test_on_a_log_scale_the_peak_label_sits_at_the_peak(builder, dataset):
    """Plotly places an annotation on a log axis by its logarithm: a label at y=20 would stretch the axis to
    1e20 (seen with China at the Northern border, whose peak is 20 in August 2024)."""
    figure = trend_of(builder, dataset, "?nationality=China&region=northern&scale=log")
    label = next(a for a in figure.layout.annotations if a.text.startswith("Peak"))
    assert label.text == "Peak 20<br>Aug 2024" and label.y == pytest.approx(math.log10(20))


def test_a_single_month_has_one_tick(builder, dataset):
    figure = trend_of(builder, dataset, "?nationality=China&from=2023-12&to=2023-12")
    assert list(figure.layout.xaxis.tickvals) == ["2023-12-01"]
