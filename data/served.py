"""Tidy table -> served table: a source's rows indexed once for the selections the dashboard makes.

The tidy table stays the record; this is the shape it is served in (as owid/etl separates the two).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from data.schema import ALL, FILTER_DIMENSIONS, Encounters as E


class ServedTable:
    """One source's table, prepared once for fast selections.

    Rows are grouped by (region, nationality) and months are integer codes on the source's full month
    range, so a selection touches only its own few hundred rows and sums them with ``np.bincount``.
    Every analysis function takes either this or a plain tidy table (served on the fly).
    """

    def __init__(self, table: pd.DataFrame):
        self.table = table.reset_index(drop=True)
        months = self.table[E.month]
        self.first, self.last = pd.Timestamp(months.min()), pd.Timestamp(months.max())
        self.months = pd.date_range(self.first, self.last, freq="MS")
        self.codes = (months.dt.year.to_numpy() - self.first.year) * 12 + months.dt.month.to_numpy() - self.first.month
        self.counts = self.table[E.encounters].to_numpy(dtype="int64")
        self.columns = {c: self.table[c].to_numpy(dtype=object) for c in E.DIMENSIONS}
        self.has_totals = {c: bool((self.columns[c] == ALL).any()) for c in E.DIMENSIONS}
        self.groups = self.table.groupby([E.region, E.nationality], sort=False).indices
        self._positions: dict[tuple[str, str], np.ndarray] = {}
        self._choices: dict[str, list[str]] = {}

    def positions(self, region: str, nationality: str) -> np.ndarray:
        """Row positions for a region and a nationality, either of which may be ALL."""
        key = (region, nationality)
        if key not in self._positions:
            any_region = region == ALL and not self.has_totals[E.region]
            any_nationality = nationality == ALL and not self.has_totals[E.nationality]
            found = [
                rows
                for (r, n), rows in self.groups.items()
                if (any_region or r == region) and (any_nationality or n == nationality)
            ]
            self._positions[key] = np.sort(np.concatenate(found)) if found else np.empty(0, dtype=int)
        return self._positions[key]

    def positions_of_every_nationality(self, region: str) -> np.ndarray:
        """Rows of the region that name a nationality (not the publisher's all-nationality totals)."""
        key = (region, None)
        if key not in self._positions:
            any_region = region == ALL and not self.has_totals[E.region]
            found = [rows for (r, n), rows in self.groups.items() if (any_region or r == region) and n != ALL]
            self._positions[key] = np.sort(np.concatenate(found)) if found else np.empty(0, dtype=int)
        return self._positions[key]

    @cached_property
    def nationality_codes(self) -> tuple[list[str], np.ndarray]:
        """Every nationality name, and each row's position in that list."""
        codes, names = pd.factorize(self.table[E.nationality], sort=True)
        return list(names), codes

    def choices(self, column: str) -> list[str]:
        if column not in self._choices:
            self._choices[column] = sorted(v for v in set(self.columns[column]) if v not in (ALL, ""))
        return self._choices[column]

    def narrow(self, rows: np.ndarray, filters: dict[str, str]) -> np.ndarray:
        """Keep the rows that match the filters; unfiltered dimensions at the publisher's total, if any."""
        for column in (*FILTER_DIMENSIONS, E.title_of_authority, E.encounter_type):
            value = filters.get(column, ALL)
            if value == ALL and not self.has_totals[column]:
                continue  # summed over
            rows = rows[self.columns[column][rows] == value]
        return rows

    def window(self, start: pd.Timestamp, end: pd.Timestamp) -> tuple[int, int]:
        """Month codes [lo, hi) of a window of months, inside the source's coverage."""
        lo = (start.year - self.first.year) * 12 + start.month - self.first.month
        hi = (end.year - self.first.year) * 12 + end.month - self.first.month + 1
        return max(lo, 0), min(hi, len(self.months))

    def monthly(self, rows: np.ndarray) -> np.ndarray:
        """Encounters per month of the full coverage, for the given rows."""
        return np.bincount(self.codes[rows], weights=self.counts[rows], minlength=len(self.months)).astype("int64")
