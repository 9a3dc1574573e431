"""One reader's view, computed: every number, sentence and frame the page shows, from the analysis API.

Figures, the CSV download and the callbacks all start from a ``View``, so what is drawn, what is written
and what is downloaded cannot disagree.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from border_dashboard.components import controls as C
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
    nationalities: tuple[str, ...]  # as the source counts them (China is 'Other' in CBP's file)
    counted_in: dict[str, str]  # a nationality asked for -> the group it is counted in, where not itself
    series: pd.DataFrame  # nationality, month, encounters (zero-filled over the covered window)
    monthly: pd.DataFrame  # month, encounters: the selected nationalities added up
    yearly: pd.DataFrame  # nationality, year, encounters, months
    region_yearly: pd.DataFrame  # year, encounters: every nationality in the region
    region_monthly: pd.DataFrame  # month, encounters: every nationality in the region (the publisher's totals)
    rise_years: tuple[int, int] | None
    rise: dict[str, float | None]  # nationality (and "Combined" when several) -> ratio
    comparison: dict | None  # analysis.comparison of the combined totals: ratio, range, months
    peak: dict | None
    share: float | None
    top: pd.DataFrame
    events: pd.DataFrame
    source_line: str
    empty_message: str | None
    published: dict[str, list[int]] = field(default_factory=dict)
    """nationality -> the years whose total in ``yearly`` is the publisher's own figure (not a sum)."""

    @property
    def combined_names(self) -> tuple[str, ...]:
        """The nationalities the headline numbers add up (``combined_names``)."""
        return combined_names(self.nationalities)

    @property
    def basis_label(self) -> str:
        return "calendar years" if self.state.basis == "calendar" else "fiscal years, Oct-Sep"

    @property
    def who(self) -> str:
        """'nationals of China and India'"""
        if self.combined_names == (ALL,):
            return "people of all nationalities"
        names = [self._spelled(n) for n in self.combined_names]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"nationals of {joined}"

    def _spelled(self, name: str) -> str:
        """'other countries (China among them)' for the group a source counts unlisted nationalities in."""
        if name != analysis.OTHER:
            return name
        inside = [asked for asked, group in self.counted_in.items() if group == name]
        return f"other countries ({', '.join(inside)} among them)" if inside else "other countries"

    @property
    def where(self) -> str:
        return "all borders" if self.state.region == ALL else f"the {self.state.region}"

    @property
    def title_suffix(self) -> str:
        names = [analysis.display(n, E.nationality) for n in self.nationalities]
        who = ", ".join(names) if len(names) <= 3 else f"{len(names)} nationalities"
        return f"{who} - {analysis.display(self.state.region, E.region)}"


def load_events(path: Path = EVENTS_FILE) -> pd.DataFrame:
    events = pd.read_csv(path, dtype=str, keep_default_na=False)
    events["date"] = pd.to_datetime(events["date"], format="%Y-%m-%d").astype("datetime64[s]")
    return events


class ViewBuilder:
    """Builds views of one dataset, memoizing the last few hundred (views are pure and hashable).

    Each app instance owns one builder, so no state is shared between apps or held at module level.
    """

    def __init__(self, dataset: Dataset, events_file: Path = EVENTS_FILE, cache_size: int = 256, shared=None):
        """``shared``: optionally a ``cache.SharedCache`` every worker and host reaches, consulted after
        this process's own; views go there as JSON (``view_to_json``), never pickled."""
        self.dataset = dataset
        self.events = load_events(events_file)
        self.shared = shared
        self._cached = lru_cache(maxsize=cache_size)(self._build)

    def build(self, state: ViewState) -> View:
        """The view of ``state``, memoized. Which tab shows it does not change a number: every tab of one
        selection shares one view (built for the chart tab)."""
        return self._cached(state if state.tab == C.TAB.default else state.with_(tab=C.TAB.default))

    @property
    def version(self) -> str:
        """The dataset's version: its input files' hashes (a new release never reads an old entry)."""
        return dataset_version(self.dataset)

    def _build(self, state: ViewState) -> View:
        if self.shared is None:
            return build(self.dataset, state, self.events)
        key = f"view:{to_query(state)}"
        stored = self.shared.get(key)
        if stored is not None:
            try:
                return view_from_json(stored, state)
            except (ValueError, KeyError, TypeError):  # not what this version writes: build it anew
                pass
        view = build(self.dataset, state, self.events)
        self.shared.set(key, view_to_json(view))
        return view


