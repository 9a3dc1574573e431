"""Raw official file -> tidy table (one per source), validated against the schema.

Each reader loads one published shape, renames strictly, converts fiscal months to calendar months and
maps every citizenship spelling through the one crosswalk. Nothing here writes to disk.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from border_dashboard.data import limits
from border_dashboard.data.schema import ALL, FISCAL_YEAR, MONTH, NOT_APPLICABLE, DataImportError
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.sources import CBP_NATIONWIDE, CBP_SWB, OHSS_USBP

CROSSWALK_FILE = Path(str(resources.files(__package__) / "nationalities.csv"))
MAX_INPUT_BYTES = 50 * 1024 * 1024
FISCAL_YEAR_RANGE = (1990, 2100)
MONTH_ABBREVIATIONS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
BORDER_PATROL = "U.S. Border Patrol"

# The OHSS sheets that are read, and which dimensions each one breaks out (the rest are its totals).
OHSS_MONTHLY_SHEETS = {
    "Monthly Count": (),
    "Monthly Region": ("Region",),
    "Monthly Citizenship": ("Citizenship",),
    "Monthly Rgn and Citp": ("Region", "Citizenship"),
    "Monthly Sector": ("Sector",),
    "Monthly Rgn and Sector": ("Region", "Sector"),
    "Monthly Family Status": ("Family Status",),
    "Monthly Rgn and Fam Status": ("Region", "Family Status"),
}
# Each monthly sheet's annual twin: the publisher's own fiscal-year figures (rounded once, so not the sum of
# the rounded months), imported as rows of period FISCAL_YEAR.
OHSS_ANNUAL_SHEETS = {name.replace("Monthly", "Annual", 1): dims for name, dims in OHSS_MONTHLY_SHEETS.items()}
OHSS_SHEETS = {**OHSS_MONTHLY_SHEETS, **OHSS_ANNUAL_SHEETS}
OHSS_DIMENSION_COLUMNS = {
    "Region": E.region,
    "Citizenship": E.citizenship,
    "Sector": E.sector,
    "Family Status": E.demographic,
}

# Headers of the two CBP shapes, in their published form; snake_case copies are accepted too.
CBP_SWB_COLUMNS = {
    "Fiscal Year": E.fiscal_year,
    "Month Grouping": None,
    "Month (abbv)": E.month,
    "Component": E.component,
    "Demographic": E.demographic,
    "Citizenship Grouping": E.citizenship,
    "Title of Authority": E.title_of_authority,
    "Encounter Type": E.encounter_type,
    "Encounter Count": E.encounters,
}
CBP_NATIONWIDE_COLUMNS = {
    "Fiscal Year": E.fiscal_year,
    "Month Grouping": None,
    "Month (abbv)": E.month,
    "Component": E.component,
    "Land Border Region": E.region,
    "Area of Responsibility": E.area_of_responsibility,
    "AOR (Abbv)": None,
    "Demographic": E.demographic,
    "Citizenship": E.citizenship,
    "Title of Authority": E.title_of_authority,
    "Encounter Type": E.encounter_type,
    "Encounter Count": E.encounters,
}


@dataclass(frozen=True)
class ImportedSource:
    """A validated tidy table with the facts its provenance record needs."""

    name: str
    table: pd.DataFrame
    file: Path
    sha256: str
    rows_read: int


def snake_case(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def fiscal_to_calendar(fiscal_year: pd.Series, fiscal_month: pd.Series) -> pd.Series:
    """FY N month 1 is October of N-1; month 12 is September of N."""
    calendar_month = (fiscal_month + 8) % 12 + 1
    calendar_year = fiscal_year - (calendar_month >= 10).astype(int)
    return pd.to_datetime({"year": calendar_year, "month": calendar_month, "day": 1}).astype("datetime64[s]")


def normalize_spelling(spelling: str) -> str:
    """How spellings are compared: case and runs of spaces do not matter."""
    return " ".join(str(spelling).split()).casefold()


@lru_cache(maxsize=4)
def load_crosswalk(path: Path = CROSSWALK_FILE) -> dict[str, str]:
    """Spelling (case- and space-insensitive) -> display name; every display name maps to itself."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    mapping = {normalize_spelling(name): name for name in table["nationality"]}
    mapping.update({normalize_spelling(s): n for s, n in zip(table["spelling"], table["nationality"])})
    return mapping


