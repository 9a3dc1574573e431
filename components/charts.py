"""A view's four charts, titled for its selection, and their download file names."""

from __future__ import annotations

import re

import plotly.graph_objects as go

from border_dashboard.components import figures, ids
from border_dashboard.components.view import View

CHART_NAMES = {ids.TREND: "trend", ids.RISE: "rise", ids.PEAK: "peak", ids.TOP: "top-nationalities"}


def build_charts(view: View, *, narrow: bool = False) -> dict[str, go.Figure]:
    """The trend, rise, peak and top-nationalities figures of a view (or their empty states); ``narrow``:
    laid out for a phone's width (exports are always wide)."""
    state, line = view.state, view.source_line
    window = f"{_month(state.start)} to {_month(state.end)}"
    titles = {
        ids.TREND: f"Monthly encounters: {view.title_suffix}, {window}",
        ids.RISE: f"Encounters per {'calendar' if state.basis == 'calendar' else 'fiscal'} year: {view.title_suffix}",
        ids.PEAK: f"Peak month and seasonality ({view.basis_label}): {view.title_suffix}"
        + (", combined" if len(view.nationalities) > 1 else ""),
        ids.TOP: f"Top nationalities: {view.where.removeprefix('the ')}, {window}",
    }
    charts = {}
    if view.empty_message:
        for chart in (ids.TREND, ids.RISE, ids.PEAK):
            charts[chart] = figures.empty_figure(
                view.empty_message, title=titles[chart], source_line=line, narrow=narrow
            )
    else:
        charts[ids.TREND] = figures.trend_figure(
            view.series, title=titles[ids.TREND], source_line=line, events=view.events, peak=view.peak, narrow=narrow
        )
        charts[ids.RISE] = figures.rise_figure(
            view.yearly,
            basis=state.basis,
            title=titles[ids.RISE],
            source_line=line,
            rise_years=view.rise_years,
            ratios=view.rise,
            narrow=narrow,
        )
        charts[ids.PEAK] = figures.peak_figure(
            view.monthly, basis=state.basis, title=titles[ids.PEAK], source_line=line, peak=view.peak, narrow=narrow
        )
    if view.top.empty:
        charts[ids.TOP] = figures.empty_figure(
            "No nationality is broken out for this selection.", title=titles[ids.TOP], source_line=line, narrow=narrow
        )
    else:
        charts[ids.TOP] = figures.top_figure(
            view.top, highlight=view.nationalities, title=titles[ids.TOP], source_line=line, narrow=narrow
        )
    return charts


def _month(text: str) -> str:
    year, month = text.split("-")
    return (
        f"{['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][int(month) - 1]} {year}"
    )


def file_stem(view: View, chart: str) -> str:
    """'border-encounters-trend-china-southwest-land-border-2022-01-to-2024-12'"""
    state = view.state
    who = "-".join(state.nationalities[:3]) or "none"
    parts = ["border-encounters", CHART_NAMES.get(chart, chart), who, state.region, state.start, "to", state.end]
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")