def dataset_version(dataset: Dataset) -> str:
    return hashlib.sha256(
        "".join(sorted(record["input_sha256"] for record in dataset.provenance.values())).encode()
    ).hexdigest()[:16]


_FRAMES = ("series", "monthly", "yearly", "region_yearly", "region_monthly", "top", "events")


def _frame_to_json(frame: pd.DataFrame) -> dict:
    columns = {}
    for name, column in frame.items():
        if pd.api.types.is_datetime64_any_dtype(column):
            days = column.to_numpy(dtype="datetime64[s]").astype("datetime64[D]")
            columns[name] = {"kind": "date", "values": np.datetime_as_string(days).tolist()}  # 'YYYY-MM-DD'
        elif pd.api.types.is_integer_dtype(column):
            columns[name] = {"kind": "int", "values": column.to_numpy(dtype="int64").tolist()}
        else:
            columns[name] = {"kind": "text", "values": [str(v) for v in column]}
    return columns


def _frame_from_json(columns: dict) -> pd.DataFrame:
    data = {}
    for name, column in columns.items():
        values = column["values"]
        if column["kind"] == "date":  # numpy reads 'YYYY-MM-DD' (and refuses anything else) at C speed
            data[name] = pd.Series(np.array(values, dtype="datetime64[D]").astype("datetime64[s]"))
        elif column["kind"] == "int":
            data[name] = pd.Series(values, dtype="int64")
        else:
            data[name] = pd.Series(values, dtype="str")
    return pd.DataFrame(data)


def view_to_json(view: View) -> str:
    """A view as JSON text (for the shared cache): plain data, so reading it can never run code."""
    peak = None
    if view.peak:
        peak = {k: f"{v:%Y-%m-%d}" if isinstance(v, pd.Timestamp) else v for k, v in view.peak.items()}
    return json.dumps(
        {
            "query": to_query(view.state),
            "nationalities": list(view.nationalities),
            "counted_in": view.counted_in,
            **{name: _frame_to_json(getattr(view, name)) for name in _FRAMES},
            "rise_years": list(view.rise_years) if view.rise_years else None,
            "rise": view.rise,
            "comparison": view.comparison,
            "peak": peak,
            "share": view.share,
            "source_line": view.source_line,
            "empty_message": view.empty_message,
            "published": view.published,
        }
    )


def view_from_json(text: str | bytes, state: ViewState) -> View:
    """The view ``view_to_json`` wrote for ``state``; a ValueError if it was written for another."""
    data = json.loads(text)
    if data["query"] != to_query(state):
        raise ValueError("the stored view is of another selection")
    peak = data["peak"]
    if peak:
        peak = {k: pd.Timestamp(v) if k in ("month", "last_month") else v for k, v in peak.items()}
    return View(
        state=state,
        nationalities=tuple(data["nationalities"]),
        counted_in=dict(data["counted_in"]),
        **{name: _frame_from_json(data[name]) for name in _FRAMES},
        rise_years=tuple(data["rise_years"]) if data["rise_years"] else None,
        rise=data["rise"],
        comparison=data["comparison"],
        peak=peak,
        share=data["share"],
        source_line=data["source_line"],
        empty_message=data["empty_message"],
        published={str(k): [int(y) for y in v] for k, v in data["published"].items()},
    )


def combined_names(nationalities: tuple[str, ...]) -> tuple[str, ...]:
    """The nationalities a view's headline numbers add up: all chosen but the region's total ('All'), which
    is drawn beside them as a reference line, unless it is the only one chosen."""
    return tuple(n for n in nationalities if n != ALL) or nationalities