def reject_first(
    bad: pd.Series, values: pd.Series, message, *, file: str, column: str, row_offset: int | np.ndarray
) -> None:
    """Raise for the first row where ``bad`` holds: one line naming the file, row and column.

    ``row_offset``: the input row of position 0 (rows then follow one another), or each position's row."""
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        row = position + row_offset if isinstance(row_offset, int) else int(row_offset[position])
        raise DataImportError(file, message(values.iloc[position]), row=row, column=column)


def map_nationalities(spellings: pd.Series, *, file: str, column: str, row_offset: int | np.ndarray) -> pd.Series:
    """Map spellings to display names; an unmapped one is an error that says which file to edit."""
    crosswalk = load_crosswalk()
    normal = spellings.map(normalize_spelling)
    mapped = normal.map(crosswalk)
    reject_first(
        mapped.isna(),
        spellings,
        lambda v: f"unmapped nationality {v!r}; add it to {CROSSWALK_FILE}",
        file=file,
        column=column,
        row_offset=row_offset,
    )
    return mapped


def _whole_numbers(values: pd.Series, *, file: str, column: str, row_offset: int | np.ndarray) -> pd.Series:
    """Counts as int64; text, fractions, blanks and negatives are errors naming the first bad cell."""
    text = values.astype(str).str.strip().str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna() | (numbers % 1 != 0) | (numbers < 0)
    reject_first(
        bad,
        values,
        lambda v: f"{v!r} is not a whole, non-negative count",
        file=file,
        column=column,
        row_offset=row_offset,
    )
    return numbers.astype("int64")


def _fiscal_years(values: pd.Series, *, file: str, column: str, row_offset: int | np.ndarray) -> pd.Series:
    """`2024` or `2025 (FYTD)` -> 2024, 2025; anything else, or out of range, is an error."""
    text = values.astype(str).str.strip()
    digits = text.str.extract(r"^(\d{4})(?:\.0)?(?:\s*\(FYTD\))?$", expand=False)
    years = pd.to_numeric(digits, errors="coerce")
    low, high = FISCAL_YEAR_RANGE
    bad = years.isna() | (years < low) | (years > high)
    reject_first(
        bad,
        values,
        lambda v: f"fiscal year {v!r} is not a year between {low} and {high}",
        file=file,
        column=column,
        row_offset=row_offset,
    )
    return years.astype("int64")


def _check_size(path: Path) -> None:
    if not path.is_file():
        raise DataImportError(str(path), "no such file")
    size = path.stat().st_size
    if size == 0:
        raise DataImportError(str(path), "the file is empty")
    if size > MAX_INPUT_BYTES:
        raise DataImportError(str(path), f"{size:,} bytes is over the {MAX_INPUT_BYTES:,}-byte limit")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


CHECKSUMS_FILE = "SHA256SUMS"
NOTES_SUFFIXES = (".md", ".txt")  # a folder's notes (README.md): never data


def read_checksums(path: Path) -> dict[str, str]:
    """A ``sha256sum`` list (``DIGEST  NAME`` a line, ``*NAME`` for binary mode) as name -> digest."""
    path = Path(path)
    _check_size(path)
    listed = {}
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        match = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+)", line)
        if not match:
            raise DataImportError(str(path), f"not a sha256sum line: {line[:60]!r}", row=number)
        digest, name = match.group(1).lower(), match.group(2)
        if listed.get(name, digest) != digest:
            raise DataImportError(str(path), f"lists {name} twice with different digests", row=number)
        listed[name] = digest
    return listed


# --- OHSS workbook --------------------------------------------------------------------------------


