"""One reader's view, computed: every number, sentence and frame the page shows, from the analysis API.

Figures, the CSV download and the callbacks all start from a ``View``, so what is drawn, what is written
and what is downloaded cannot disagree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from border_dashboard.components.state import ViewState, to_query
from border_dashboard.data import analysis
from border_dashboard.data.analysis import year_label
from border_dashboard.data.schema import ALL
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.sources import SOURCES
from border_dashboard.data.store import Dataset

EVENTS_FILE = Path(str(resources.files("border_dashboard.data") / "events.csv"))


@dataclass(frozen=True)
class View:
    state: ViewState
    series: pd.DataFrame  # nationality, month, encounters (zero-filled over the covered window)
    monthly: pd.DataFrame  # month, encounters: the selected nationalities added up
    yearly: pd.DataFrame  # nationality, year, encounters, months
    region_yearly: pd.DataFrame  # year, encounters: every nationality in the region
    rise_years: tuple[int, int] | None
    rise: dict[str, float | None]  # nationality (and "Selected" when several) -> ratio
    peak: dict | None
    share: float | None
    top: pd.DataFrame
    events: pd.DataFrame
    source_line: str
    empty_message: str | None

    @property
    def basis_label(self) -> str:
        return "calendar years" if self.state.basis == "calendar" else "fiscal years, Oct-Sep"

    @property
    def who(self) -> str:
        """'nationals of China and India'"""
        names = list(self.state.nationalities)
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"nationals of {joined}"

    @property
    def where(self) -> str:
        return "all borders" if self.state.region == ALL else f"the {self.state.region}"

    @property
    def title_suffix(self) -> str:
        return f"{', '.join(self.state.nationalities)} - {analysis.display(self.state.region, E.region)}"


def load_events(path: Path = EVENTS_FILE) -> pd.DataFrame:
    events = pd.read_csv(path, dtype=str, keep_default_na=False)
    events["date"] = pd.to_datetime(events["date"], format="%Y-%m-%d")
    return events


class ViewBuilder:
    """Builds views of one dataset, memoizing the last few hundred (views are pure and hashable).

    Each app instance owns one builder, so no state is shared between apps or held at module level.
    """

    def __init__(self, dataset: Dataset, events_file: Path = EVENTS_FILE, cache_size: int = 256, shared=None):
        """``shared``: optionally a cache every worker and host can reach (anything with ``get`` and
        ``set``, such as flask-caching's Redis cache), consulted after this process's own."""
        self.dataset = dataset
        self.events = load_events(events_file)
        self.shared = shared
        self.version = hashlib.sha256(
            "".join(sorted(record["input_sha256"] for record in dataset.provenance.values())).encode()
        ).hexdigest()[:16]
        self.build = lru_cache(maxsize=cache_size)(self._build)

    def _build(self, state: ViewState) -> View:
        if self.shared is None:
            return build(self.dataset, state, self.events)
        key = f"border-view:{self.version}:{state.source}:{to_query(state)}"
        view = self.shared.get(key)
        if view is None:
            view = build(self.dataset, state, self.events)
            self.shared.set(key, view)
        return view


def build(dataset: Dataset, state: ViewState, all_events: pd.DataFrame) -> View:
    """Everything the page shows for one view."""
    table = dataset.served(state.source)
    selection = state.selection
    series = analysis.monthly_series(table, selection)
    monthly = analysis.combined(series)
    yearly = analysis.yearly_totals(series, state.basis)
    region_series = analysis.region_total(table, selection)
    region_yearly = analysis.yearly_totals(region_series, state.basis)[["year", "encounters", "months"]]
    rise_years = analysis.choose_rise_years(yearly["year"], state.rise)
    rise = {}
    if rise_years:
        for nationality, rows in yearly.groupby(E.nationality, sort=False):
            rise[nationality] = analysis.rise(rows, *rise_years)
        if len(state.nationalities) > 1:
            rise["Selected"] = analysis.rise(yearly, *rise_years)
    start, end = selection.window
    events = (
        all_events[
            (all_events["date"] >= start)
            & (all_events["date"] < end + pd.offsets.MonthBegin(1))
            & (all_events["nationality"].isin(["", *state.nationalities]))
        ]
        if state.events
        else all_events.iloc[0:0]
    )
    first, last = analysis.coverage(table)
    empty_message = None
    if not state.nationalities:
        empty_message = "Pick at least one nationality to see its encounters."
    elif series.empty:
        empty_message = f"No data in {state.start} to {state.end}: this source covers {first:%B %Y} to {last:%B %Y}."
    elif monthly[E.encounters].sum() == 0:
        empty_message = (
            f"No encounters of {', '.join(state.nationalities)} are recorded for this selection "
            f"in {state.start} to {state.end}."
        )
    return View(
        state=state,
        series=series,
        monthly=monthly,
        yearly=yearly,
        region_yearly=region_yearly,
        rise_years=rise_years,
        rise=rise,
        peak=analysis.peak(monthly),
        share=analysis.share_of(series, region_series) if state.nationalities else None,
        top=analysis.top_nationalities(table, selection, n=10, include=state.nationalities),
        events=events.reset_index(drop=True),
        source_line=dataset.source_line(state.source),
        empty_message=empty_message,
    )


def headline(view: View) -> list[tuple[str, str]]:
    """The numbers above the charts: (label, value) pairs, each naming its basis."""
    if view.empty_message:
        return []
    basis = view.state.basis
    items = []
    if view.rise_years:
        first, second = view.rise_years
        totals = view.yearly.groupby("year")["encounters"].sum()
        months = view.yearly.groupby("year")["months"].max()
        partial = f" ({months[second]} months)" if months[second] < 12 else ""
        items.append((f"{year_label(second, basis)} total{partial}", f"{totals[second]:,}"))
        ratio = analysis.rise(view.yearly, first, second)
        items.append((f"Rise {year_label(first, basis)} to {year_label(second, basis)}", _ratio_text(ratio)))
    if view.peak:
        items.append((f"Peak month ({view.peak['month']:%b %Y})", f"{view.peak['encounters']:,}"))
        items.append(
            (f"Change since peak (to {view.peak['last_month']:%b %Y})", f"{view.peak['change_since_peak']:+.0%}")
        )
    if view.share is not None:
        items.append((f"Share of all encounters, {analysis.display(view.state.region, E.region)}", f"{view.share:.1%}"))
    return items


def _year_text(view: View, year: int) -> str:
    """'calendar year 2024 (11 months in the window)' or 'FY2023'."""
    months = int(view.yearly.loc[view.yearly["year"] == year, "months"].max())
    label = f"calendar year {year}" if view.state.basis == "calendar" else f"FY{year}"
    return label if months == 12 else f"{label} ({months} months in the window)"


def _ratio_text(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"x{ratio:.1f}"


def sentence(view: View) -> str:
    """One plain sentence of the story for the current filters, written from the numbers."""
    if view.empty_message:
        return view.empty_message
    who = SOURCES[view.state.source].people
    parts = []
    if view.rise_years:
        first, second = view.rise_years
        totals = view.yearly.groupby("year")["encounters"].sum()
        ratio = analysis.rise(view.yearly, first, second)
        comparison = (
            f", {ratio:.1f} times the {totals[first]:,} of {_year_text(view, first)}"
            if ratio is not None
            else f", against none recorded in {_year_text(view, first)}"
        )
        parts.append(
            f"{who} encountered {totals[second]:,} {view.who} at {view.where} in "
            f"{_year_text(view, second)}{comparison}."
        )
    if view.peak:
        peak = view.peak
        change = peak["change_since_peak"]
        after = (
            f"; by {peak['last_month']:%B %Y} it was {abs(change):.0%} below that peak"
            if peak["last_month"] != peak["month"]
            else ", the last month shown"
        )
        parts.append(f"The monthly count peaked at {peak['encounters']:,} in {peak['month']:%B %Y}{after}.")
    return " ".join(parts)
