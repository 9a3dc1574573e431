"""Bounds on what an input file may cost to read, checked before any parser sees it.

An xlsx workbook is a zip of XML files, and a 1 MB one can hold a sheet that inflates to gigabytes, or
declare (or actually use) a 16384 x 1048576 range that a reader then allocates densely. ``check_xlsx``
looks at the zip itself, with only the standard library and a few MB of memory: its entry count, the
sizes its entries declare and their compression ratios; then it streams, with a byte cap, every part the
reader will parse (the used sheets, shared strings, styles, the workbook and its relationships), counting
rows and cells and the furthest cell reference as it goes, and reading each sheet's ``<dimension ref>``.
Whatever breaks a bound is a one-line ``DataImportError``. Text fields with control characters (NUL and
the like) are rejected too (``reject_control_characters``), naming file, row and column.

The bounds are far above the real files (the OHSS workbook: 26 entries, 11.8 MB inflated, ratios near 10,
at most 14,890 rows and 74,445 cells a sheet).
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from border_dashboard.data.schema import DataImportError

MAX_ENTRIES = 1_000  # parts of the zip
MAX_DECLARED_BYTES = 512 * 1024 * 1024  # the inflated sizes the zip declares, all parts together
MAX_RATIO = 250  # inflated / compressed size of one part (the real ones: 2 to 11)
MAX_PART_BYTES = 64 * 1024 * 1024  # bytes actually inflated from one part that is read
MAX_READ_BYTES = 256 * 1024 * 1024  # ... from all the parts read
MAX_SMALL_PART_BYTES = 4 * 1024 * 1024  # workbook.xml, its relationships, [Content_Types].xml
MAX_ROWS = 200_000  # rows of one sheet
MAX_CELLS = 1_000_000  # cells of one sheet: its range, from A1 to its furthest cell, as a reader holds it
MAX_TOTAL_CELLS = 2_000_000  # ... of all the sheets read
CHUNK = 1024 * 1024
MAX_CSV_LINES = 1_000_000  # a CSV's lines (CBP's Southwest file: 1,937), counted before it is parsed
MAX_CSV_CELLS = 12_000_000  # ... and its fields once parsed

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""C0 control characters and DEL, except tab, line feed and carriage return (a header reads 'Fiscal\\nYear')."""

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
READ_ON_OPEN = ("[Content_Types].xml", "_rels/.rels", WORKBOOK, WORKBOOK_RELS, "xl/sharedStrings.xml", "xl/styles.xml")
"""Parts a reader parses when it opens a workbook, besides the sheets asked for."""

_ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s>/])")
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s>/])")
_ROW_NUMBER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?(?<=\s)r=\"(\d{1,12})\"")
_CELL_REFERENCE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?(?<=\s)r=\"([A-Za-z]{1,8})(\d{1,12})\"")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?\bref=\"([^\"]{1,64})\"")
_RANGE = re.compile(r"^\$?([A-Za-z]{1,8})\$?(\d{1,12})(?::\$?([A-Za-z]{1,8})\$?(\d{1,12}))?$")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class SheetSize:
    """What streaming a sheet's XML found: its rows and cells, and the range from A1 to its furthest cell."""

    rows: int
    cells: int
    last_row: int
    last_column: int

    @property
    def extent(self) -> int:
        return self.last_row * self.last_column


