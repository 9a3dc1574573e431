"""Pure questions asked of a tidy table: series, yearly totals, rise, peak, share and ranking.

Every function takes a table (one source) and a ``Selection`` and returns a small frame or a number;
nothing here reads files or knows about Dash, so the CLI, the dashboard and the tests share it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from border_dashboard.data.schema import ALL, ALL_NATIONALITIES, ALL_REGIONS
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.served import ServedTable
from border_dashboard.data.sources import SOURCES

DEFAULT_NATIONALITIES = ("China",)
OTHER = "Other"
"""The group a source that breaks out only a few nationalities counts every other one in (CBP's file)."""
DEFAULT_REGION = "Southwest Land Border"
DEFAULT_START = "2022-01"
DEFAULT_END = "2024-12"
BASES = ("calendar", "fiscal")


class UnknownNameError(ValueError):
    """A nationality, region or component that the source does not have; the message suggests names."""


@dataclass(frozen=True)
class Selection:
    """What a reader asked for. Frozen and hashable, so results can be memoized on it."""

    nationalities: tuple[str, ...] = DEFAULT_NATIONALITIES
    region: str = DEFAULT_REGION  # or ALL
    start: str = DEFAULT_START  # YYYY-MM, inclusive
    end: str = DEFAULT_END  # YYYY-MM, inclusive
    basis: str = "calendar"
    filters: tuple[tuple[str, str], ...] = field(default=())  # (column, value), value may be ALL

    def __post_init__(self):
        if self.basis not in BASES:
            raise ValueError(f"basis must be one of {BASES}, not {self.basis!r}")
        start, end = parse_month(self.start), parse_month(self.end)
        if start > end:
            raise ValueError(f"the window starts ({self.start}) after it ends ({self.end})")

    @property
    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        return parse_month(self.start), parse_month(self.end)

    def with_(self, **changes) -> "Selection":
        return replace(self, **changes)


MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> pd.Timestamp:
    """'2023-12' -> Timestamp('2023-12-01'); anything else raises ValueError."""
    match = MONTH_PATTERN.match(str(text))
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"{text!r} is not a month written YYYY-MM")
    return pd.Timestamp(year=int(match[1]), month=int(match[2]), day=1)


def year_of(months: pd.Series | pd.DatetimeIndex, basis: str) -> np.ndarray:
    """Calendar year, or fiscal year (October starts the next fiscal year)."""
    # numpy's months since 1970, not pandas' date fields: this is asked for every small frame of a view
    counted = np.asarray(months, dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)
    years = counted // 12 + 1970
    return years + (counted % 12 >= 9) if basis == "fiscal" else years


def year_label(year: int, basis: str) -> str:
    return f"FY{year}" if basis == "fiscal" else str(year)


# --- choosing rows --------------------------------------------------------------------------------


def served(data: pd.DataFrame | ServedTable) -> ServedTable:
    """A plain tidy table is served on the fly; the dashboard passes one served once at load."""
    return data if isinstance(data, ServedTable) else ServedTable(data)


