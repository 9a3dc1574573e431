"""Hostile input files, built here with zipfile and zlib: each fails in one line naming the file, within a
few seconds and a few hundred MB, before any parser holds it (data/limits.py), and a failed import leaves
the dataset as it was.

Time and memory are measured in a fresh Python process (``resource.getrusage``), so that what one file
costs is not hidden by what the test session already holds.
"""

from __future__ import annotations

import io
import json
import random
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from border_dashboard.data import importers, limits
from border_dashboard.data.schema import DataImportError
from tests.bad_inputs import _with_cell, workbook
from tests.conftest import snapshot

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SECONDS = 10.0  # the machine is shared; alone, each file fails in well under a second
PEAK_MB = 400  # maximum resident size of the whole process, Python, pandas and numpy included


@dataclass
class Part:
    """One zip entry, written as given: ``payload`` already compressed when ``method`` is deflate, and the
    inflated size and CRC the entry declares (which a hostile file may lie about)."""

    name: str
    payload: bytes
    method: int
    declared: int
    crc: int


def stored(name: str, data: bytes) -> Part:
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Part(name, deflate.compress(data) + deflate.flush(), zipfile.ZIP_DEFLATED, len(data), zlib.crc32(data))


def zip_of(parts: list[Part]) -> bytes:
    """A zip archive, by hand (zipfile would compress honestly and declare true sizes)."""
    out, central = io.BytesIO(), io.BytesIO()
    for part in parts:
        name = part.name.encode()
        offset = out.tell()
        sizes = (part.crc, len(part.payload), part.declared & 0xFFFFFFFF, len(name), 0)
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, part.method, 0, 33, *sizes))
        out.write(name + part.payload)
        central.write(
            struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, part.method, 0, 33, *sizes, 0, 0, 0, 0, offset)
        )
        central.write(name)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central.getvalue()), start, 0))
    return out.getvalue()


@cache
def valid_parts(notes: bool = False) -> tuple[dict[str, bytes], dict[str, str]]:
    """The parts of a small valid workbook (the real one's first rows), and each sheet's part name;
    ``notes``: with a 17th sheet, 'Notes', that the importer does not use."""
    change = (lambda sheets: sheets.update(Notes=pd.DataFrame({"note": ["not data"]}))) if notes else None
    with zipfile.ZipFile(io.BytesIO(workbook(change))) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    rels = {}
    for found in re.finditer(rb"<Relationship [^>]*>", parts["xl/_rels/workbook.xml.rels"]):
        tag = found.group()
        rels[re.search(rb'Id="([^"]+)"', tag).group(1)] = re.search(rb'Target="([^"]+)"', tag).group(1)
    sheets = {}
    for found in re.finditer(rb"<sheet [^>]*>", parts["xl/workbook.xml"]):
        tag = found.group()
        target = rels[re.search(rb'r:id="([^"]+)"', tag).group(1)].decode().lstrip("/")
        sheets[re.search(rb'name="([^"]+)"', tag).group(1).decode()] = (
            target if target.startswith("xl/") else f"xl/{target}"
        )
    return parts, sheets


def workbook_with(
    sheet: str = "Monthly Count", part: Part | None = None, extra: list[Part] = (), *, notes: bool = False
) -> bytes:
    """The small valid workbook with one sheet's part replaced by ``part``, and ``extra`` parts added."""
    parts, sheets = valid_parts(notes)
    built = []
    for name, data in parts.items():
        if part is not None and name == sheets[sheet]:
            built.append(Part(name, part.payload, part.method, part.declared, part.crc))
        else:
            built.append(stored(name, data))
    return zip_of([*built, *extra])


def sheet_xml(body: bytes, head: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0"?><worksheet xmlns="'
        + MAIN.encode()
        + b'">'
        + head
        + b"<sheetData>"
        + body
        + b"</sheetData></worksheet>"
    )


def inflating_sheet(gigabytes: float, *, honest: bool) -> Part:
    """A sheet of spaces that inflates to ``gigabytes`` from about a thousandth of that: one deflated
    megabyte of spaces, fully flushed (so it refers to nothing before it), repeated. ``honest``: it declares
    its true size; else it declares a small one."""
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = b'<?xml version="1.0"?><worksheet xmlns="' + MAIN.encode() + b'"><sheetData>'
    prefix = head.compress(start) + head.flush(zlib.Z_FULL_FLUSH)
    block = head.compress(b" " * (1 << 20)) + head.flush(zlib.Z_FULL_FLUSH)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    suffix = tail.compress(b"</sheetData></worksheet>") + tail.flush()
    count = int(gigabytes * 1024)
    size = len(start) + count * (1 << 20) + len(b"</sheetData></worksheet>")
    declared = size if honest else 4096
    return Part("", prefix + block * count + suffix, zipfile.ZIP_DEFLATED, min(declared, 0xFFFFFFFF), 0)


