"""Figure functions called directly on the real data: the right traces, numbers, labels and citations."""

from __future__ import annotations

import pandas as pd
import pytest

from border_dashboard.components import charts, figures, ids
from border_dashboard.components.state import ViewState, from_query
from border_dashboard.components.view import ViewBuilder
from border_dashboard.data import analysis
from border_dashboard.data.schema import Encounters as E


@pytest.fixture(scope="module")
def builder(dataset):
    return ViewBuilder(dataset)


@pytest.fixture(scope="module")
def story(builder):
    return builder.build(ViewState())


def _annotations(figure) -> str:
    return " ".join(a.text or "" for a in figure.layout.annotations)


def test_trend_draws_the_monthly_series_with_events_and_peak(story):
    figure = figures.trend_figure(
        story.series, title="t", source_line="Source: x", events=story.events, peak=story.peak
    )
    china = figure.data[0]
    assert china.name == "China" and len(china.x) == 35 and list(china.y[:3]) == [80, 40, 70]
    events = figure.data[1]
    assert len(events.x) == 4 and "Shenyang" in str(events.customdata)
    assert "Associated Press" in str(events.customdata)
    assert "Peak 5,950" in _annotations(figure)
    assert len(figure.layout.shapes) == 4


def test_rise_writes_the_ratio_and_marks_partial_years(story):
    figure = figures.rise_figure(
        story.yearly, basis="calendar", title="t", source_line="s", rise_years=story.rise_years, ratios=story.rise
    )
    bars = figure.data[0]
    assert list(bars.x) == ["2022", "2023", "2024 (11 mo.)"] and list(bars.y) == [3_600, 37_160, 25_000]
    assert "x10.3" in _annotations(figure)
    assert "Rise 2022 to 2023: China x10.3" in figure.layout.title.subtitle.text


def test_a_fall_on_the_rise_chart_reads_as_a_fall(builder):
    """As the headline says it ('fell 35%'), never 'x0.7'."""
    view = builder.build(ViewState(source="cbp-swb", nationalities=("Other",)))
    figure = charts.build_charts(view)[ids.RISE]
    words = analysis.change_words(view.rise["Other"])
    assert words.startswith("fell ") and words in _annotations(figure)
    assert f"Other {words}" in figure.layout.title.subtitle.text and "x0." not in figure.layout.title.subtitle.text


def test_fiscal_basis_is_labelled(builder):
    view = builder.build(ViewState(basis="fiscal"))
    figure = charts.build_charts(view)[ids.RISE]
    assert list(figure.data[0].x)[:2] == ["FY2022 (9 mo.)", "FY2023"]
    assert "fiscal" in figure.layout.title.text and "Fiscal" in figure.layout.xaxis.title.text


def test_peak_heatmap_boxes_the_peak_cell(story):
    figure = figures.peak_figure(story.monthly, basis="calendar", title="t", source_line="s", peak=story.peak)
    heat = figure.data[0]
    assert list(heat.y) == ["2022", "2023", "2024"] and heat.x[11] == "Dec"
    assert heat.z[1][11] == 5_950
    box = figure.layout.shapes[0]
    assert (box.x0, box.x1, box.y0, box.y1) == (10.5, 11.5, 0.5, 1.5)
    assert "5,950 in December 2023" in figure.layout.title.subtitle.text


def test_peak_heatmap_on_fiscal_years_starts_in_october(builder):
    view = builder.build(ViewState(basis="fiscal"))
    heat = figures.peak_figure(view.monthly, basis="fiscal", title="t", source_line="s", peak=view.peak).data[0]
    assert heat.x[0] == "Oct" and list(heat.y) == ["FY2022", "FY2023", "FY2024", "FY2025"]
    assert heat.z[2][2] == 5_950  # December 2023 is in FY2024
    assert heat.hovertext[2][2] == "December 2023 (FY2024): 5,950"  # the month as a reader names it
    narrow = figures.peak_figure(view.monthly, basis="fiscal", title="t", source_line="s", peak=view.peak, narrow=True)
    assert narrow.data[0].hovertext[2][2] == "December 2023 (FY2024): 5,950"  # months down, years across


def test_top_keeps_the_selected_nationality_with_its_rank(story):
    figure = figures.top_figure(story.top, highlight=("China",), title="t", source_line="s")
    labels = list(figure.data[0].y)
    assert labels[-1] == "1. Mexico"
    china = [label for label in labels if label.endswith("China")]
    # 13th at the Southwest Land Border from January 2022 to December 2024, by the workbook's own totals.
    assert china == ["13. China"]
    assert figure.data[0].marker.color[labels.index(china[0])] == figures.PALETTE[0]


def test_every_chart_cites_its_source(story):
    for chart, figure in charts.build_charts(story).items():
        text = _annotations(figure)
        assert "Office of Homeland Security Statistics" in text and "rounded to the nearest 10" in text, chart