def build(dataset: Dataset, state: ViewState, all_events: pd.DataFrame) -> View:
    """Everything the page shows for one view."""
    table = dataset.served(state.source)
    counted = analysis.counted_as(table, state.nationalities)
    nationalities = tuple(dict.fromkeys(counted.values()))
    selection = state.selection.with_(nationalities=nationalities)
    series = analysis.monthly_series(table, selection)
    # The region's total ('All'), chosen beside nationalities, is a reference line: not added to them.
    combined = combined_names(nationalities)
    counted_series = series[series[E.nationality].isin(combined)] if ALL in nationalities else series
    counted_selection = selection.with_(nationalities=combined)
    monthly = analysis.combined(counted_series)
    each_year = analysis.yearly_totals(series, state.basis)
    yearly = analysis.with_published(each_year, table, selection)
    region_series = analysis.region_total(table, selection)
    region_yearly = analysis.with_published(analysis.yearly_totals(region_series, state.basis), table, selection)
    region_yearly = region_yearly[["year", "encounters", "months"]]
    combined_yearly = analysis.years_combined(each_year, combined)  # = yearly_combined(counted_series)
    rise_years = analysis.choose_rise_years(analysis.months_by_year(combined_yearly), state.rise)
    rise = {}
    if rise_years:
        rise = analysis.rises(yearly, *rise_years)
        if len(combined) > 1:
            rise["Combined"] = analysis.rise(yearly[yearly[E.nationality].isin(combined)], *rise_years)
    comparison = analysis.comparison(
        combined_yearly,
        rise_years,
        SOURCES[state.source].rounded_to,
        max(1, len(combined)),
        published=analysis.published_totals(table, counted_selection),
    )
    start, end = selection.window
    events = all_events.iloc[0:0]
    if state.events:  # numpy masks: pandas' own comparisons cost more than the events table is big
        dates = all_events["date"].to_numpy()
        inside = (dates >= start.to_datetime64()) & (dates < (end + pd.offsets.MonthBegin(1)).to_datetime64())
        named = np.isin(all_events["nationality"].to_numpy(dtype=object), ["", *state.nationalities, *nationalities])
        events = all_events.iloc[np.flatnonzero(inside & named)]
    first, last = analysis.coverage(table)
    empty_message = None
    if not nationalities:
        empty_message = "Pick at least one nationality to see its encounters."
    elif series.empty:
        empty_message = f"No data in {state.start} to {state.end}: this source covers {first:%B %Y} to {last:%B %Y}."
    elif monthly[E.encounters].sum() == 0:
        empty_message = (
            f"No encounters of {', '.join(nationalities)} are recorded for this selection "
            f"in {state.start} to {state.end}."
        )
    return View(
        state=state,
        nationalities=nationalities,
        counted_in={asked: group for asked, group in counted.items() if asked != group},
        series=series,
        monthly=monthly,
        yearly=yearly,
        region_yearly=region_yearly,
        region_monthly=region_series[[E.month, E.encounters]],
        rise_years=rise_years,
        rise=rise,
        comparison=comparison,
        peak=analysis.peak(monthly),
        share=analysis.share_of(counted_series, region_series) if nationalities and combined != (ALL,) else None,
        top=analysis.top_nationalities(table, selection, n=10, include=tuple(n for n in nationalities if n != ALL)),
        events=events.reset_index(drop=True),
        source_line=dataset.source_line(state.source),
        empty_message=empty_message,
        published={
            n: sorted(analysis.published_totals(table, selection.with_(nationalities=(n,)))) for n in nationalities
        },
    )


def year_text(view: View, year: int, *, long: bool = False) -> str:
    """'2023' or 'FY2023' ('calendar year 2023' when ``long``), with its months when it is partial:
    '2024, 11 of 12 months'."""
    months = analysis.months_by_year(view.yearly).get(year, 0)
    label = year_label(year, view.state.basis)
    if long and view.state.basis == "calendar":
        label = f"calendar year {year}"
    return label if months >= 12 else f"{label}, {months} of 12 months"


def window_text(view: View, *, long: bool = False) -> str:
    """The window named by the months it has data for: 'Jan 2022 to Nov 2024' ('Dec 2023' for one;
    'January 2022 to November 2024' when ``long``)."""
    months = view.monthly[E.month]
    if months.empty:
        return f"{view.state.start} to {view.state.end}"
    first, last = pd.Timestamp(months.min()), pd.Timestamp(months.max())
    style = "%B %Y" if long else "%b %Y"
    return f"{first:{style}}" if first == last else f"{first:{style}} to {last:{style}}"


def count_text(count: int, rounded_to: int = 1) -> str:
    """A count as the page writes it: a rounded zero is 'fewer than 5', never a bare 0 that reads as none."""
    if count == 0 and rounded_to > 1:
        return f"fewer than {rounded_to // 2}"
    return f"{count:,}"


def _range_note(low: float, high: float) -> str:
    """How far rounding may move the ratio, said the way the value is: times for a rise, percent for a fall."""
    first, last = analysis.ratio_range(low, high)
    if high < 1:
        if first == last:
            return f"A fall of {first} whichever way the rounding went."
        return f"A fall of between {first} and {last} under rounding."
    if first == last:
        return f"{first} times whichever way the rounding went."
    return f"Between {first} and {last} times under rounding."