def random_letters(count: int) -> bytes:
    """Letters that hardly compress (a fixed seed: the same file each run)."""
    return bytes(random.Random(7).choices(b"abcdefghijklmnopqrstuvwxyz", k=count))


def many_cells(count: int) -> bytes:
    """Cells without references, each with its own number (so that they do not compress too well)."""
    return b"".join(b"<c><v>%d</v></c>" % i for i in range(count))


def rows_sheet(rows: int) -> bytes:
    return sheet_xml(b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, rows + 1)))


def honest(data: bytes) -> Part:
    """A part that declares its true size."""
    return stored("", data)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><sst xmlns="' + MAIN.encode() + b'" count="1" '
    b'uniqueCount="1"><si><t>&lol3;</t></si></sst>'
)


def _nul_in_month() -> bytes:
    parts, sheets = valid_parts()
    xml = parts[sheets["Monthly Count"]].replace(b"01 October", b"01 Oct_x0000_ober", 1)  # OOXML's escape of NUL
    return workbook_with(part=honest(xml))


HOSTILE = [
    # (name, builder -> (bytes, suffix), pattern of the one-line error)
    (
        "sheet-inflating-to-2-GB-declaring-4-kB",
        lambda: (workbook_with(part=inflating_sheet(2, honest=False)), ".xlsx"),
        r"\[Monthly Count\]: part 'xl/worksheets/sheet1\.xml' inflates to more than the 4,096 bytes it declares",
    ),
    (
        "sheet-inflating-to-3-GB-declaring-it",
        lambda: (workbook_with(part=inflating_sheet(3, honest=True)), ".xlsx"),
        r"declares 3,221,\d{3},\d{3} bytes inflated, over the 536,870,912-byte limit",
    ),
    (
        "sheet-of-100-MB-inflating-130-times",  # within the declared total and the ratio: streamed, capped
        lambda: (workbook_with(part=honest(sheet_xml(b" " * (99 << 20) + random_letters(1 << 20)))), ".xlsx"),
        r"\[Monthly Count\]: part 'xl/worksheets/sheet1\.xml' inflates to over 67,108,864 bytes",
    ),
    (
        "part-inflating-1000-times",
        lambda: (workbook_with(part=honest(sheet_xml(b" " * (50 << 20)))), ".xlsx"),
        r"part 'xl/worksheets/sheet1\.xml' inflates 1,0\d\d times .* over the 250-times limit",
    ),
    (
        "declared-16384-x-1048576-range",
        lambda: (
            workbook_with(
                part=honest(sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row>', b'<dimension ref="A1:XFD1048576"/>'))
            ),
            ".xlsx",
        ),
        r"\[Monthly Count\]: the sheet declares a range of 16,384 x 1,048,576 cells \(A1:XFD1048576\)",
    ),
    (
        "one-cell-at-XFD1048576",
        lambda: (
            workbook_with(part=honest(sheet_xml(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))),
            ".xlsx",
        ),
        r"\[Monthly Count\]: the sheet has over 200,000 rows",
    ),
    (
        "one-cell-at-XFD100",
        lambda: (workbook_with(part=honest(sheet_xml(b'<row r="100"><c r="XFD100"><v>1</v></c></row>'))), ".xlsx"),
        r"the sheet's cells reach row 100, column 16,384: a range of 1,638,400 cells",
    ),
    (
        "300000-rows",
        lambda: (workbook_with(part=honest(rows_sheet(300_000))), ".xlsx"),
        r"\[Monthly Count\]: the sheet has over 200,000 rows",
    ),
    (
        "1100000-cells-without-references",
        lambda: (
            workbook_with(
                part=honest(
                    sheet_xml(b"<row>" + b"".join(b"<c><v>%d</v></c>" % i for i in range(1_100_000)) + b"</row>")
                )
            ),
            ".xlsx",
        ),
        r"the sheet has over 1,000,000 cells",
    ),
    (
        "5000-parts",
        lambda: (workbook_with(extra=[stored(f"xl/media/x{i}.bin", b"") for i in range(5_000)]), ".xlsx"),
        r"the workbook has 5,0\d\d parts, over the 1,000-part limit",
    ),
    (
        "entities-in-shared-strings",
        lambda: (workbook_with(extra=[stored("xl/sharedStrings.xml", BILLION_LAUGHS)]), ".xlsx"),
        r"part 'xl/sharedStrings\.xml' declares a DOCTYPE or entities",
    ),
    (
        "not-a-zip",
        lambda: (b"PK\x03\x04" + b"\x00" * 5000, ".xlsx"),
        r"not a readable Excel workbook",
    ),
    (
        "nul-in-a-workbook-text-cell",
        lambda: (_nul_in_month(), ".xlsx"),
        r"\[Monthly Count\], row 2, column 'Month': text with control character U\+0000",
    ),
    (
        "csv-of-1100000-lines",
        lambda: (_with_cell(2, "Encounter Count", "1").replace(b"\n", b"\n" + b",,,,,,,,\n" * 1_100_000, 1), ".csv"),
        r"\.csv: 1,101,937 lines, over the 1,000,000-line limit",
    ),
    (
        "nul-in-a-csv-field",
        lambda: (_with_cell(200, "Citizenship Grouping", "Mex\x00ico"), ".csv"),
        r"\.csv, row 200, column 'Citizenship Grouping': text with control character U\+0000",
    ),
    (
        "escape-in-a-csv-field-after-a-quoted-line-break",
        lambda: (_with_cell(30, "Demographic", "Single\x1bAdults").replace(b"Title 42", b'"Title\n42"', 1), ".csv"),
        r"\.csv, row 31, column 'Demographic': text with control character U\+001B",
    ),
]


def _write(tmp_path: Path, name: str, build) -> Path:
    content, suffix = build()
    assert len(content) <= importers.MAX_INPUT_BYTES
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(content)
    return path


MEASURE = """
import json, resource, sys, time
from border_dashboard.data.importers import read_source_file
from border_dashboard.data.schema import DataImportError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.monotonic()
try:
    read_source_file(sys.argv[1])
    error = None
except DataImportError as failure:
    error = str(failure)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"error": error, "seconds": time.monotonic() - start, "peak_kb": peak, "before_kb": before}))
"""


# Linux carries a process's peak resident size over fork and exec (``ru_maxrss`` of a child of pytest starts
# at pytest's own peak), so the measured process is started by a small Python process started for that.
FRESH = [sys.executable, "-c", "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"]


@pytest.mark.parametrize(("name", "build", "expected"), HOSTILE, ids=[case[0] for case in HOSTILE])
def test_a_hostile_file_fails_in_one_line_within_seconds_and_a_few_hundred_mb(name, build, expected, tmp_path):
    path = _write(tmp_path, name, build)
    with pytest.raises(DataImportError) as caught:
        importers.read_source_file(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path)), message
    assert re.search(expected, message), message
    done = subprocess.run(
        [*FRESH, sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout)
    assert measured["error"] == message
    assert measured["seconds"] < SECONDS, measured
    assert measured["peak_kb"] / 1024 < PEAK_MB, measured
    peak = measured["peak_kb"] / 1024
    print(f"{name}: {len(path.read_bytes()):,} bytes, {measured['seconds']:.2f} s, peak {peak:.0f} MB")


def test_the_real_workbook_is_well_inside_the_bounds():
    from tests.conftest import OHSS_FILE

    sizes = limits.check_xlsx(OHSS_FILE.read_bytes(), list(importers.OHSS_SHEETS), file=str(OHSS_FILE))
    assert max(size.rows for size in sizes.values()) == 14_890
    assert max(size.extent for size in sizes.values()) == 74_450  # 'Monthly Rgn and Citp': 5 columns
    assert max(size.extent for size in sizes.values()) * 10 < limits.MAX_CELLS


def test_only_the_sheets_used_are_read(tmp_path):
    """A sheet the importer does not use is never parsed: here a 2 GB bomb (declaring 4 kB) and a sheet
    that is not XML at all, in a workbook that otherwise imports."""
    for name, part in [("bomb", inflating_sheet(2, honest=False)), ("junk", honest(b"<not xml at all"))]:
        path = tmp_path / f"unused-{name}.xlsx"
        path.write_bytes(workbook_with("Notes", part, notes=True))
        assert importers.read_source_file(path).table["encounters"].sum() > 0
    with pytest.raises(DataImportError, match=r"\[Monthly Count\]: part .* inflates to more than"):
        bomb = tmp_path / "used-bomb.xlsx"
        bomb.write_bytes(workbook_with("Monthly Count", inflating_sheet(2, honest=False), notes=True))
        importers.read_source_file(bomb)


@pytest.mark.parametrize(
    "name", ["sheet-inflating-to-2-GB-declaring-4-kB", "declared-16384-x-1048576-range", "nul-in-a-workbook-text-cell"]
)
def test_the_import_command_refuses_it_in_one_line_and_keeps_the_dataset(name, tmp_path, data_dir):
    build = next(case[1] for case in HOSTILE if case[0] == name)
    path = _write(tmp_path, name, build)
    before = snapshot(data_dir)
    command = Path(sys.executable).parent / "border-dashboard"
    done = subprocess.run(
        [str(command), "import", str(path), "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), done.stderr
    assert "Traceback" not in done.stderr and not done.stdout
    assert snapshot(data_dir) == before