def test_empty_selection_gives_a_clear_empty_state(builder):
    view = builder.build(ViewState(nationalities=()))
    built = charts.build_charts(view)
    for chart in (ids.TREND, ids.RISE, ids.PEAK):
        assert "Pick at least one nationality" in _annotations(built[chart])
        assert built[chart].layout.xaxis.visible is False


def test_window_without_data_says_what_the_source_covers(builder):
    view = builder.build(ViewState(start="2030-01", end="2030-12"))
    assert "covers October 1999 to November 2024" in _annotations(charts.build_charts(view)[ids.TREND])


def test_several_nationalities_get_one_line_each(builder):
    view = builder.build(ViewState(nationalities=("China", "India", "Ecuador")))
    figure = charts.build_charts(view)[ids.TREND]
    assert [t.name for t in figure.data[:3]] == ["China", "India", "Ecuador"]
    assert len({t.line.color for t in figure.data[:3]}) == 3


def test_file_names_say_what_the_chart_shows(story, builder, dataset):
    assert charts.file_stem(story, ids.TREND) == (
        "border-encounters-trend-china-southwest-land-border-2022-01-to-2024-12-ohss-usbp-calendar"
    )
    assert charts.file_stem(story, ids.TREND, as_shown=True).endswith("-calendar-as-shown")
    state, _ = from_query(
        "?source=cbp-swb&nationality=Mexico&component=Office+of+Field+Operations&demographic=FMUA"
        "&basis=fiscal&measure=index&scale=log",
        dataset,
    )
    view = builder.build(state)
    assert charts.file_stem(view, ids.RISE) == (
        "border-encounters-rise-mexico-southwest-land-border-2022-01-to-2024-12-cbp-swb-fiscal"
        "-office-of-field-operations-fmua-index-log"
    )
    titles = {
        chart: figure.layout.title.text.replace("<br>", " ") for chart, figure in charts.build_charts(view).items()
    }
    for title in titles.values():
        assert "CBP: Southwest border; Office of Field Operations, Family units (FMUA)" in title, title
    assert "fiscal" in titles[ids.RISE] and "fiscal" in titles[ids.PEAK]


def test_empty_figure_hides_axes():
    figure = figures.empty_figure("Nothing here", title="t", source_line="s")
    assert figure.layout.xaxis.visible is False and "Nothing here" in _annotations(figure)


def test_trend_on_a_minimal_frame():
    frame = pd.DataFrame(
        {E.nationality: ["X", "X"], E.month: pd.to_datetime(["2020-01-01", "2020-02-01"]), E.encounters: [1, 2]}
    )
    figure = figures.trend_figure(frame, title="t", source_line="s")
    assert list(figure.data[0].y) == [1, 2]


@pytest.mark.parametrize(
    "state",
    [
        ViewState(),
        ViewState(nationalities=("China", "India"), basis="fiscal", events=False),
        ViewState(nationalities=()),
        ViewState(source="cbp-swb", nationalities=("Mexico", "Other")),
    ],
    ids=["story", "fiscal-two", "empty", "cbp"],
)
def test_every_figure_passes_plotly_validation(builder, state):
    """Figures are built without per-property validation for speed; here Plotly checks every property."""
    import plotly.graph_objects as go

    for figure in charts.build_charts(builder.build(state)).values():
        go.Figure(figure.to_dict())  # raises ValueError on any invalid property


def test_figures_carry_a_small_template_of_their_own_and_room_for_their_labels(story):
    """Plotly's default template (6.5 kB a figure) is not sent; margins fit the longest tick label."""
    top = figures.top_figure(
        pd.DataFrame({"rank": [1, 2], E.nationality: ["Dominican Republic", "China"], E.encounters: [90_000, 5]}),
        highlight=("China",),
        title="t",
        source_line="s",
    )
    assert len(top.to_json()) < 3_000
    assert top.layout.template.data.to_plotly_json() == {}  # no per-trace-type settings
    assert top.layout.margin.l >= 9 * len("1. Dominican Republic")
    trend = figures.trend_figure(story.series, title="t", source_line="s")
    assert trend.layout.margin.l >= figures._room("5,950")  # the largest month, and the axis reaches past it
    assert figures._count_room([5_950]) < figures._count_room([250_000])


def test_twelve_nationalities_get_twelve_colours_and_a_legend_that_is_not_over_the_title(builder, dataset):
    names = ("China", "India", "Mexico", "Guatemala", "Honduras", "Ecuador", "Colombia", "Venezuela", "Peru")
    names += ("Brazil", "Cuba", "Haiti")
    view = builder.build(ViewState(nationalities=names, region="All"))
    for narrow in (False, True):
        figure = charts.build_charts(view, narrow=narrow)[ids.TREND]
        lines = [t for t in figure.data if t.name in names]
        assert len({t.line.color for t in lines}) == len(names) == 12
        legend = figure.layout.legend
        assert legend.y <= 1 and legend.yanchor == "top"  # at the plot's side or under it, never above it
        assert "12 nationalities" in figure.layout.title.text.replace("<br>", " ")
