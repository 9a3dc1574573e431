"""A corpus of bad and unusual input files, each made at test time from the real official files.

Every case is (name, builder, expected): the builder returns the file's bytes and suffix; ``expected`` is
a regular expression the one-line error must match, or ``VALID`` for a file that must import correctly.
"""

from __future__ import annotations

import io
from functools import cache

import pandas as pd

from tests.conftest import CBP_SWB_FILE, NATIONWIDE_SAMPLE, OHSS_FILE

VALID = None
HEADER_LINES = 1


@cache
def cbp_text() -> str:
    return CBP_SWB_FILE.read_text()


def _lines() -> list[str]:
    return cbp_text().splitlines(keepends=True)


def _with_cell(row: int, column: str, value: str) -> bytes:
    """The real CBP file with one cell replaced (row counted as a line number, header is line 1)."""
    frame = pd.read_csv(io.StringIO(cbp_text()), dtype=str, keep_default_na=False)
    frame.loc[row - 2, column] = value
    return frame.to_csv(index=False, lineterminator="\n").encode()


def _without_column(column: str, rename: str | None = None) -> bytes:
    frame = pd.read_csv(io.StringIO(cbp_text()), dtype=str, keep_default_na=False)
    frame = frame.rename(columns={column: rename}) if rename else frame.drop(columns=column)
    return frame.to_csv(index=False, lineterminator="\n").encode()


@cache
def small_workbook_sheets() -> dict[str, pd.DataFrame]:
    """The first 40 rows of each monthly sheet of the real workbook: a valid, small workbook."""
    from border_dashboard.data.importers import OHSS_SHEETS

    sheets = pd.read_excel(OHSS_FILE, sheet_name=list(OHSS_SHEETS), engine="calamine")
    return {name: frame.head(40) for name, frame in sheets.items()}


def workbook(change=None, drop: str | None = None) -> bytes:
    sheets = {name: frame.copy() for name, frame in small_workbook_sheets().items() if name != drop}
    if change:
        change(sheets)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def _set(sheet: str, row: int, column: str, value):
    def change(sheets):
        frame = sheets[sheet]
        frame[column] = frame[column].astype(object)
        frame.loc[row - 2, column] = value

    return change


def _repeat_row(sheet: str, row: int):
    """The sheet's spreadsheet row ``row`` once more, as its last row."""

    def change(sheets):
        frame = sheets[sheet]
        sheets[sheet] = pd.concat([frame, frame.iloc[[row - 2]]], ignore_index=True)

    return change


def _blank_and_broken_lines_then_duplicate() -> bytes:
    """A blank line after the header, a quoted line break in line 10's record, and line 2 repeated with
    another count at the end: line 2 is now line 3, and the repeat line 1940."""
    header, body = _with_cell(10, "Title of Authority", "Title\n8").decode().split("\n", 1)
    repeat = _lines()[1].replace(",1\n", ",7\n")
    return (header + "\n\n" + body + repeat).encode()


def _latin1_nationwide() -> bytes:
    text = NATIONWIDE_SAMPLE.read_text().replace('"MYANMAR (BURMA)"', "Côte d'Ivoire")
    return text.encode("latin-1")