def _bound_note(months: int, bound: int, rounded_to: int) -> str:
    if not bound:
        return ""
    what = "one monthly figure" if months == 1 else f"a sum of {months} monthly figures"
    return f"{what.capitalize()} rounded to the nearest {rounded_to}: within {bound:,} of the true count."


def headline(view: View) -> list[tuple[str, str, str]]:
    """The numbers above the charts: (label, value, note) triples, each naming its basis. The note
    (shown as the item's tooltip and footnote) says how far rounding may move the number."""
    if view.empty_message:
        return []
    basis, rounded_to = view.state.basis, SOURCES[view.state.source].rounded_to
    several = len(view.combined_names) > 1
    items = []
    total, months = int(view.monthly[E.encounters].sum()), len(view.monthly)
    comparison = view.comparison
    if comparison:
        first, second = comparison["from"], comparison["to"]
        months_of = analysis.months_by_year(view.yearly)
        partial = f" ({months_of[second]} of 12 months)" if months_of[second] < 12 else ""
        parts = max(1, len(view.combined_names))
        bound = analysis.rounding_bound(months_of[second] * parts, rounded_to)
        note = _bound_note(months_of[second] * parts, bound, rounded_to)
        if comparison.get("to_kind") == "published":  # the publisher's own annual figure, rounded once
            bound = comparison["to_bound"]
            what = "annual figures, each" if parts > 1 else "annual figure,"
            note = f"The published {what} rounded to the nearest {rounded_to}: within {bound:,} of the count."
        items.append(
            (
                f"{year_label(second, basis)} total{', combined' if several else ''}{partial}",
                count_text(comparison["to_total"], rounded_to),
                note,
            )
        )
        ranged = comparison["low"] is not None and comparison["high"] is not None and bound
        items.append(
            (
                f"{analysis.change_title([comparison['ratio']])} {year_text(view, first)} to {year_text(view, second)}",
                comparison["words"],
                _range_note(comparison["low"], comparison["high"]) if ranged else "",
            )
        )
    else:
        items.append(
            (
                f"Total{', combined' if several else ''} ({window_text(view)})",
                count_text(total, rounded_to),
                _bound_note(
                    months * max(1, len(view.combined_names)),
                    analysis.rounding_bound(months * max(1, len(view.combined_names)), rounded_to),
                    rounded_to,
                ),
            )
        )
        items.append(
            (
                "Rise between two years",
                "n/a",
                "The window holds fewer than two whole years; pick two years to compare.",
            )
        )
    if view.peak and months > 1:
        peak = view.peak
        items.append(
            (f"Peak month{', combined' if several else ''} ({peak['month']:%b %Y})", f"{peak['encounters']:,}", "")
        )
        if peak["last_month"] != peak["month"]:
            items.append(
                (
                    f"Change since peak (to {peak['last_month']:%b %Y})",
                    f"{peak['change_since_peak']:+.0%}",
                    "",
                )
            )
    items += month_changes(view)
    if view.share is not None:
        counted = C.filters_text(view.state.filters) + " " if view.state.filters else ""
        items.append(
            (f"Share of all {counted}encounters at {view.where} ({window_text(view)})", f"{view.share:.1%}", "")
        )
    return items


def _change(now: int, before: int) -> str:
    if before == 0:
        return "n/a" if now == 0 else "from fewer than 5"
    change = now / before - 1
    return "unchanged" if round(change * 100) == 0 else f"{change:+.0%}"


def month_changes(view: View) -> list[tuple[str, str, str]]:
    """The last month against the month before and the same month a year earlier, months named; with
    several nationalities each one's change (up to three) besides the combined one."""
    # plain numpy and dicts: pandas' indexing cost a third of a redraw here
    if len(view.monthly) < 2:
        return []
    months = pd.DatetimeIndex(view.monthly[E.month])
    monthly = dict(zip(months, view.monthly[E.encounters].tolist()))
    last = months.max()
    rounded_to = SOURCES[view.state.source].rounded_to
    by_nationality = analysis.rows_by_nationality(view.series)
    series_months, counts = view.series[E.month].to_numpy(), view.series[E.encounters].to_numpy()

    def count_of(rows: np.ndarray, month: pd.Timestamp) -> int:
        (row,) = np.flatnonzero(rows & (series_months == month.to_datetime64()))
        return int(counts[row])

    items = []
    for before in (last - pd.DateOffset(months=1), last - pd.DateOffset(years=1)):
        if before not in monthly:
            continue
        value = _change(monthly[last], monthly[before])
        now_text, before_text = (count_text(monthly[m], rounded_to) for m in (last, before))
        note = f"{last:%b %Y}: {now_text}; {before:%b %Y}: {before_text}"
        if len(view.combined_names) > 1:
            each = [f"{name} {_change(count_of(rows, last), count_of(rows, before))}" for name, rows in by_nationality]
            note = f"Combined: {note}. Each: {', '.join(each)}"
            if len(each) <= 3:
                value = f"{value} ({', '.join(each)})"
        items.append((f"{last:%b %Y} vs {before:%b %Y}", value, note + "."))
    return items


