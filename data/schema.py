"""The one tidy table every source is imported into, declared in one place.

Column names live here and only here: every other module spells a column as ``Encounters.<name>``.
The facts about each source (publisher, page, files) are in ``sources``.
"""

from __future__ import annotations

import pandas as pd

ALL = "All"
"""Value of a dimension in a row that is the publisher's own total over that dimension.

OHSS rounds every cell to the nearest 10, so a total is never made by adding rounded parts: the
workbook's total sheets are imported as rows whose summed-over dimensions read ``ALL``.
"""

NOT_APPLICABLE = ""
"""Value of a dimension that a source does not have (OHSS has no title of authority, for example)."""

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


class Encounters:
    """Schema of the tidy encounters table (one row: one count of one cell of one month)."""

    source = "source"
    month = "month"  # calendar month, first day, datetime64
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
    KEY = (source, month, *DIMENSIONS)
    COLUMNS = (source, month, fiscal_year, *DIMENSIONS, encounters)

    NARROWABLE = (component, demographic, title_of_authority, encounter_type, area_of_responsibility, sector)
    """Dimensions a row is either narrowed by (a filter) or summed over: all but where and who."""
    FILTERABLE = (component, demographic, area_of_responsibility, sector)
    """Dimensions a source may break out for a reader to filter by (``sources.Source.filters``)."""

    @classmethod
    def validate(cls, frame: pd.DataFrame, *, file: str) -> pd.DataFrame:
        """Check columns, types, ranges and key uniqueness; return the frame in canonical order."""
        missing = [c for c in cls.COLUMNS if c not in frame.columns]
        if missing:
            raise DataImportError(file, f"missing columns {missing}")
        frame = frame.loc[:, list(cls.COLUMNS)]
        counts = frame[cls.encounters]
        if not pd.api.types.is_integer_dtype(counts):
            raise DataImportError(file, "encounter counts must be whole numbers", column=cls.encounters)
        if (counts < 0).any():
            bad = int(counts.index[counts < 0][0])
            raise DataImportError(file, "negative encounter count", row=bad, column=cls.encounters)
        if frame[cls.month].isna().any():
            raise DataImportError(file, "a month is missing", column=cls.month)
        for column in cls.DIMENSIONS:
            if frame[column].isna().any():
                raise DataImportError(file, "missing value", column=column)
        dupes = frame.duplicated(list(cls.KEY), keep=False)
        if dupes.any():
            first = frame[dupes].iloc[0]
            rows = frame.index[dupes][:2].tolist()
            raise DataImportError(
                file,
                f"rows {rows} describe the same cell ({first[cls.nationality]}, {first[cls.region]}, "
                f"{first[cls.month]:%Y-%m}) with counts {frame.loc[rows, cls.encounters].tolist()}",
            )
        return frame
