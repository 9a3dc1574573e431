"""A view's four charts, titled for its selection, and their download file names."""

from __future__ import annotations

import re

import plotly.graph_objects as go

from border_dashboard.components import controls as C
from border_dashboard.components import figures, ids
from border_dashboard.components.view import View, window_text
from border_dashboard.data import measures
from border_dashboard.data.schema import ALL, ALL_NATIONALITIES
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.sources import SOURCES

TREND_TITLES = {
    measures.COUNT: "Monthly encounters",
    measures.INDEX: "Monthly encounters, indexed to the first month",
    measures.SHARE: "Monthly share of the region's encounters",
}
CHART_NAMES = {ids.TREND: "trend", ids.RISE: "rise", ids.PEAK: "peak", ids.TOP: "top-nationalities"}


def build_charts(
    view: View, *, narrow: bool = False, for_export: bool = False, plain: bool = False
) -> dict[str, go.Figure]:
    """The trend, rise, peak and top-nationalities figures of a view (or their empty states); ``narrow``:
    laid out for a phone's width (exports are always wide). ``for_export``: an image file carries what the
    page writes beside the chart, the key of the trend's numbered events. ``plain``: each figure as the
    JSON-ready dict it sends (``figures._builder``), for a callback's answer."""
    state, line = view.state, view.source_line
    window = window_text(view)  # named by the months with data
    # What is counted, in every title: the source, and the filters where any is set.
    counted = SOURCES[state.source].label + (f"; {C.filters_text(state.filters)}" if state.filters else "")
    suffix = f"{view.title_suffix} ({counted})"
    titles = {
        ids.TREND: f"{TREND_TITLES[state.measure]}: {suffix}, {window}",
        ids.RISE: f"Encounters per {'calendar' if state.basis == 'calendar' else 'fiscal'} year: {suffix}",
        ids.PEAK: f"Peak month and seasonality ({view.basis_label}): {suffix}"
        + (", combined" if len(view.nationalities) > 1 else ""),
        ids.TOP: f"Top nationalities: {view.where.removeprefix('the ')} ({counted}), {window}",
    }
    charts = {}
    rounded_to = SOURCES[state.source].rounded_to
    fewer_than = rounded_to // 2 if rounded_to > 1 else None  # OHSS's 0: fewer than 5 ('<5')
    # The region's total, where chosen as a line, is named as a reader says it.
    series, yearly = view.series, view.yearly
    if ALL in view.nationalities:
        series = series.replace({E.nationality: {ALL: ALL_NATIONALITIES}})
        yearly = yearly.replace({E.nationality: {ALL: ALL_NATIONALITIES}})
    if view.empty_message:
        for chart in (ids.TREND, ids.RISE, ids.PEAK):
            charts[chart] = figures.empty_figure(
                view.empty_message,
                title=titles[chart],
                source_line=line,
                narrow=narrow,
                plain=plain,
            )
    else:
        first_month = series[E.month].min() if len(series) else None
        # counts are drawn as they are; an index or a share gets its ``plotted`` column
        trend = (
            series if state.measure == measures.COUNT else measures.measured(series, state.measure, view.region_monthly)
        )
        charts[ids.TREND] = figures.trend_figure(
            trend,
            title=titles[ids.TREND],
            source_line=line + (event_key(view) if for_export else ""),
            events=view.events,
            peak=view.peak,
            y_title=measures.label(state.measure, first_month),
            scale=state.scale,
            note=_undrawable(measures.undefined(trend, state.measure), state.measure, first_month),
            narrow=narrow,
            fewer_than=fewer_than,
            plain=plain,
        )
        charts[ids.RISE] = figures.rise_figure(
            yearly,
            basis=state.basis,
            title=titles[ids.RISE],
            source_line=line,
            rise_years=view.rise_years,
            ratios={ALL_NATIONALITIES if name == ALL else name: ratio for name, ratio in view.rise.items()},
            narrow=narrow,
            fewer_than=fewer_than,
            plain=plain,
        )
        charts[ids.PEAK] = figures.peak_figure(
            view.monthly,
            basis=state.basis,
            title=titles[ids.PEAK],
            source_line=line,
            peak=view.peak,
            narrow=narrow,
            fewer_than=fewer_than,
            plain=plain,
        )
    if view.top.empty:
        charts[ids.TOP] = figures.empty_figure(
            "No nationality is broken out for this selection.",
            title=titles[ids.TOP],
            source_line=line,
            narrow=narrow,
            plain=plain,
        )
    else:
        charts[ids.TOP] = figures.top_figure(
            view.top,
            highlight=view.nationalities,
            title=titles[ids.TOP],
            source_line=line,
            narrow=narrow,
            plain=plain,
        )
    return charts


def event_key(view: View) -> str:
    """' Events: 1. 11 May 2023: Title 42 public-health expulsions end (...); 2. ...' for the trend's file."""
    if not len(view.events):
        return ""
    items = [
        f"{i}. {row.date:%d %b %Y}: {row.event} ({row.source})" for i, row in enumerate(view.events.itertuples(), 1)
    ]
    return " Events: " + "; ".join(items) + "."


def _undrawable(names: list[str], measure: str, first_month) -> str:
    """Why a line is missing from an index or share chart."""
    if not names:
        return ""
    if measure == measures.INDEX:
        why = f"fewer than 5 encounters in {first_month:%b %Y}, the index's base"
    else:
        why = "the region's total is zero in its months"
    return f"Not drawn: {', '.join(names)} ({why})."


def file_stem(view: View, chart: str, *, as_shown: bool = False) -> str:
    """A file name that says what the file holds, so that two downloads of different views never share one:
    'border-encounters-trend-china-southwest-land-border-2022-01-to-2024-12-ohss-usbp-calendar', with the
    filters, the measure and the scale where they are not the default. ``as_shown``: the chart toolbar's
    PNG, a capture of the chart as the browser drew it (named apart from the server's rendering)."""
    state = view.state
    names = [n if n != ALL else "all-nationalities" for n in view.nationalities]  # as counted: China in CBP is 'other'
    who = "-".join(names[:3]) + (f"-and-{len(names) - 3}-more" if len(names) > 3 else "")
    parts = [
        "border-encounters",
        CHART_NAMES.get(chart, chart),
        who or "none",
        state.region,
        state.start,
        "to",
        state.end,
        state.source,
        state.basis,
        *(value for _, value in state.filters),
        *([state.measure] if state.measure != C.MEASURE.default else []),
        *([state.scale] if state.scale != C.SCALE.default else []),
        *(["as-shown"] if as_shown else []),
    ]
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")[:180]