def _after_peak(view: View) -> str:
    """What the months after the peak did: 'down in each of the three months that followed'."""
    counts = view.monthly[E.encounters].to_list()
    months = list(pd.DatetimeIndex(view.monthly[E.month]))
    at = months.index(view.peak["month"])
    following = counts[at + 1 : at + 4]
    if not following:
        return ""
    falls = 0
    for before, after in zip(counts[at : at + 4], following):
        if after >= before:
            break
        falls += 1
    spelled = {1: "one", 2: "two", 3: "three"}
    if falls == len(following):
        return f"down in each of the {spelled[falls]} months that followed" if falls > 1 else "down the month after"
    if falls == 1:
        return "down the month after, then up"
    if falls:
        return f"down in the {spelled[falls]} months that followed, then up"
    return "not lower the month after"


SITE_TITLE = "U.S. border encounters"


def page_title(view: View) -> str:
    """The browser tab's title: the selection, so that tabs, bookmarks and shared previews say what they show.
    'China - Southwest Land Border, Jan 2022 to Nov 2024 - U.S. border encounters'."""
    if not view.nationalities:
        return SITE_TITLE
    return f"{view.title_suffix}, {window_text(view)} - {SITE_TITLE}"


def sentence(view: View) -> str:
    """One plain sentence of the story for the current filters, written from the numbers."""
    if view.empty_message:
        return view.empty_message
    who = SOURCES[view.state.source].people
    several = len(view.combined_names) > 1
    whom = view.who + (" combined" if several else "")
    if view.state.filters:  # what is counted, in the sentence a reader may quote
        whom += f" ({C.filters_text(view.state.filters)} only)"
    parts = []
    comparison = view.comparison
    if comparison:
        first, second = comparison["from"], comparison["to"]
        ratio, before = comparison["ratio"], comparison["from_total"]
        rounded_to = SOURCES[view.state.source].rounded_to
        if ratio is None:
            none = "fewer than 5 in each month" if rounded_to > 1 else "none"
            versus = f", against {none} of {year_text(view, first, long=True)}"
        elif comparison["words"] == "unchanged":
            versus = f", about the same as the {before:,} of {year_text(view, first, long=True)}"
        elif ratio >= 1.1:
            versus = f", {ratio:.1f} times the {before:,} of {year_text(view, first, long=True)}"
        elif ratio > 1:
            versus = f", {ratio - 1:.0%} more than the {before:,} of {year_text(view, first, long=True)}"
        else:
            versus = f", {1 - ratio:.0%} fewer than the {before:,} of {year_text(view, first, long=True)}"
        parts.append(
            f"{who} encountered {count_text(comparison['to_total'], rounded_to)} {whom} at {view.where} in "
            f"{year_text(view, second, long=True)}{versus}."
        )
    else:
        total = count_text(int(view.monthly[E.encounters].sum()), SOURCES[view.state.source].rounded_to)
        months = view.monthly[E.month]
        span = window_text(view, long=True)
        span = f"in {span}" if months.nunique() <= 1 else f"from {span}"
        if len(months) and pd.Timestamp(months.max()) < pd.Timestamp(view.state.end + "-01"):
            span += ", where the data ends"
        parts.append(f"{who} encountered {total} {whom} at {view.where} {span}.")
    if view.peak and len(view.monthly) > 1:
        peak = view.peak
        subject = "Their combined monthly count" if several else "The monthly count"
        after = _after_peak(view)
        tail = ""
        if peak["last_month"] != peak["month"]:
            change = peak["change_since_peak"]
            side = "below" if change < 0 else "above"
            tail = f"; by {peak['last_month']:%B %Y} it was {abs(change):.0%} {side} that peak"
        else:
            tail = ", the last month shown"
        parts.append(
            f"{subject} peaked at {peak['encounters']:,} in {peak['month']:%B %Y}"
            + (f", {after}" if after else "")
            + f"{tail}."
        )
    return " ".join(parts)