CASES = [
    # (name, builder -> (bytes, suffix), expected error pattern or VALID)
    ("empty", lambda: (b"", ".csv"), r"the file is empty"),
    ("header-only", lambda: (_lines()[0].encode(), ".csv"), r"header but no rows"),
    ("semicolon-delimiter", lambda: (cbp_text().replace(",", ";").encode(), ".csv"), r"delimiter"),
    ("missing-column", lambda: (_without_column("Encounter Type"), ".csv"), r"missing column 'Encounter Type'"),
    ("renamed-column", lambda: (_without_column("Encounter Count", "Count"), ".csv"), r"column 'Encounter Count'"),
    (
        "non-numeric-count",
        lambda: (_with_cell(10, "Encounter Count", "many"), ".csv"),
        r"row 10, column 'Encounter Count': 'many'",
    ),
    ("negative-count", lambda: (_with_cell(11, "Encounter Count", "-5"), ".csv"), r"row 11, column 'Encounter Count'"),
    (
        "fractional-count",
        lambda: (_with_cell(12, "Encounter Count", "2.5"), ".csv"),
        r"row 12, column 'Encounter Count'",
    ),
    ("blank-count", lambda: (_with_cell(13, "Encounter Count", ""), ".csv"), r"row 13, column 'Encounter Count'"),
    (
        "unknown-month",
        lambda: (_with_cell(14, "Month (abbv)", "SMA"), ".csv"),
        r"row 14, column 'Month \(abbv\)': unknown month 'SMA'",
    ),
    (
        "fiscal-year-out-of-range",
        lambda: (_with_cell(15, "Fiscal Year", "1850"), ".csv"),
        r"row 15, column 'Fiscal Year'",
    ),
    ("fiscal-year-text", lambda: (_with_cell(16, "Fiscal Year", "FY twenty"), ".csv"), r"row 16, column 'Fiscal Year'"),
    (
        "unmapped-nationality",
        lambda: (_with_cell(17, "Citizenship Grouping", "Atlantis"), ".csv"),
        r"row 17, column 'Citizenship Grouping': unmapped nationality 'Atlantis'; add it to .*nationalities.csv",
    ),
    (
        "formula-in-text-cell",
        lambda: (_with_cell(18, "Citizenship Grouping", '=HYPERLINK("x")'), ".csv"),
        r"row 18, column 'Citizenship Grouping': unmapped nationality",
    ),
    (
        "formula-in-count",
        lambda: (_with_cell(19, "Encounter Count", "=1+1"), ".csv"),
        r"row 19, column 'Encounter Count'",
    ),
    (
        "duplicate-conflicting-rows",
        lambda: ((cbp_text() + _lines()[1].replace(",1\n", ",7\n")).encode(), ".csv"),
        r"duplicate-conflicting-rows\.csv, column 'Encounter Count': rows 2 and 1938 describe the same cell "
        r"\(El Salvador, Southwest Land Border, 2021-10, .*\) with counts \[1, 7\]",
    ),
    (
        # Lines as an editor counts them: a blank line (skipped by the reader) and a quoted line break.
        "duplicate-after-blank-and-broken-lines",
        lambda: (_blank_and_broken_lines_then_duplicate(), ".csv"),
        r"\.csv, column 'Encounter Count': rows 3 and 1940 describe the same cell .* with counts \[1, 7\]",
    ),
    ("binary-garbage", lambda: (b"\x00\x01\x02garbage" * 100, ".csv"), r"binary content"),
    ("not-a-cbp-file", lambda: (b"name,value\nx,1\n", ".csv"), r"not a CBP encounters file"),
    ("utf-8-bom", lambda: (b"\xef\xbb\xbf" + cbp_text().encode(), ".csv"), VALID),
    ("utf-16", lambda: (cbp_text().encode("utf-16"), ".csv"), VALID),
    ("crlf-line-ends", lambda: (cbp_text().replace("\n", "\r\n").encode(), ".csv"), VALID),
    ("latin-1-nationwide", lambda: (_latin1_nationwide(), ".csv"), VALID),
    ("small-valid-workbook", lambda: (workbook(), ".xlsx"), VALID),
    (
        "truncated-workbook",
        lambda: (OHSS_FILE.read_bytes()[: OHSS_FILE.stat().st_size // 2], ".xlsx"),
        r"not a readable Excel workbook",
    ),
    (
        "workbook-missing-sheet",
        lambda: (workbook(drop="Monthly Rgn and Citp"), ".xlsx"),
        r"\[Monthly Rgn and Citp\]: sheet missing",
    ),
    (
        "workbook-text-quantity",
        lambda: (workbook(_set("Monthly Region", 7, "Quantity", "n/a")), ".xlsx"),
        r"\[Monthly Region\], row 7, column 'Quantity': 'n/a'",
    ),
    (
        "workbook-unknown-month",
        lambda: (workbook(_set("Monthly Count", 5, "Month", "13 Smarch")), ".xlsx"),
        r"\[Monthly Count\], row 5, column 'Month': unknown month '13 Smarch'",
    ),
    (
        "workbook-duplicate-row",
        lambda: (workbook(_repeat_row("Monthly Region", 6)), ".xlsx"),
        r"\[Monthly Region\], column 'Quantity': rows 6 and 42 describe the same cell "
        r"\(All, Northern Land Border, 1999-11, U.S. Border Patrol\) with counts \[960, 960\]",
    ),
    (
        "workbook-duplicate-across-sheets",  # a region named 'All' is the Monthly Count sheet's cell
        lambda: (workbook(_set("Monthly Region", 2, "Region", "All")), ".xlsx"),
        r"\[Monthly Count\], row 2 and \S+ \[Monthly Region\], row 2, column 'Quantity': the two rows describe "
        r"the same cell \(All, All, 1999-10, U.S. Border Patrol\) with counts \[89810, 740\]",
    ),
    (
        "workbook-unmapped-citizenship",
        lambda: (workbook(_set("Monthly Citizenship", 3, "Citizenship", "Narnia")), ".xlsx"),
        r"\[Monthly Citizenship\], row 3, column 'Citizenship': unmapped nationality 'Narnia'",
    ),
]