def read_ohss_workbook(path: Path) -> ImportedSource:
    """The OHSS KHSM 'CBP Encounters - USBP' workbook: its eight monthly sheets and their eight annual
    twins into one tidy table (rows of period MONTH and FISCAL_YEAR)."""
    path = Path(path)
    _check_size(path)
    data = path.read_bytes()
    sheets = _read_sheets(data, list(OHSS_SHEETS), file=str(path))
    parts, labels, rows = [], [], []
    for sheet, broken_out in OHSS_SHEETS.items():
        frame, sheet_rows = sheets[sheet]
        label = f"{path} [{sheet}]"
        parts.append(_ohss_sheet(frame, sheet_rows, broken_out, annual=sheet in OHSS_ANNUAL_SHEETS, file=label))
        labels.append(label)
        rows.append(sheet_rows)
    table = pd.concat(parts, ignore_index=True)
    which = np.repeat(np.arange(len(parts)), [len(part) for part in parts])
    lines = np.concatenate(rows)

    def origin(position: int) -> tuple[str, int, str]:
        return labels[which[position]], int(lines[position]), "Quantity"

    table = E.validate(table, file=str(path), origin=origin)
    rows_read = int(sum(len(part) for part in parts))
    return ImportedSource(OHSS_USBP.name, _canonical(table), path, hashlib.sha256(data).hexdigest(), rows_read)


def _read_sheets(data: bytes, names: list[str], *, file: str) -> dict[str, tuple[pd.DataFrame, np.ndarray]]:
    """Only the named sheets of a workbook's bytes, each as a frame of its cells under its header row (the
    first row with anything in it) and the spreadsheet row number of each of the frame's rows. Rows with
    nothing in them are left out. The zip is checked against ``limits`` before anything parses it."""
    limits.check_xlsx(data, names, file=file)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own types for zip, xml and format errors
        raise DataImportError(file, f"not a readable Excel workbook ({_one_line(error)})") from None
    try:
        sheets = {}
        for name in names:
            where = f"{file} [{name}]"
            try:
                cells = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as error:
                raise DataImportError(where, f"not a readable sheet ({_one_line(error)})") from None
            if len(cells) > limits.MAX_ROWS + 1:
                raise DataImportError(where, f"the sheet has over {limits.MAX_ROWS:,} rows")
            filled = [number for number, row in enumerate(cells, start=1) if any(c != "" for c in row)]
            if not filled:
                raise DataImportError(where, "the sheet is empty")
            header = cells[filled[0] - 1]
            width = max((i + 1 for i, c in enumerate(header) if c != ""), default=0)
            _reject_control_characters(cells, filled, [" ".join(str(c).split()) for c in header], file=where)
            body = filled[1:]
            frame = pd.DataFrame(
                [cells[number - 1][:width] for number in body], columns=[str(c) for c in header[:width]], dtype=object
            )
            sheets[name] = (frame, np.asarray(body, dtype=np.int64))
        return sheets
    finally:
        workbook.close()


def _reject_control_characters(cells: list[list], filled: list[int], header: list[str], *, file: str) -> None:
    """The first text cell with a control character in it (NUL and the like) is an error naming its
    spreadsheet row and column."""
    flat = [value for number in filled for value in cells[number - 1]]
    position = limits.first_control_character(flat)
    if position is None:
        return
    for number in filled:
        row = cells[number - 1]
        if position < len(row):
            column = header[position] if position < len(header) and header[position] else _column_letters(position)
            raise limits.control_character_error(row[position], file=file, row=number, column=column)
        position -= len(row)


