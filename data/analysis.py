"""Pure questions asked of a tidy table: series, yearly totals, rise, peak, share and ranking.

Every function takes a table (one source) and a ``Selection`` and returns a small frame or a number;
nothing here reads files or knows about Dash, so the CLI, the dashboard and the tests share it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from data.schema import ALL, ALL_NATIONALITIES, ALL_REGIONS, Encounters as E

DEFAULT_NATIONALITIES = ("China",)
DEFAULT_REGION = "Southwest Land Border"
DEFAULT_START = "2022-01"
DEFAULT_END = "2024-12"
BASES = ("calendar", "fiscal")
# Dimensions a user may narrow besides nationality and region, in the order filters are shown.
FILTER_DIMENSIONS = (E.component, E.demographic, E.area_of_responsibility, E.sector)


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


def parse_month(text: str) -> pd.Timestamp:
    """'2023-12' -> Timestamp('2023-12-01'); anything else raises ValueError."""
    try:
        month = pd.to_datetime(str(text), format="%Y-%m")
    except (ValueError, TypeError):
        raise ValueError(f"{text!r} is not a month written YYYY-MM") from None
    return month


def year_of(months: pd.Series | pd.DatetimeIndex, basis: str) -> np.ndarray:
    """Calendar year, or fiscal year (October starts the next fiscal year)."""
    months = pd.DatetimeIndex(months)
    years = months.year.to_numpy()
    return years + (months.month.to_numpy() >= 10) if basis == "fiscal" else years


def year_label(year: int, basis: str) -> str:
    return f"FY{year}" if basis == "fiscal" else str(year)


# --- choosing rows --------------------------------------------------------------------------------


def _match(table: pd.DataFrame, column: str, value: str) -> np.ndarray:
    """Rows for one dimension: the publisher's total row where the source has one, else every row."""
    values = table[column].to_numpy()
    if value == ALL:
        totals = values == ALL
        return totals if totals.any() else np.ones(len(table), dtype=bool)
    return values == value


def _rows(table: pd.DataFrame, selection: Selection, nationality: str) -> pd.DataFrame:
    start, end = selection.window
    months = table[E.month].to_numpy()
    mask = (months >= start.to_datetime64()) & (months <= end.to_datetime64())
    mask &= _match(table, E.region, selection.region)
    mask &= _match(table, E.nationality, nationality)
    chosen = dict(selection.filters)
    for column in FILTER_DIMENSIONS:
        mask &= _match(table, column, chosen.get(column, ALL))
    # Dimensions nobody filters on are summed over (CBP) or taken at their total (OHSS).
    for column in (E.title_of_authority, E.encounter_type):
        mask &= _match(table, column, ALL)
    return table[mask]