def coverage(data: pd.DataFrame | ServedTable) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last month the source covers."""
    index = served(data)
    return index.first, index.last


def window_months(data: pd.DataFrame | ServedTable, selection: Selection) -> pd.DatetimeIndex:
    """The months of the window that the source covers."""
    index = served(data)
    lo, hi = index.window(*selection.window)
    return index.months[lo:hi]


def window_years(data: pd.DataFrame | ServedTable, selection: Selection) -> dict[int, int]:
    """Each year the window touches, with how many of its months are inside the window and the data."""
    years, counts = np.unique(year_of(window_months(data, selection), selection.basis), return_counts=True)
    return {int(y): int(c) for y, c in zip(years, counts)}


# --- the questions --------------------------------------------------------------------------------


def monthly_series(data: pd.DataFrame | ServedTable, selection: Selection) -> pd.DataFrame:
    """Encounters per month for each selected nationality: columns nationality, month, encounters.

    Months inside the source's coverage with no row (OHSS leaves small cells out) count as 0.
    """
    index = served(data)
    lo, hi = index.window(*selection.window)
    months = index.months[lo:hi]
    filters = tuple(sorted(selection.filters))
    names, counts = [], []
    for nationality in selection.nationalities:
        names.append(np.full(len(months), nationality, dtype=object))
        counts.append(index.monthly_for(selection.region, nationality, filters)[lo:hi])
    return pd.DataFrame(
        {
            E.nationality: pd.array(np.concatenate(names) if names else [], dtype="str"),
            E.month: np.tile(months.to_numpy(dtype="datetime64[s]"), len(names)),
            E.encounters: np.concatenate(counts) if counts else np.empty(0, dtype="int64"),
        }
    )


def combined(series: pd.DataFrame) -> pd.DataFrame:
    """All selected nationalities added up per month: columns month, encounters."""
    months, position = np.unique(series[E.month].to_numpy(), return_inverse=True)
    totals = np.bincount(position, weights=series[E.encounters].to_numpy(), minlength=len(months))
    return pd.DataFrame({E.month: months, E.encounters: totals.astype("int64")})


def yearly_totals(series: pd.DataFrame, basis: str) -> pd.DataFrame:
    """Totals per nationality and year, with the number of months each year has in the window.

    ``months`` tells a partial year (the data ends in November 2024) from a whole one.
    """
    nationality_codes, nationalities = pd.factorize(series[E.nationality])  # in order of appearance
    years, year_codes = np.unique(year_of(series[E.month], basis), return_inverse=True)
    cell = nationality_codes * len(years) + year_codes
    size = len(nationalities) * len(years)
    totals = np.bincount(cell, weights=series[E.encounters].to_numpy(), minlength=size)
    months = np.bincount(cell, minlength=size)
    present = months > 0
    return pd.DataFrame(
        {
            E.nationality: pd.array(
                np.repeat(np.asarray(nationalities, dtype=object), len(years))[present], dtype="str"
            ),
            "year": np.tile(years, len(nationalities))[present].astype("int64"),
            "encounters": totals[present].astype("int64"),
            "months": months[present].astype("int64"),
        }
    )


def rise(yearly: pd.DataFrame, from_year: int, to_year: int) -> float | None:
    """Ratio of the to-year total to the from-year total; None where the from-year is zero or absent."""
    return _rise(yearly["year"].to_numpy(), yearly["encounters"].to_numpy(), from_year, to_year)


def rows_by_nationality(frame: pd.DataFrame) -> list[tuple[str, np.ndarray]]:
    """Each nationality of a frame with a nationality column, in order of appearance, with the mask of its
    rows: what ``frame.groupby(nationality, sort=False)`` gives, as numpy masks (a groupby cost more than
    the rest of a chart, and this is asked on every redraw)."""
    names = frame[E.nationality].to_numpy(dtype=object)
    return [(name, names == name) for name in dict.fromkeys(names.tolist())]


def rises(yearly: pd.DataFrame, from_year: int, to_year: int) -> dict[str, float | None]:
    """``rise`` of each nationality of a per-nationality yearly table, in order of appearance."""
    years, counts = yearly["year"].to_numpy(), yearly["encounters"].to_numpy()
    return {name: _rise(years[rows], counts[rows], from_year, to_year) for name, rows in rows_by_nationality(yearly)}


def _rise(years: np.ndarray, counts: np.ndarray, from_year: int, to_year: int) -> float | None:
    first, second = years == from_year, years == to_year
    if not first.any() or not second.any() or counts[first].sum() == 0:
        return None
    return float(counts[second].sum() / counts[first].sum())


def months_by_year(yearly: pd.DataFrame) -> dict[int, int]:
    """How many months of each year are inside the window and the data (12: a whole year)."""
    # plain numpy: a pandas groupby here cost more than the rest of the rise chart (it is asked per label)
    years, months = yearly["year"].to_numpy(), yearly["months"].to_numpy()
    result: dict[int, int] = {}
    for year, count in zip(years.tolist(), months.tolist()):
        result[int(year)] = max(result.get(int(year), 0), int(count))
    return dict(sorted(result.items()))


def choose_rise_years(months: dict[int, int], wanted: tuple[int, int] | None = None) -> tuple[int, int] | None:
    """The two years to compare.

    The reader's two years when both are in the window and differ (a partial year too: its months are
    then written wherever it is shown); otherwise the two most recent whole years of the window (12 months
    of data inside it), so that a partial year is never compared unasked. None with fewer than two.
    """
    if wanted and wanted[0] != wanted[1] and wanted[0] in months and wanted[1] in months:
        return wanted
    whole = sorted(year for year, count in months.items() if count >= 12)
    return (whole[-2], whole[-1]) if len(whole) >= 2 else None


def year_pair(text: str) -> tuple[int, int]:
    """'2022:2023' (or '2023:2022') -> (2022, 2023): a rise is told from the earlier year to the later.
    A ValueError for anything else; the page and the command line each say so in their words."""
    first, second = (int(part) for part in text.split(":"))
    return min(first, second), max(first, second)


def rounding_bound(months: int, rounded_to: int) -> int:
    """The most a sum of ``months`` monthly figures rounded to ``rounded_to`` can be off: half a unit a month."""
    return months * (rounded_to // 2)


def rise_range(first: int, second: int, first_bound: int, second_bound: int) -> tuple[float | None, float | None]:
    """The ratio second/first at its lowest and highest under rounding (None where it is unbounded)."""
    low = (second - second_bound) / (first + first_bound) if first + first_bound > 0 else None
    high = (second + second_bound) / (first - first_bound) if first - first_bound > 0 else None
    return (None if low is None else max(low, 0.0)), high


def _direction(ratio: float) -> int:
    """1 for a rise, -1 for a fall, 0 for what reads as unchanged (within half a percent)."""
    return 0 if abs(ratio - 1) < 0.005 else (1 if ratio > 1 else -1)


def change_words(ratio: float | None) -> str:
    """A ratio as a reader says it: 'x10.3', 'fell 70%', 'unchanged'; 'n/a' where there is none."""
    if ratio is None:
        return "n/a"
    if _direction(ratio) == 0:
        return "unchanged"
    if ratio < 1:
        return f"fell {1 - ratio:.0%}"
    return f"up {ratio - 1:.0%}" if ratio < 1.1 else f"x{ratio:.1f}"


def change_title(ratios) -> str:
    """What a comparison of two years is called: 'Rise' where every ratio rises, 'Fall' where every one
    falls, 'Change' otherwise (mixed, unchanged or none), so that a fall is never headed 'Rise'."""
    directions = {_direction(r) for r in ratios if r is not None}
    return {frozenset({1}): "Rise", frozenset({-1}): "Fall"}.get(frozenset(directions), "Change")


def ratio_range(low: float, high: float) -> tuple[str, str]:
    """How far rounding may move a ratio, as its two ends in a reader's words, with the fewest digits that
    tell them apart: ('10.1', '10.5') times for a rise, ('80%', '86%') for a fall, which is read as how far
    it fell. Two equal texts: rounding cannot move it at the finest digits shown. The page's tooltip and
    the command line both say the range this way."""
    if high < 1:
        ends, unit, digits = ((1 - high) * 100, (1 - low) * 100), "%", (0, 1)
    else:
        ends, unit, digits = (low, high), "", (1, 2, 3)
    for d in digits:
        texts = tuple(f"{end:.{d}f}{unit}" for end in ends)
        if texts[0] != texts[1]:
            break
    return texts


def peak(monthly: pd.DataFrame) -> dict | None:
    """Highest month (the first, on a tie) and how the last month of the window compares with it."""
    counts, months = monthly[E.encounters].to_numpy(), monthly[E.month].to_numpy()
    if not len(counts) or counts.max() == 0:
        return None
    top = int(np.argmax(counts))  # the first of equal highest months
    return {
        "month": pd.Timestamp(months[top]),
        "encounters": int(counts[top]),
        "last_month": pd.Timestamp(months[-1]),
        "last_encounters": int(counts[-1]),
        "change_since_peak": float(counts[-1] / counts[top] - 1),
    }


def region_total(data: pd.DataFrame | ServedTable, selection: Selection) -> pd.DataFrame:
    """All nationalities in the region per month, from the publisher's totals where it has them."""
    return monthly_series(data, selection.with_(nationalities=(ALL,)))


