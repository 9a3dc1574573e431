"""What the trend may plot besides the counts themselves: an index, or a share of the whole region.

Both are read off the same monthly series the counts come from, so a line on any measure and the count
behind it cannot disagree. Headline numbers and sentences always stay counts; these are only for the
chart's y axis, whose title ``label`` gives.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from border_dashboard.data.schema import Encounters as E

COUNT, INDEX, SHARE = "count", "index", "share"
MEASURES = (COUNT, INDEX, SHARE)


def indexed(series: pd.DataFrame) -> pd.DataFrame:
    """Each nationality's months as a percentage of its first month in the window (first month = 100).

    A nationality whose first month is zero (fewer than 5, or none) has no index: NaN throughout.
    """
    first = series.groupby(E.nationality, sort=False)[E.encounters].transform("first").to_numpy(dtype=float)
    counts = series[E.encounters].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        plotted = np.where(first > 0, counts / first * 100.0, np.nan)
    return series.assign(**{E.plotted: plotted})


def share_of_region(series: pd.DataFrame, region_monthly: pd.DataFrame) -> pd.DataFrame:
    """Each month's count as a percentage of every encounter in the region that month, where the
    publisher gives that total (``analysis.region_total``); NaN where the region's month is zero."""
    whole = region_monthly.set_index(E.month)[E.encounters].astype(float)
    totals = series[E.month].map(whole).to_numpy(dtype=float)
    counts = series[E.encounters].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        plotted = np.where(totals > 0, counts / totals * 100.0, np.nan)
    return series.assign(**{E.plotted: plotted})


def measured(series: pd.DataFrame, measure: str, region_monthly: pd.DataFrame) -> pd.DataFrame:
    """The series with the ``plotted`` column of ``measure`` (for ``count``: the counts themselves)."""
    if measure == INDEX:
        return indexed(series)
    if measure == SHARE:
        return share_of_region(series, region_monthly)
    return series.assign(**{E.plotted: series[E.encounters].astype(float)})


def label(measure: str, first_month: pd.Timestamp | None = None) -> str:
    """The y-axis title: what is plotted, in words."""
    if measure == INDEX:
        base = f"{first_month:%b %Y}" if first_month is not None else "first month"
        return f"Index, {base} = 100"
    if measure == SHARE:
        return "Share of the region's encounters (%)"
    return "Encounters per month"


def undefined(frame: pd.DataFrame, measure: str) -> list[str]:
    """The nationalities whose line the measure cannot draw (for a notice saying why)."""
    if measure == COUNT:
        return []
    empty = frame.groupby(E.nationality, sort=False)[E.plotted].apply(lambda v: bool(v.isna().all()))
    return [str(n) for n, gone in empty.items() if gone]