def _column_letters(index: int) -> str:
    """0 -> 'A', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__


def _ohss_sheet(
    sheet: pd.DataFrame, rows: np.ndarray, broken_out: tuple[str, ...], *, annual: bool, file: str
) -> pd.DataFrame:
    headers = {" ".join(str(c).split()): c for c in sheet.columns}  # 'Fiscal\nYear' -> 'Fiscal Year'
    expected = ["Fiscal Year", *([] if annual else ["Month"]), *broken_out, "Quantity"]
    for name in expected:
        if name not in headers:
            raise DataImportError(file, f"missing column {name!r} (found {list(headers)})")
    unexpected = [h for h in headers if h not in expected]
    if unexpected:
        raise DataImportError(file, f"unexpected columns {unexpected}")
    if sheet.empty:
        raise DataImportError(file, "the sheet has a header but no rows")
    frame = sheet.rename(columns={v: k for k, v in headers.items()})
    fiscal_year = _fiscal_years(frame["Fiscal Year"], file=file, column="Fiscal Year", row_offset=rows)
    if annual:
        fiscal_month = pd.Series(1, index=frame.index, dtype="int64")  # a fiscal year is dated its October
    else:
        month_text = frame["Month"].astype(str).str.strip()
        fiscal_month = pd.to_numeric(month_text.str.extract(r"^(\d{1,2})\s+[A-Za-z]+$", expand=False))
        bad = fiscal_month.isna() | (fiscal_month < 1) | (fiscal_month > 12)
        reject_first(bad, frame["Month"], lambda v: f"unknown month {v!r}", file=file, column="Month", row_offset=rows)
    out = pd.DataFrame(
        {
            E.source: OHSS_USBP.name,
            E.period: FISCAL_YEAR if annual else MONTH,
            E.month: fiscal_to_calendar(fiscal_year, fiscal_month.astype("int64")),
            E.fiscal_year: fiscal_year,
            E.region: ALL,
            E.nationality: ALL,
            E.citizenship: ALL,
            E.component: BORDER_PATROL,
            E.demographic: ALL,
            E.title_of_authority: NOT_APPLICABLE,
            E.encounter_type: NOT_APPLICABLE,
            E.area_of_responsibility: NOT_APPLICABLE,
            E.sector: ALL,
            E.encounters: _whole_numbers(frame["Quantity"], file=file, column="Quantity", row_offset=rows),
        }
    )
    for name in broken_out:
        values = frame[name].astype(str).str.strip()
        reject_first(
            frame[name].isna() | (values == ""),
            values,
            lambda v: "empty value",
            file=file,
            column=name,
            row_offset=rows,
        )
        out[OHSS_DIMENSION_COLUMNS[name]] = values
    if "Citizenship" in broken_out:
        out[E.nationality] = map_nationalities(out[E.citizenship], file=file, column="Citizenship", row_offset=rows)
    return out


# --- CBP CSV files --------------------------------------------------------------------------------


def read_cbp_csv(path: Path) -> ImportedSource:
    """A CBP encounters CSV, either the Southwest Land Border or the Nationwide shape."""
    path = Path(path)
    _check_size(path)
    file = str(path)
    raw = path.read_bytes()
    text = _decode(raw, file=file)
    lines = text.count("\n")
    if lines > limits.MAX_CSV_LINES:
        raise DataImportError(file, f"{lines:,} lines, over the {limits.MAX_CSV_LINES:,}-line limit")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as error:
        raise DataImportError(file, f"not a readable CSV ({' '.join(str(error).split())})") from None
    if len(frame.columns) * len(frame) > limits.MAX_CSV_CELLS:
        raise DataImportError(
            file, f"{len(frame.columns) * len(frame):,} cells, over the {limits.MAX_CSV_CELLS:,} limit"
        )
    _reject_csv_control_characters(frame, text, file=file)
    headers = {snake_case(c): c for c in frame.columns}
    if "citizenship_grouping" in headers:
        name, columns = CBP_SWB.name, CBP_SWB_COLUMNS
    elif "citizenship" in headers:
        name, columns = CBP_NATIONWIDE.name, CBP_NATIONWIDE_COLUMNS
    else:
        raise DataImportError(
            file,
            "not a CBP encounters file: no 'Citizenship Grouping' or 'Citizenship' column "
            f"(found {list(frame.columns)[:6]}); is the delimiter a comma?",
        )
    wanted = {snake_case(published): published for published in columns}
    missing = [published for key, published in wanted.items() if key not in headers]
    if missing:
        raise DataImportError(file, f"missing column {missing[0]!r}", column=missing[0])
    unexpected = [headers[key] for key in headers if key not in wanted]
    if unexpected:
        raise DataImportError(file, f"unexpected column {unexpected[0]!r}", column=unexpected[0])
    if frame.empty:
        raise DataImportError(file, "the file has a header but no rows")
    frame = frame.rename(columns={headers[key]: published for key, published in wanted.items()})
    offset = 2  # line number of the first data row
    fiscal_year = _fiscal_years(frame["Fiscal Year"], file=file, column="Fiscal Year", row_offset=offset)
    abbreviation = frame["Month (abbv)"].str.strip().str.upper()
    month_number = abbreviation.map({a: i + 1 for i, a in enumerate(MONTH_ABBREVIATIONS)})
    reject_first(
        month_number.isna(),
        frame["Month (abbv)"],
        lambda v: f"unknown month {v!r}",
        file=file,
        column="Month (abbv)",
        row_offset=offset,
    )
    month_number = month_number.astype("int64")
    calendar_year = fiscal_year - (month_number >= 10).astype("int64")
    out = pd.DataFrame(
        {
            E.source: name,
            E.period: MONTH,
            E.month: pd.to_datetime({"year": calendar_year, "month": month_number, "day": 1}).astype("datetime64[s]"),
            E.fiscal_year: fiscal_year,
            E.region: "Southwest Land Border",
            E.area_of_responsibility: NOT_APPLICABLE,
            E.sector: NOT_APPLICABLE,
        }
    )
    for published, column in columns.items():
        if column in (None, E.fiscal_year, E.month, E.encounters):
            continue
        values = frame[published].str.strip()
        reject_first(values == "", values, lambda v: "empty value", file=file, column=published, row_offset=offset)
        out[column] = values
    citizenship_column = "Citizenship Grouping" if name == CBP_SWB.name else "Citizenship"
    out[E.nationality] = map_nationalities(out[E.citizenship], file=file, column=citizenship_column, row_offset=offset)
    out[E.encounters] = _whole_numbers(frame["Encounter Count"], file=file, column="Encounter Count", row_offset=offset)
    table = E.validate(out, file=file, origin=lambda position: (file, csv_line(text, position), "Encounter Count"))
    return ImportedSource(name, _canonical(table), path, hashlib.sha256(raw).hexdigest(), len(frame))


def _reject_csv_control_characters(frame: pd.DataFrame, text: str, *, file: str) -> None:
    """The first field with a control character in it (NUL and the like) is an error naming its line and
    column. One search over the whole text first: a clean file costs one pass."""
    found = limits.CONTROL_CHARACTERS.search(text)
    if not found:
        return
    header = limits.first_control_character(frame.columns)
    if header is not None:
        raise limits.control_character_error(str(frame.columns[header]), file=file, row=1, column=None)
    for column in frame.columns:
        position = limits.first_control_character(frame[column])
        if position is not None:
            value = frame[column].iloc[position]
            raise limits.control_character_error(value, file=file, row=csv_line(text, position), column=column)
    line = text.count("\n", 0, found.start()) + 1  # outside any field the reader kept
    raise limits.control_character_error(text[found.start() : found.start() + 40], file=file, row=line, column=None)


def csv_line(text: str, position: int) -> int:
    """The line number a CSV's data record (0 the first after the header) starts on, counted as an editor
    counts lines: quoted line breaks and blank lines (which the reader skips) are counted too. Only
    worked out for an error message."""
    reader = csv.reader(io.StringIO(text))
    record, start = -1, 1
    for fields in reader:
        if fields:
            if record == position:
                return start
            record += 1
        start = reader.line_num + 1
    return position + 2


def _decode(raw: bytes, *, file: str) -> str:
    """UTF-8 (with or without a byte-order mark), UTF-16 with a BOM, or Latin-1 as a last resort."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if b"\x00" in raw[:4096]:
        raise DataImportError(file, "binary content, not a CSV text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_source_file(path: Path) -> ImportedSource:
    """Dispatch on the file's content: a zip (xlsx) workbook or a CSV."""
    path = Path(path)
    _check_size(path)
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xls"):
        return read_ohss_workbook(path)
    return read_cbp_csv(path)


def _canonical(table: pd.DataFrame) -> pd.DataFrame:
    """Rows in key order, so that the same input always gives the same bytes."""
    return table.sort_values(list(E.KEY), kind="stable", ignore_index=True)


__all__ = ["ImportedSource", "read_cbp_csv", "read_checksums", "read_ohss_workbook", "read_source_file"]