def coverage(table: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last month the source covers."""
    months = table[E.month]
    return pd.Timestamp(months.min()), pd.Timestamp(months.max())


def window_months(table: pd.DataFrame, selection: Selection) -> pd.DatetimeIndex:
    """The months of the window that the source covers."""
    start, end = selection.window
    first, last = coverage(table)
    return pd.date_range(max(start, first), min(end, last), freq="MS")


# --- the questions --------------------------------------------------------------------------------


def monthly_series(table: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """Encounters per month for each selected nationality: columns nationality, month, encounters.

    Months inside the source's coverage with no row (OHSS leaves small cells out) count as 0.
    """
    months = window_months(table, selection)
    frames = []
    for nationality in selection.nationalities:
        rows = _rows(table, selection, nationality)
        counts = rows.groupby(E.month)[E.encounters].sum().reindex(months, fill_value=0)
        frames.append(
            pd.DataFrame(
                {E.nationality: nationality, E.month: months, E.encounters: counts.to_numpy(dtype="int64")}
            )
        )
    if not frames:
        return pd.DataFrame({E.nationality: [], E.month: [], E.encounters: []}).astype(
            {E.nationality: str, E.month: "datetime64[s]", E.encounters: "int64"}
        )
    return pd.concat(frames, ignore_index=True)


def combined(series: pd.DataFrame) -> pd.DataFrame:
    """All selected nationalities added up per month: columns month, encounters."""
    return series.groupby(E.month, as_index=False)[E.encounters].sum()


def yearly_totals(series: pd.DataFrame, basis: str) -> pd.DataFrame:
    """Totals per nationality and year, with the number of months each year has in the window.

    ``months`` tells a partial year (the data ends in November 2024) from a whole one.
    """
    frame = series.assign(year=year_of(series[E.month], basis))
    return (
        frame.groupby([E.nationality, "year"], sort=False)
        .agg(encounters=(E.encounters, "sum"), months=(E.month, "size"))
        .reset_index()
        .astype({"year": "int64", "encounters": "int64", "months": "int64"})
    )


def rise(yearly: pd.DataFrame, from_year: int, to_year: int) -> float | None:
    """Ratio of the to-year total to the from-year total; None where the from-year is zero or absent."""
    totals = yearly.groupby("year")["encounters"].sum()
    if from_year not in totals.index or to_year not in totals.index or totals[from_year] == 0:
        return None
    return float(totals[to_year] / totals[from_year])


def default_rise_years(yearly: pd.DataFrame) -> tuple[int, int] | None:
    """The first two years of the window."""
    years = sorted(yearly["year"].unique())
    return (int(years[0]), int(years[1])) if len(years) >= 2 else None


def peak(monthly: pd.DataFrame) -> dict | None:
    """Highest month (the first, on a tie) and how the last month of the window compares with it."""
    if monthly.empty or monthly[E.encounters].max() == 0:
        return None
    top = monthly.loc[monthly[E.encounters].idxmax()]
    last = monthly.iloc[-1]
    return {
        "month": pd.Timestamp(top[E.month]),
        "encounters": int(top[E.encounters]),
        "last_month": pd.Timestamp(last[E.month]),
        "last_encounters": int(last[E.encounters]),
        "change_since_peak": float(last[E.encounters] / top[E.encounters] - 1),
    }


def region_total(table: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """All nationalities in the region per month, from the publisher's totals where it has them."""
    return monthly_series(table, selection.with_(nationalities=(ALL,)))


def share_of_region(table: pd.DataFrame, selection: Selection) -> float | None:
    """The selection's share of every encounter in the region over the window."""
    total = int(region_total(table, selection)[E.encounters].sum())
    if total == 0:
        return None
    return int(monthly_series(table, selection)[E.encounters].sum()) / total


def top_nationalities(
    table: pd.DataFrame, selection: Selection, n: int = 10, *, include: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The n nationalities with most encounters in the window (region and filters applied), with rank.

    Nationalities in ``include`` are kept with their rank even when they fall outside the first n.
    """
    start, end = selection.window
    months = table[E.month].to_numpy()
    mask = (months >= start.to_datetime64()) & (months <= end.to_datetime64())
    mask &= _match(table, E.region, selection.region)
    chosen = dict(selection.filters)
    for column in FILTER_DIMENSIONS:
        mask &= _match(table, column, chosen.get(column, ALL))
    for column in (E.title_of_authority, E.encounter_type):
        mask &= _match(table, column, ALL)
    mask &= table[E.nationality].to_numpy() != ALL
    ranked = (
        table[mask]
        .groupby(E.nationality)[E.encounters]
        .sum()
        .sort_values(ascending=False, kind="stable")
        .rename_axis(E.nationality)
        .reset_index()
    )
    ranked = ranked[ranked[E.encounters] > 0]
    ranked.insert(0, "rank", range(1, len(ranked) + 1))
    keep = (ranked["rank"] <= n) | ranked[E.nationality].isin(include)
    return ranked[keep].reset_index(drop=True)


# --- names ----------------------------------------------------------------------------------------


def choices(table: pd.DataFrame, column: str) -> list[str]:
    """The values a reader can pick for a dimension (without total and not-applicable markers)."""
    values = table[column].unique()
    return sorted(v for v in values if v not in (ALL, ""))


def display(value: str, column: str) -> str:
    if value != ALL:
        return value
    return {E.nationality: ALL_NATIONALITIES, E.region: ALL_REGIONS}.get(column, ALL)


def resolve(name: str, options: list[str], what: str) -> str:
    """Match a typed name to one option: exactly, then by a unique part, ignoring case."""
    wanted = " ".join(str(name).split()).casefold()
    if wanted in ("all", f"all {what}s", f"all {what.rstrip('y')}ies"):
        return ALL
    folded = {option.casefold(): option for option in options}
    if wanted in folded:
        return folded[wanted]
    partial = [option for key, option in folded.items() if wanted and wanted in key]
    if len(partial) == 1:
        return partial[0]
    close = partial or difflib.get_close_matches(name, options, n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(close[:5])}?" if close else ""
    raise UnknownNameError(f"unknown {what} {name!r}{hint}")


def summary(table: pd.DataFrame, selection: Selection, rise_years: tuple[int, int] | None = None) -> dict:
    """The story's numbers for a selection, as plain JSON-ready values."""
    series = monthly_series(table, selection)
    monthly = combined(series)
    yearly = yearly_totals(series, selection.basis).groupby("year", as_index=False, sort=True).agg(
        encounters=("encounters", "sum"), months=("months", "max")
    )
    rise_years = rise_years or default_rise_years(yearly)
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
        "yearly": [
            {"year": int(r.year), "encounters": int(r.encounters), "months": int(r.months)}
            for r in yearly.itertuples()
        ],
        "rise": None
        if rise_years is None
        else {"from": rise_years[0], "to": rise_years[1], "ratio": _rounded(rise(yearly, *rise_years))},
        "peak": None if top is None else {"month": f"{top['month']:%Y-%m}", "encounters": top["encounters"]},
    }


def _rounded(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio, 3)


def filterable(table: pd.DataFrame, column: str) -> list[str]:
    """Values of a dimension a reader can usefully filter a nationality by (empty: hide the filter).

    A dimension the source does not cross with nationality (OHSS sectors and family status) is left out,
    since every nationality would show nothing under it.
    """
    crossed = table.loc[table[E.nationality] != ALL, column]
    values = sorted(v for v in crossed.unique() if v not in (ALL, ""))
    return values if len(values) >= 2 else []
