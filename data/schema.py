"""The one tidy table every source is imported into, declared in one place.

Column names live here and only here: every other module spells a column as ``Encounters.<name>``.
The facts about each source (publisher, page, files) are in ``sources``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

ALL = "All"
"""Value of a dimension in a row that is the publisher's own total over that dimension.

OHSS rounds every cell to the nearest 10, so a total is never made by adding rounded parts: the
workbook's total sheets are imported as rows whose summed-over dimensions read ``ALL``.
"""

NOT_APPLICABLE = ""
"""Value of a dimension that a source does not have (OHSS has no title of authority, for example)."""

MONTH = "month"
FISCAL_YEAR = "fiscal year"
PERIODS = (MONTH, FISCAL_YEAR)
"""Values of ``Encounters.period``: a row counts one month, or one whole fiscal year as the publisher
itself totals it (OHSS's Annual sheets). Such a published annual figure is rounded once, so it is not the
sum of the rounded months (Brazil, Southwest, FY2023: 21,630 published, 21,650 summed)."""

ALL_NATIONALITIES = "All nationalities"
ALL_REGIONS = "All regions"


class DataImportError(ValueError):
    """A bad input file. Its message is one line naming the file, and the row and column where known."""

    def __init__(self, file: str, message: str, *, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column = file, row, column
        where = [str(file)]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


Origin = Callable[[int], tuple[str, int, str]]
"""Where the row at a position of an imported table was read: (file, spreadsheet row or CSV line, the
input's count column)."""


def duplicated(frame: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    """Which rows share their values in ``columns`` with another row (``DataFrame.duplicated(keep=False)``),
    from each column's integer codes (a category column's own): a few times faster on a stored table."""
    key, size = np.zeros(len(frame), dtype=np.int64), 1
    for column in columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes, count = values.cat.codes.to_numpy(), len(values.cat.categories)
        else:
            codes, uniques = pd.factorize(values)
            count = len(uniques)
        if size * (count + 1) >= 2**62:  # keep the combined key inside 64 bits: number its distinct values
            key = np.unique(key, return_inverse=True)[1].astype(np.int64)
            size = int(key.max()) + 1 if len(key) else 1
        key = key * (count + 1) + (codes.astype(np.int64) + 1)  # a missing value (-1) is a value of its own
        size *= count + 1
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inverse] > 1


class Encounters:
    """Schema of the tidy encounters table (one row: one count of one cell of one month, or of one fiscal
    year where the publisher gives its own annual figure: ``period``)."""

    source = "source"
    period = "period"  # MONTH or FISCAL_YEAR
    month = "month"  # calendar month, first day, datetime64; a fiscal-year row: the year's first (October)
    fiscal_year = "fiscal_year"
    region = "region"
    nationality = "nationality"  # one display name across sources (see nationalities.csv)
    citizenship = "citizenship"  # the source's own spelling
    component = "component"
    demographic = "demographic"
    title_of_authority = "title_of_authority"
    encounter_type = "encounter_type"
    area_of_responsibility = "area_of_responsibility"
    sector = "sector"
    encounters = "encounters"
    plotted = "plotted"  # what a chart plots when it is not the count itself (``measures``): float, NaN undefined

    DIMENSIONS = (
        region,
        nationality,
        citizenship,
        component,
        demographic,
        title_of_authority,
        encounter_type,
        area_of_responsibility,
        sector,
    )
    KEY = (source, period, month, *DIMENSIONS)
    COLUMNS = (source, period, month, fiscal_year, *DIMENSIONS, encounters)

    NARROWABLE = (component, demographic, title_of_authority, encounter_type, area_of_responsibility, sector)
    """Dimensions a row is either narrowed by (a filter) or summed over: all but where and who."""
    FILTERABLE = (component, demographic, area_of_responsibility, sector)
    """Dimensions a source may break out for a reader to filter by (``sources.Source.filters``)."""

    @classmethod
    def validate(cls, frame: pd.DataFrame, *, file: str, origin: Origin | None = None) -> pd.DataFrame:
        """Check columns, types, ranges and key uniqueness; return the frame in canonical order.

        ``origin`` says where the row at a position of ``frame`` was read: (file, row, count column), the
        row a spreadsheet row or a CSV line number. Without it the frame is taken to be a CSV with one
        header line (``file`` itself: the dataset's stored table). A table without ``period`` (written
        before the annual figures were imported) is all months.
        """
        if cls.period not in frame.columns:
            frame = frame.assign(**{cls.period: MONTH})
        missing = [c for c in cls.COLUMNS if c not in frame.columns]
        if missing:
            raise DataImportError(file, f"missing columns {missing}")
        frame = frame.loc[:, list(cls.COLUMNS)]
        if origin is None:

            def origin(position: int) -> tuple[str, int, str]:
                return file, position + 2, cls.encounters

        counts = frame[cls.encounters]
        if not pd.api.types.is_integer_dtype(counts):
            raise DataImportError(file, "encounter counts must be whole numbers", column=cls.encounters)
        if (counts < 0).any():
            where, row, column = origin(int(np.flatnonzero((counts < 0).to_numpy())[0]))
            raise DataImportError(where, "negative encounter count", row=row, column=column)
        if frame[cls.month].isna().any():
            raise DataImportError(file, "a month is missing", column=cls.month)
        for column in (cls.period, *cls.DIMENSIONS):
            if frame[column].isna().any():
                raise DataImportError(file, "missing value", column=column)
        unknown = ~frame[cls.period].isin(PERIODS)
        if unknown.any():
            value = frame[cls.period].iloc[int(np.flatnonzero(unknown.to_numpy())[0])]
            raise DataImportError(file, f"period {value!r} is not one of {list(PERIODS)}", column=cls.period)
        annual = (frame[cls.period] == FISCAL_YEAR).to_numpy()
        if annual.any():
            months = pd.DatetimeIndex(frame[cls.month].to_numpy()[annual])
            off = (months.month != 10) | (months.year != frame[cls.fiscal_year].to_numpy()[annual] - 1)
            if off.any():
                where, row, _ = origin(int(np.flatnonzero(annual)[np.flatnonzero(off)[0]]))
                raise DataImportError(
                    where, "a fiscal year's row must be dated its first month, October", row=row, column=cls.month
                )
        dupes = duplicated(frame, cls.KEY)
        if dupes.any():
            raise cls._duplicate_error(frame, np.flatnonzero(dupes), origin)
        return frame

    @classmethod
    def _duplicate_error(cls, frame: pd.DataFrame, positions: np.ndarray, origin: Origin) -> DataImportError:
        """The first two input rows that give a count for the same cell, named by their input lines."""
        keys = frame.iloc[positions][list(cls.KEY)].astype(str)
        same = (keys == keys.iloc[0]).all(axis=1).to_numpy()
        first, second = (int(p) for p in positions[same][:2])
        row = frame.iloc[first]
        when = f"FY{row[cls.fiscal_year]}" if row[cls.period] == FISCAL_YEAR else f"{row[cls.month]:%Y-%m}"
        cell = ", ".join(
            [str(row[cls.nationality]), str(row[cls.region]), when]
            + [str(row[c]) for c in cls.NARROWABLE if str(row[c]) not in (ALL, NOT_APPLICABLE)]
        )
        counts = [int(frame[cls.encounters].iloc[p]) for p in (first, second)]
        (file_one, row_one, column), (file_two, row_two, _) = origin(first), origin(second)
        if file_one == file_two:
            return DataImportError(
                file_one,
                f"rows {row_one} and {row_two} describe the same cell ({cell}) with counts {counts}",
                column=column,
            )
        return DataImportError(
            f"{file_one}, row {row_one} and {file_two}",
            f"the two rows describe the same cell ({cell}) with counts {counts}",
            row=row_two,
            column=column,
        )