def share_of(part: pd.DataFrame, whole: pd.DataFrame) -> float | None:
    """The share of one monthly series's total in another's (None where the whole is zero)."""
    total = int(whole[E.encounters].sum())
    return None if total == 0 else int(part[E.encounters].sum()) / total


def share_of_region(data: pd.DataFrame | ServedTable, selection: Selection) -> float | None:
    """The selection's share of every encounter in the region over the window."""
    index = served(data)
    return share_of(monthly_series(index, selection), region_total(index, selection))


def top_nationalities(
    data: pd.DataFrame | ServedTable, selection: Selection, n: int = 10, *, include: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The n nationalities with most encounters in the window (region and filters applied), with rank.

    Nationalities in ``include`` are kept with their rank even when they fall outside the first n.
    """
    index = served(data)
    lo, hi = index.window(*selection.window)
    names, matrix = index.by_nationality(selection.region, tuple(sorted(selection.filters)))
    totals = matrix[:, lo:hi].sum(axis=1)
    named = np.asarray(names, dtype=object)
    ranked = np.flatnonzero((totals > 0) & (named != ALL))
    # most encounters first, a tie by name (numpy, not a pandas sort: this runs on every redraw)
    ranked = ranked[np.lexsort((np.argsort(np.argsort(named[ranked])), -totals[ranked]))]
    rank = np.arange(1, len(ranked) + 1)
    keep = (rank <= n) | np.isin(named[ranked], list(include))
    return pd.DataFrame(
        {
            "rank": rank[keep],
            E.nationality: pd.array(named[ranked][keep], dtype="str"),
            E.encounters: totals[ranked][keep].astype("int64"),
        }
    )


ISO3 = "iso3"
"""Column of ``by_citizenship``: the nationality's ISO 3166-1 alpha-3 code, missing where it has none."""


def by_citizenship(data: pd.DataFrame | ServedTable, selection: Selection) -> pd.DataFrame:
    """Encounters in the window by citizenship (region and filters applied), for the world map: columns
    nationality, iso3 (``countries.iso3``, missing for 'Other', 'Unknown' and states gone), encounters.

    Every nationality the source breaks out, most encounters first (then by name), zeros included; not the
    publisher's total of all nationalities.
    """
    # Imported here: the country names need pycountry and the crosswalk, which the command line's summary
    # (a question about one nationality) should not wait for.
    from border_dashboard.data import countries

    index = served(data)
    lo, hi = index.window(*selection.window)
    names, matrix = index.by_nationality(selection.region, tuple(sorted(selection.filters)))
    frame = pd.DataFrame({E.nationality: pd.array(names, dtype="str"), E.encounters: matrix[:, lo:hi].sum(axis=1)})
    frame = frame[frame[E.nationality] != ALL]
    frame.insert(1, ISO3, pd.array([countries.iso3(n) for n in frame[E.nationality]], dtype="str"))
    frame = frame.sort_values([E.encounters, E.nationality], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)


# --- names ----------------------------------------------------------------------------------------


def choices(data: pd.DataFrame | ServedTable, column: str) -> list[str]:
    """The values a reader can pick for a dimension (without total and not-applicable markers)."""
    return list(served(data).choices(column))


def counted_as(data: pd.DataFrame | ServedTable, names: tuple[str, ...]) -> dict[str, str]:
    """Each nationality -> the name the source counts it under: itself where the source breaks it out,
    else the source's 'Other' group where it has one. A name it can count nowhere is left out."""
    present = set(served(data).choices(E.nationality)) | {ALL}  # every source has its total of all
    return {n: n if n in present else OTHER for n in names if n in present or OTHER in present}


def display(value: str, column: str) -> str:
    if value != ALL:
        return value
    return {E.nationality: ALL_NATIONALITIES, E.region: ALL_REGIONS}.get(column, ALL)


ABBREVIATIONS = {
    "usbp": "U.S. Border Patrol",
    "bp": "U.S. Border Patrol",
    "border patrol": "U.S. Border Patrol",
    "ofo": "Office of Field Operations",
    "sw": "Southwest Land Border",
    "swb": "Southwest Land Border",
    "southern": "Southwest Land Border",
    "southern border": "Southwest Land Border",
    "nb": "Northern Land Border",
    "northern border": "Northern Land Border",
}
"""Words readers and reporters use for a component or region ('the southern border' of news reports is
the Southwest Land Border); each is tried only where its expansion is one of the options."""


def resolve(name: str, options: list[str], what: str) -> str:
    """Match a typed name to one option: exactly, by a common abbreviation ('usbp', 'ofo', 'sw'), then
    by a unique part, ignoring case. Raises UnknownNameError naming the closest options."""
    wanted = " ".join(str(name).split()).casefold()
    if wanted in ("all", f"all {what}s", f"all {what.rstrip('y')}ies"):
        return ALL
    folded = {option.casefold(): option for option in options}
    if wanted in folded:
        return folded[wanted]
    if ABBREVIATIONS.get(wanted) in options:
        return ABBREVIATIONS[wanted]
    partial = [option for key, option in folded.items() if wanted and wanted in key]
    if len(partial) == 1:
        return partial[0]
    close = partial or difflib.get_close_matches(name, options, n=5, cutoff=0.5)
    if not close and len(options) <= 6:
        close = list(options)  # a short list: name them all
    hint = f"; did you mean {', '.join(close[:5])}?" if close else ""
    raise UnknownNameError(f"unknown {what} {name!r}{hint}")


def resolve_nationality(name: str, options: list[str]) -> str:
    """A typed nationality: a display name or any official spelling (``nationalities.csv``), in any case,
    or a unique part of a name. Raises UnknownNameError with the closest names."""
    if name in options:
        return name
    # A display name in another case ('china'): every display name is its own spelling in the crosswalk,
    # so this is what the crosswalk would answer, without loading it (nor the importers it lives in).
    folded = {option.casefold(): option for option in options}
    typed = " ".join(str(name).split()).casefold()
    if typed in folded:
        return folded[typed]
    from border_dashboard.data.importers import load_crosswalk, normalize_spelling

    return resolve(load_crosswalk().get(normalize_spelling(name), name), options, "nationality")


def yearly_combined(series: pd.DataFrame, basis: str) -> pd.DataFrame:
    """The selected nationalities' totals per year added up: columns year, encounters, months."""
    return years_combined(yearly_totals(series, basis))


def years_combined(yearly: pd.DataFrame, nationalities: tuple[str, ...] | None = None) -> pd.DataFrame:
    """``yearly_combined`` from a per-nationality ``yearly_totals`` table the caller has already (a view
    has one), of ``nationalities`` only where given: columns year, encounters, months."""
    year_of_row, counts, months_of_row = (yearly[c].to_numpy() for c in ("year", "encounters", "months"))
    if nationalities is not None:
        rows = np.isin(yearly[E.nationality].to_numpy(dtype=object), list(nationalities))
        year_of_row, counts, months_of_row = year_of_row[rows], counts[rows], months_of_row[rows]
    years, position = np.unique(year_of_row, return_inverse=True)
    totals = np.bincount(position, weights=counts, minlength=len(years))
    months = np.zeros(len(years), dtype="int64")
    np.maximum.at(months, position, months_of_row)
    return pd.DataFrame({"year": years.astype("int64"), "encounters": totals.astype("int64"), "months": months})


def published_totals(data: pd.DataFrame | ServedTable, selection: Selection) -> dict[int, int]:
    """The publisher's own figure for each whole fiscal year of the window (all 12 months inside the window
    and the data), added up over the selected nationalities: year -> total.

    Only on the fiscal basis, and only for a year the publisher gives a figure for every selected
    nationality (OHSS's Annual sheets; CBP publishes none); any other year stays a sum of its months.
    """
    if selection.basis != "fiscal" or not selection.nationalities:
        return {}
    index = served(data)
    if index.annual is None:
        return {}
    filters = tuple(sorted(selection.filters))
    figures = [index.published(selection.region, nationality, filters) for nationality in selection.nationalities]
    whole = [year for year, months in window_years(index, selection).items() if months >= 12]
    return {year: sum(f[year] for f in figures) for year in whole if all(year in f for f in figures)}


def with_published(yearly: pd.DataFrame, data: pd.DataFrame | ServedTable, selection: Selection) -> pd.DataFrame:
    """A per-nationality ``yearly_totals`` table of the selection with each whole fiscal year the publisher
    gives a figure for (``published_totals``, one nationality at a time) at that figure: what a chart or a
    download of yearly totals shows, so that it agrees with ``summary``."""
    if selection.basis != "fiscal" or yearly.empty:
        return yearly
    index = served(data)
    if index.annual is None:
        return yearly
    years = yearly["year"].to_numpy()
    counts = yearly["encounters"].to_numpy(dtype="int64", copy=True)
    for nationality, of_nationality in rows_by_nationality(yearly):
        figures = published_totals(index, selection.with_(nationalities=(nationality,)))
        rows = np.flatnonzero(of_nationality & np.isin(years, list(figures)))
        counts[rows] = [figures[int(year)] for year in years[rows]]
    return yearly.assign(encounters=counts)


def year_items(
    yearly: pd.DataFrame, rounded_to: int = 1, parts: int = 1, published: dict[int, int] | None = None
) -> list[dict]:
    """Each year's total with what it is and how far rounding may put it off.

    ``kind`` "published": the publisher's own annual figure (``published``, added up over ``parts``
    nationalities), itself rounded once, so ``bound`` is half a rounding unit per nationality (5 for one
    OHSS figure). ``kind`` "sum": the sum of the year's monthly figures, half a unit per month and
    nationality (60 for a whole year of one OHSS nationality).
    """
    published = published or {}
    items = []
    columns = (yearly[c].to_numpy().tolist() for c in ("year", "months", "encounters"))
    for year, months, encounters in zip(*columns):
        year, months = int(year), int(months)
        if year in published:
            total, kind, bound = published[year], "published", rounding_bound(parts, rounded_to)
        else:
            total, kind, bound = int(encounters), "sum", rounding_bound(months * parts, rounded_to)
        items.append({"year": year, "encounters": total, "months": months, "kind": kind, "bound": bound})
    return items


def comparison(
    yearly: pd.DataFrame,
    years: tuple[int, int] | None,
    rounded_to: int = 1,
    parts: int = 1,
    published: dict[int, int] | None = None,
) -> dict | None:
    """The rise between two years of a combined yearly table (of ``parts`` nationalities): the ratio,
    its range under rounding (``low`` to ``high``), each year's total, months and kind (``year_items``;
    a whole fiscal year in ``published`` is the publisher's figure)."""
    if years is None:
        return None
    items = {item["year"]: item for item in year_items(yearly, rounded_to, parts, published)}
    absent = {"encounters": 0, "months": 0, "bound": 0, "kind": "sum"}
    first, second = (items.get(y, absent) for y in years)
    present = years[0] in items and years[1] in items and first["encounters"] != 0
    ratio = second["encounters"] / first["encounters"] if present else None
    low, high = rise_range(first["encounters"], second["encounters"], first["bound"], second["bound"])
    return {
        "from": years[0],
        "to": years[1],
        "ratio": _rounded(ratio),
        "low": _rounded(low) if ratio is not None else None,
        "high": _rounded(high) if ratio is not None else None,
        "from_total": first["encounters"],
        "to_total": second["encounters"],
        "from_months": first["months"],
        "to_months": second["months"],
        "from_kind": first["kind"],
        "to_kind": second["kind"],
        "from_bound": first["bound"],
        "to_bound": second["bound"],
        "words": change_words(ratio),
    }


def summary(
    table: pd.DataFrame | ServedTable,
    selection: Selection,
    rise_years: tuple[int, int] | None = None,
    *,
    rounded_to: int = 1,
) -> dict:
    """The story's numbers for a selection, as plain JSON-ready values.

    ``rise_years``: the years to compare as the reader asked (kept as asked); default: the two most
    recent whole years of the window. ``rounded_to``: the source's rounding unit, for the bounds.
    """
    table = served(table)
    series = monthly_series(table, selection)
    monthly = combined(series)
    yearly = yearly_combined(series, selection.basis)
    rise_years = rise_years or choose_rise_years(months_by_year(yearly))
    published = published_totals(table, selection)
    parts = len(selection.nationalities)
    top = peak(monthly)
    return {
        "selection": {
            "nationalities": [display(n, E.nationality) for n in selection.nationalities],
            "region": display(selection.region, E.region),
            "from": selection.start,
            "to": selection.end,
            "basis": selection.basis,
            **{column: display(value, column) for column, value in selection.filters},
        },
        "monthly": [
            {"month": f"{month:%Y-%m}", "encounters": int(count)}
            for month, count in zip(monthly[E.month], monthly[E.encounters])
        ],
        "yearly": year_items(yearly, rounded_to, parts, published),
        "rise": comparison(yearly, rise_years, rounded_to, parts, published),
        "peak": None if top is None else {"month": f"{top['month']:%Y-%m}", "encounters": top["encounters"]},
    }


def _rounded(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio, 3)


def filterable(data: pd.DataFrame | ServedTable, column: str) -> list[str]:
    """Values of a dimension a reader can usefully filter a nationality by (empty: hide the filter).

    Only the dimensions the source breaks out (its ``filters`` in the registry) are offered. One it does
    not cross with nationality (OHSS sectors and family status) is left out too, since every nationality
    would show nothing under it.
    """
    table = served(data)
    if table.source in SOURCES and column not in SOURCES[table.source].filters:
        return []
    named = table.codes[E.nationality] != table.code(E.nationality, ALL)
    crossed = np.unique(table.codes[column][named])
    values = sorted(v for v in (table.values[column][c] for c in crossed) if v not in (ALL, ""))
    return values if len(values) >= 2 else []