def column_number(letters: str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def check_xlsx(data: bytes, sheets: Iterable[str], *, file: str) -> dict[str, SheetSize]:
    """Check a workbook's bytes against the bounds before it is parsed; the sizes of the named sheets.

    Raises a one-line DataImportError naming the file (and the sheet) for the first bound broken, and for
    a file that is not a zip, misses a part or a named sheet, or whose XML declares a DOCTYPE or entities.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise DataImportError(file, f"not a readable Excel workbook (not a zip archive: {error})") from None
    with archive:
        parts = _check_entries(archive, file=file)
        budget = [MAX_READ_BYTES]
        for name in READ_ON_OPEN:
            if name in parts:
                limit = MAX_PART_BYTES if name in ("xl/sharedStrings.xml", "xl/styles.xml") else MAX_SMALL_PART_BYTES
                _stream(data, parts[name], file=file, limit=limit, budget=budget)
        targets = _sheet_parts(data, parts, file=file)
        sizes, total = {}, 0
        for sheet in sheets:
            where = f"{file} [{sheet}]"
            if sheet not in targets:
                raise DataImportError(where, "sheet missing from the workbook")
            if targets[sheet] not in parts:
                raise DataImportError(where, f"the workbook names part {targets[sheet]!r}, which it does not hold")
            size = _stream(data, parts[targets[sheet]], file=where, limit=MAX_PART_BYTES, budget=budget, sheet=True)
            total += size.extent
            if total > MAX_TOTAL_CELLS:
                raise DataImportError(
                    where, f"the sheets read so far hold {total:,} cells, over the {MAX_TOTAL_CELLS:,}-cell limit"
                )
            sizes[sheet] = size
        return sizes


def _check_entries(archive: zipfile.ZipFile, *, file: str) -> dict[str, zipfile.ZipInfo]:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise DataImportError(file, f"the workbook has {len(entries):,} parts, over the {MAX_ENTRIES:,}-part limit")
    declared = sum(info.file_size for info in entries)
    if declared > MAX_DECLARED_BYTES:
        raise DataImportError(
            file, f"the workbook declares {declared:,} bytes inflated, over the {MAX_DECLARED_BYTES:,}-byte limit"
        )
    for info in entries:
        if info.flag_bits & 0x1:
            raise DataImportError(file, f"part {info.filename!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DataImportError(file, f"part {info.filename!r} uses an unsupported compression method")
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            raise DataImportError(
                file,
                f"part {info.filename!r} inflates {ratio:,.0f} times ({info.compress_size:,} to {info.file_size:,} "
                f"bytes), over the {MAX_RATIO}-times limit",
            )
    return {info.filename: info for info in entries}


class _Counter:
    """Rows, cells and an upper bound of the furthest cell of a sheet, from its tags, with regular
    expressions only (no loop over cells). A row or cell without an ``r`` attribute is the one after the
    previous, so the furthest row is at most the furthest one named plus the rows not named, and the
    furthest column at most the furthest one named plus the most cells of a row."""

    def __init__(self, file: str):
        self.file = file
        self.rows = self.cells = self.unnamed_rows = self.unnamed_cells = self.named_row = self.named_column = 0
        self.row_cells = self.widest = 0  # cells of the row being read, most cells of a row

    def feed(self, text: bytes) -> None:
        pieces = _ROW_START.split(text)  # before the first row tag: the rest of the row being read
        found = 0
        for number, piece in enumerate(pieces):
            cells = len(_CELL_START.findall(piece))
            if number:
                self.rows += 1
                self.row_cells = 0
            self.row_cells += cells
            self.widest = max(self.widest, self.row_cells)
            found += cells
        self.cells += found
        named_rows = [int(n) for n in _ROW_NUMBER.findall(text)]
        self.unnamed_rows += len(pieces) - 1 - len(named_rows)
        references = _CELL_REFERENCE.findall(text)
        self.unnamed_cells += found - len(references)
        self.named_row = max(self.named_row, *named_rows, *(int(n) for _, n in references), 0)
        letters = {letter.upper() for letter, _ in references}
        if letters:
            self.named_column = max(self.named_column, column_number(max(letters, key=lambda x: (len(x), x)).decode()))
        _check_size(self.rows, self.cells, self.last_row, self.last_column, file=self.file)

    @property
    def last_row(self) -> int:
        return self.named_row + self.unnamed_rows

    @property
    def last_column(self) -> int:
        return self.named_column + (self.widest if self.unnamed_cells else 0)

    @property
    def size(self) -> SheetSize:
        return SheetSize(self.rows, self.cells, self.last_row, self.last_column)


def _inflate(data: bytes, info: zipfile.ZipInfo, *, file: str) -> Iterator[bytes]:
    """A part's bytes, inflated here a chunk at a time from the zip's own bytes, whatever sizes it declares
    (zipfile would stop at the declared size; another reader might not): more than it declares is an error."""
    header = data[info.header_offset : info.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise DataImportError(file, f"not a readable Excel workbook (part {info.filename!r} has no local header)")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_length + extra_length
    compressed = memoryview(data)[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        chunks = (compressed[i : i + CHUNK].tobytes() for i in range(0, len(compressed), CHUNK))
    else:
        chunks = _inflate_deflate(compressed)
    done = 0
    for chunk in chunks:
        done += len(chunk)
        if done > info.file_size:
            raise DataImportError(
                file, f"part {info.filename!r} inflates to more than the {info.file_size:,} bytes it declares"
            )
        yield chunk


def _inflate_deflate(compressed: memoryview) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-15)
    for offset in range(0, len(compressed), CHUNK):
        pending = compressed[offset : offset + CHUNK].tobytes()
        while pending:
            chunk = inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
            if chunk:
                yield chunk
            if inflater.eof:
                return
    while not inflater.eof and (chunk := inflater.decompress(b"", CHUNK)):
        yield chunk


def _stream(
    data: bytes,
    info: zipfile.ZipInfo,
    *,
    file: str,
    limit: int,
    budget: list[int],
    sheet: bool = False,
) -> SheetSize | None:
    """Inflate one part in chunks, never more than ``limit`` bytes (nor the rest of ``budget``) nor more than
    it declares; for a sheet, check its declared range and count its rows and cells as it goes."""
    counter = _Counter(file) if sheet else None
    done, carry, first = 0, b"", True
    try:
        for chunk in _inflate(data, info, file=file):
            done += len(chunk)
            budget[0] -= len(chunk)
            if done > limit:
                raise DataImportError(file, f"part {info.filename!r} inflates to over {limit:,} bytes")
            if budget[0] < 0:
                raise DataImportError(file, f"the parts read inflate to over {MAX_READ_BYTES:,} bytes")
            text = carry + chunk
            cut = text.rfind(b"<")
            if cut >= 0 and text.find(b">", cut) < 0 and len(text) - cut < 4096:
                text, carry = text[:cut], text[cut:]  # a tag cut by the chunk's end: finish it next time
            else:
                carry = b""
            if _DOCTYPE.search(text):
                raise DataImportError(file, f"part {info.filename!r} declares a DOCTYPE or entities")
            if counter is not None:
                if first:
                    first = False
                    _check_dimension(text, file=file)
                counter.feed(text)
    except zlib.error as error:
        raise DataImportError(file, f"not a readable Excel workbook (part {info.filename!r}: {error})") from None
    return counter.size if counter is not None else None


def _check_size(rows: int, cells: int, last_row: int, last_column: int, *, file: str) -> None:
    if rows > MAX_ROWS or last_row > MAX_ROWS:
        raise DataImportError(file, f"the sheet has over {MAX_ROWS:,} rows (found {max(rows, last_row):,} so far)")
    if cells > MAX_CELLS:
        raise DataImportError(file, f"the sheet has over {MAX_CELLS:,} cells (found {cells:,} so far)")
    if last_row * last_column > MAX_CELLS:
        raise DataImportError(
            file,
            f"the sheet's cells reach row {last_row:,}, column {last_column:,}: a range of "
            f"{last_row * last_column:,} cells, over the {MAX_CELLS:,}-cell limit",
        )


def _check_dimension(head: bytes, *, file: str) -> None:
    """The range a sheet declares (``<dimension ref="A1:E14890"/>``, near its start), against the bounds."""
    found = _DIMENSION.search(head)
    if not found:
        return
    ref = found.group(1).decode("ascii", "replace")
    parsed = _RANGE.match(ref)
    if not parsed:
        raise DataImportError(file, f"the sheet declares a range {ref!r} that is not a cell range")
    first_column, first_row, last_column, last_row = parsed.groups()
    last_column, last_row = last_column or first_column, last_row or first_row
    columns = column_number(last_column) - column_number(first_column) + 1
    rows = int(last_row) - int(first_row) + 1
    if rows > MAX_ROWS or rows * columns > MAX_CELLS:
        raise DataImportError(
            file,
            f"the sheet declares a range of {columns:,} x {rows:,} cells ({ref}), over the limits of "
            f"{MAX_ROWS:,} rows and {MAX_CELLS:,} cells",
        )


def _sheet_parts(data: bytes, parts: dict[str, zipfile.ZipInfo], *, file: str) -> dict[str, str]:
    """Sheet name -> the zip part holding it, from the workbook and its relationships."""
    for name in (WORKBOOK, WORKBOOK_RELS):
        if name not in parts:
            raise DataImportError(file, f"not a readable Excel workbook (no {name})")
    workbook = _parse_small(data, parts[WORKBOOK], file=file)
    relationships = _parse_small(data, parts[WORKBOOK_RELS], file=file)
    targets = {}
    for relationship in relationships.iter(f"{{{PACKAGE_RELATIONSHIPS}}}Relationship"):
        target = relationship.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[relationship.get("Id")] = path
    return {
        sheet.get("name", ""): targets.get(sheet.get(f"{{{RELATIONSHIPS}}}id"), "")
        for sheet in workbook.iter(f"{{{MAIN}}}sheet")
    }


def _parse_small(data: bytes, info: zipfile.ZipInfo, *, file: str) -> ElementTree.Element:
    """A small part (already streamed within its bound and free of DOCTYPE), parsed."""
    data = b"".join(_inflate(data, info, file=file))
    if len(data) > MAX_SMALL_PART_BYTES or _DOCTYPE.search(data):
        raise DataImportError(
            file, f"part {info.filename!r} is over {MAX_SMALL_PART_BYTES:,} bytes or declares entities"
        )
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise DataImportError(file, f"not a readable Excel workbook ({info.filename}: {error})") from None


def first_control_character(values: Iterable) -> int | None:
    """Position of the first text value with a control character in it, or None (one regex over all of
    them first: the usual answer, None, costs one pass)."""
    values = list(values)
    texts = [v if isinstance(v, str) else "" for v in values]
    if not CONTROL_CHARACTERS.search("\n".join(texts)):
        return None
    return next(i for i, text in enumerate(texts) if CONTROL_CHARACTERS.search(text))


def control_character_error(value: str, *, file: str, row: int, column: str | None) -> DataImportError:
    found = CONTROL_CHARACTERS.search(value)
    code = f"U+{ord(found.group()):04X}" if found else "a control character"
    return DataImportError(file, f"text with control character {code} in it ({value[:40]!r})", row=row, column=column)
