"""Numbers read straight from the official files, for tests to compare the code against.

Nothing here goes through the importers: the workbook is read with openpyxl (the importers use calamine),
its month labels ("03 December" of fiscal year 2024) are turned into calendar months from the month's own
name, and the CBP file is summed with plain pandas. A test that checks the dashboard's numbers against
these checks them against the source, not against the code's own arithmetic.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

import pandas as pd

from tests.conftest import CBP_SWB_FILE, OHSS_FILE

CHINA = "China, People's Republic"  # the workbook's spelling
SOUTHWEST = "Southwest Land Border"


def _calendar_month(fiscal_year: int, label: str) -> str:
    """'03 December' of FY2024 is December 2023: October to December belong to the next fiscal year."""
    month = datetime.strptime(label.split(" ", 1)[1], "%B").month
    return f"{fiscal_year - 1 if month >= 10 else fiscal_year}-{month:02d}"


SHEETS = ("Monthly Region", "Monthly Citizenship", "Monthly Rgn and Citp")  # the ones the tests read


@cache
def _ohss_sheets() -> dict[str, pd.DataFrame]:
    """Read in one go (openpyxl takes about as long for three sheets as for the two larger ones)."""
    return pd.read_excel(OHSS_FILE, sheet_name=list(SHEETS), engine="openpyxl")


@cache
def ohss_sheet(name: str) -> pd.DataFrame:
    """One monthly sheet of the OHSS workbook as published, plus a calendar ``month`` column (YYYY-MM)."""
    frame = _ohss_sheets()[name].copy()
    frame.columns = [str(c).replace("\n", " ") for c in frame.columns]
    frame["month"] = [_calendar_month(y, m) for y, m in zip(frame["Fiscal Year"], frame["Month"])]
    return frame


@cache
def _annual_sheet(name: str) -> pd.DataFrame:
    frame = pd.read_excel(OHSS_FILE, sheet_name=name, engine="openpyxl")
    frame.columns = [str(c).replace("\n", " ") for c in frame.columns]
    return frame


def ohss_annual(sheet: str, fiscal_year: int, **where: str) -> int:
    """The figure OHSS publishes for a whole fiscal year in one of its Annual sheets (one row, or an error)."""
    frame = _annual_sheet(sheet)
    rows = frame[frame["Fiscal Year"] == fiscal_year]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, (sheet, fiscal_year, where, len(rows))
    return int(rows["Quantity"].iloc[0])


def ohss_monthly(sheet: str, start: str = "2022-01", end: str = "2024-12", **where: str) -> pd.Series:
    """The workbook's monthly Quantity for the rows matching ``where`` (column=value), by calendar month."""
    frame = ohss_sheet(sheet)
    rows = frame[(frame["month"] >= start) & (frame["month"] <= end)]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows.groupby("month")["Quantity"].sum()


@cache
def cbp_file() -> pd.DataFrame:
    """The CBP Southwest file as published, plus a calendar ``month`` column (YYYY-MM)."""
    frame = pd.read_csv(CBP_SWB_FILE, dtype={"Fiscal Year": str})
    month = pd.to_datetime(frame["Month (abbv)"], format="%b").dt.month
    year = frame["Fiscal Year"].str[:4].astype(int) - (month >= 10)  # "2025 (FYTD)" is FY2025
    frame["month"] = [f"{y}-{m:02d}" for y, m in zip(year, month)]
    return frame


def cbp_total(month: str, **where: str) -> int:
    """The sum of the CBP file's Encounter Count in a calendar month for the rows matching ``where``."""
    frame = cbp_file()
    rows = frame[frame["month"] == month]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return int(rows["Encounter Count"].sum())
