"""Tidy table <-> the shipped dataset on disk, with one provenance record per source.

Layout of a dataset directory: ``<source>.csv.gz`` (the tidy table) and ``<source>.provenance.json``.
Writes go to a temporary file that is then renamed over the old one, so a failed or interrupted import
leaves the dataset in place exactly as it was.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from border_dashboard.data.importers import ImportedSource
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.served import ServedTable
from border_dashboard.data.sources import SOURCES

SHIPPED_DATASET = Path(str(resources.files(__package__) / "dataset"))  # read-only: inside the package


@dataclass(frozen=True, eq=False)
class Dataset:
    """All imported sources: tidy tables and their provenance records, keyed by source name."""

    tables: dict[str, pd.DataFrame]
    provenance: dict[str, dict]
    _served: dict = field(default_factory=dict, repr=False)

    @property
    def sources(self) -> list[str]:
        return sorted(self.tables, key=lambda name: (list(SOURCES).index(name), name))

    def served(self, source: str) -> ServedTable:
        """The source's table indexed for fast selections (built once, on first use)."""
        if source not in self._served:
            self._served[source] = ServedTable(self.tables[source])
        return self._served[source]

    def source_line(self, source: str) -> str:
        record = self.provenance[source]
        return SOURCES[source].source_line(record.get("data_through", record["last_month"]))


def provenance_record(imported: ImportedSource) -> dict:
    """What the dataset says of a source's input: citation, which file (sha256), what it holds."""
    source = SOURCES[imported.name]
    months = imported.table[E.month]
    first, last = f"{months.min():%Y-%m}", f"{months.max():%Y-%m}"
    return {
        "source": source.name,
        "title": source.title,
        "publisher": source.publisher,
        "page": source.page,
        "release": source.release(imported.sha256, last),
        "data_through": last,
        "input_file": imported.file.name,
        "input_sha256": imported.sha256,
        "input_rows": imported.rows_read,
        "rows": len(imported.table),
        "first_month": first,
        "last_month": last,
        "rounding": source.rounding,
        "licence": source.licence,
    }


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        write(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_gzipped_csv(table: pd.DataFrame, path: str) -> None:
    """No name and no time in the gzip header, so the same table always gives the same bytes."""
    text = table.to_csv(index=False, lineterminator="\n").encode()
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed:
        packed.write(text)


def save(imported: list[ImportedSource], data_dir: Path = SHIPPED_DATASET) -> list[Path]:
    """Write each source's table and provenance; everything is validated before the first write."""
    data_dir = Path(data_dir)
    written = []
    for source in imported:
        table = source.table.copy()
        table[E.month] = table[E.month].dt.strftime("%Y-%m")
        table_path = data_dir / f"{source.name}.csv.gz"
        _atomic_write(table_path, lambda tmp, t=table: _write_gzipped_csv(t, tmp))
        record = json.dumps(provenance_record(source), indent=2) + "\n"
        record_path = data_dir / f"{source.name}.provenance.json"
        _atomic_write(record_path, lambda tmp, text=record: Path(tmp).write_text(text))
        written += [table_path, record_path]
    return written


def load(data_dir: Path = SHIPPED_DATASET) -> Dataset:
    """Read every source present in a dataset directory."""
    data_dir = Path(data_dir)
    tables, provenance = {}, {}
    for record_path in sorted(data_dir.glob("*.provenance.json")):
        name = record_path.name.removesuffix(".provenance.json")
        table_path = data_dir / f"{name}.csv.gz"
        if name not in SOURCES or not table_path.exists():
            continue
        # Dimensions as categories: a few bytes a cell, however many rows a nationwide file brings.
        dtypes = {column: "category" for column in (E.source, *E.DIMENSIONS)}
        table = pd.read_csv(table_path, dtype={**dtypes, E.month: str}, keep_default_na=False)
        table[E.month] = pd.to_datetime(table[E.month], format="%Y-%m").astype("datetime64[s]")
        table[E.fiscal_year] = table[E.fiscal_year].astype("int64")
        table[E.encounters] = table[E.encounters].astype("int64")
        tables[name] = E.validate(table, file=str(table_path))
        provenance[name] = json.loads(record_path.read_text())
    if not tables:
        raise FileNotFoundError(f"no dataset in {data_dir}; run `border-dashboard import FILE...`")
    return Dataset(tables, provenance)
