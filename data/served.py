"""Tidy table -> served table: a source's rows indexed once for the selections the dashboard makes.

The tidy table stays the record; this is the shape it is served in (as owid/etl separates the two).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from border_dashboard.data.schema import ALL, FISCAL_YEAR
from border_dashboard.data.schema import Encounters as E

NO_ROWS = np.empty(0, dtype=np.int64)


class _Columns:
    """The columns a ``ServedTable`` is built from, as numpy arrays: each dimension as integer codes into
    its sorted values (a category column's own codes, taken as they are), months as months since 1970."""

    def __init__(self, source: tuple, months: np.ndarray, counts: np.ndarray, dimensions: dict):
        self.source, self.months, self.counts, self.dimensions = source, months, counts, dimensions

    @classmethod
    def of(cls, table: pd.DataFrame) -> _Columns:
        months = table[E.month].to_numpy(dtype="datetime64[s]").astype("datetime64[M]").astype(np.int64)
        dimensions = {}
        for column in E.DIMENSIONS:
            values = table[column]
            if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.is_monotonic_increasing:
                codes, names = values.cat.codes.to_numpy(), values.cat.categories
            else:
                codes, names = pd.factorize(values, sort=True)
            dimensions[column] = (codes, np.asarray(names, dtype=object))
        source = table[E.source]
        if isinstance(source.dtype, pd.CategoricalDtype):
            source = (source.cat.codes.to_numpy(), np.asarray(source.cat.categories, dtype=object))
        else:
            codes, names = pd.factorize(source)
            source = (codes, np.asarray(names, dtype=object))
        return cls(source, months, table[E.encounters].to_numpy(dtype="int64"), dimensions)

    def dimension(self, column: str, rows: np.ndarray | None) -> tuple[np.ndarray, list[str]]:
        """The codes of ``rows`` (a mask; None: all) and the sorted values they use, and only those."""
        codes, names = self.dimensions[column]
        if rows is not None:
            codes = codes[rows]
        used = np.bincount(codes, minlength=len(names)) > 0
        if not used.all():
            codes = (np.cumsum(used) - 1)[codes]
            names = names[used]
        return codes, [str(v) for v in names]


class ServedTable:
    """One source's table, prepared once for fast selections.

    Each dimension is held as small integer codes with its list of values; rows are grouped by
    (region, nationality); months are integer codes on the source's full month range. A selection so
    touches only its own rows and sums them with ``np.bincount``, and memory stays a few bytes a cell.
    Every analysis function takes either this or a plain tidy table (served on the fly).

    The publisher's own fiscal-year figures (rows of period FISCAL_YEAR, OHSS's Annual sheets) are kept
    apart, in ``annual``: a small table of the same shape, one "month" per fiscal year (its October),
    read by ``published``. Every other method sees the months only.
    """

    def __init__(self, table: pd.DataFrame):
        columns = _Columns.of(table)
        annual = None
        if E.period in table.columns:
            yearly = (table[E.period] == FISCAL_YEAR).to_numpy()
            if yearly.any():
                annual = yearly
        self._index(columns, None if annual is None else ~annual)
        self.annual: ServedTable | None = None
        if annual is not None:
            self.annual = ServedTable.__new__(ServedTable)
            self.annual._index(columns, annual)
            self.annual.annual = None

    def _index(self, columns: _Columns, rows: np.ndarray | None) -> None:
        """Index the rows ``rows`` (a mask; None: all) of the table's columns."""
        take = slice(None) if rows is None else rows
        codes, names = columns.source
        sources = np.unique(codes[take])
        self.source = str(names[sources[0]]) if len(sources) == 1 else None  # the source's name (one source a table)
        months = columns.months[take]  # months since 1970
        first, last = int(months.min()), int(months.max())
        span = np.arange(first, last + 1).astype("datetime64[M]").astype("datetime64[s]")
        self.months = pd.DatetimeIndex(span, freq="MS")
        self.first, self.last = self.months[0], self.months[-1]
        self.month_codes = (months - first).astype(np.int16)
        self.counts = columns.counts[take]
        self.values: dict[str, list[str]] = {}
        self.codes: dict[str, np.ndarray] = {}
        for column in E.DIMENSIONS:
            codes, values = columns.dimension(column, rows)
            self.values[column] = values
            self.codes[column] = codes.astype(np.int16 if len(values) < 2**15 else np.int32)
        self.lookup = {c: {v: i for i, v in enumerate(values)} for c, values in self.values.items()}
        self.has_totals = {c: ALL in self.lookup[c] for c in E.DIMENSIONS}
        pair = self.codes[E.region].astype(np.int64) * len(self.values[E.nationality]) + self.codes[E.nationality]
        order = np.argsort(pair, kind="stable").astype(np.int32 if len(pair) < 2**31 else np.int64)
        keys, starts = np.unique(pair[order], return_index=True)
        bounds = [*starts[1:], len(order)]
        width = len(self.values[E.nationality])
        self.groups = {
            (self.values[E.region][k // width], self.values[E.nationality][k % width]): order[s:e]
            for k, s, e in zip(keys.tolist(), starts.tolist(), bounds)
        }
        self._positions: dict[tuple[str, str | None], np.ndarray] = {}
        # Aggregates of the full month range, computed once per key and kept (bounded): a selection's
        # window is then a slice, whatever its months or year basis.
        self.monthly_for = lru_cache(maxsize=4096)(self._monthly_for)
        self.by_nationality = lru_cache(maxsize=256)(self._by_nationality)
        self.published = lru_cache(maxsize=4096)(self._published)

    def code(self, column: str, value: str) -> int:
        """The code of a value in a column, or -1 where the source does not have it."""
        return self.lookup[column].get(value, -1)

    def _gather(self, key, wanted) -> np.ndarray:
        if key not in self._positions:
            found = [rows for pair, rows in self.groups.items() if wanted(*pair)]
            self._positions[key] = np.sort(np.concatenate(found)) if found else NO_ROWS
        return self._positions[key]

    def positions(self, region: str, nationality: str) -> np.ndarray:
        """Row positions for a region and a nationality, either of which may be ALL."""
        any_region = region == ALL and not self.has_totals[E.region]
        any_nationality = nationality == ALL and not self.has_totals[E.nationality]
        return self._gather(
            (region, nationality),
            lambda r, n: (any_region or r == region) and (any_nationality or n == nationality),
        )

    def positions_of_every_nationality(self, region: str) -> np.ndarray:
        """Rows of the region that name a nationality (not the publisher's all-nationality totals)."""
        any_region = region == ALL and not self.has_totals[E.region]
        return self._gather((region, None), lambda r, n: (any_region or r == region) and n != ALL)

    def choices(self, column: str) -> list[str]:
        return [v for v in self.values[column] if v not in (ALL, "")]

    def narrow(self, rows: np.ndarray, filters: dict[str, str]) -> np.ndarray:
        """Keep the rows that match the filters; unfiltered dimensions at the publisher's total, if any."""
        for column in E.NARROWABLE:
            value = filters.get(column, ALL)
            if value == ALL and not self.has_totals[column]:
                continue  # summed over
            rows = rows[self.codes[column][rows] == self.code(column, value)]
        return rows

    def window(self, start: pd.Timestamp, end: pd.Timestamp) -> tuple[int, int]:
        """Month codes [lo, hi) of a window of months, inside the source's coverage."""
        lo = (start.year - self.first.year) * 12 + start.month - self.first.month
        hi = (end.year - self.first.year) * 12 + end.month - self.first.month + 1
        lo, hi = min(max(lo, 0), len(self.months)), max(min(hi, len(self.months)), 0)
        return lo, max(lo, hi)  # a window outside the coverage is empty, never a negative slice

    def _monthly_for(self, region: str, nationality: str, filters: tuple[tuple[str, str], ...]) -> np.ndarray:
        """Encounters per month of the full coverage for a region, a nationality and filters."""
        values = self.monthly(self.narrow(self.positions(region, nationality), dict(filters)))
        values.flags.writeable = False  # shared between requests
        return values

    def _by_nationality(self, region: str, filters: tuple[tuple[str, str], ...]) -> tuple[list[str], np.ndarray]:
        """Every nationality value, and a (nationality x month) matrix of its encounters in the region."""
        rows = self.narrow(self.positions_of_every_nationality(region), dict(filters))
        names = self.values[E.nationality]
        cells = self.codes[E.nationality][rows].astype(np.int64) * len(self.months) + self.month_codes[rows]
        matrix = np.bincount(cells, weights=self.counts[rows], minlength=len(names) * len(self.months))
        matrix = matrix.astype("int64").reshape(len(names), len(self.months))
        matrix.flags.writeable = False
        return names, matrix

    def monthly(self, rows: np.ndarray) -> np.ndarray:
        """Encounters per month of the full coverage, for the given rows."""
        return np.bincount(self.month_codes[rows], weights=self.counts[rows], minlength=len(self.months)).astype(
            "int64"
        )

    def _published(self, region: str, nationality: str, filters: tuple[tuple[str, str], ...]) -> dict[int, int]:
        """The publisher's own figure of each fiscal year it gives one for, for a region, a nationality and
        filters (the same cells ``monthly_for`` adds up); empty for a source without annual figures."""
        if self.annual is None:
            return {}
        table = self.annual
        rows = table.narrow(table.positions(region, nationality), dict(filters))
        if not len(rows):
            return {}
        years = table.months[table.month_codes[rows]].year + 1  # dated its October: the next fiscal year
        found, position = np.unique(years.to_numpy(), return_inverse=True)
        totals = np.bincount(position, weights=table.counts[rows], minlength=len(found)).astype("int64")
        return {int(y): int(t) for y, t in zip(found, totals)}
