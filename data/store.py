"""The dataset on disk. This module alone knows its file layout, how a new one replaces the old, and how to
go back.

A dataset is a flat folder: ``<source>.csv.gz`` (the tidy table) and ``<source>.provenance.json`` for each
source. The shipped one, ``SHIPPED_DATASET``, is package data and read-only. Writers (`import`, `update`,
`update --rollback`) write to a data folder outside the package, by default the user data folder
(``platformdirs.user_data_dir("border-dashboard")``, or ``$BORDER_DASHBOARD_DATA_DIR``), laid out as

    releases/<release-id>/   a whole flat dataset (every source), never changed once written
    current -> releases/<id> the release that is read
    previous -> releases/<id> the release it replaced (rollback swaps the two)
    .lock                    writers hold an exclusive flock on it, one at a time
    .scratch-<pid>-*/        an update's downloads while they are checked (``scratch``)

A new release is written completely (each file fsynced) into a temporary folder inside ``releases/``,
renamed to its id, then made current by swapping the ``current`` symlink (a temporary symlink renamed over
it, the folder fsynced); the release it replaces becomes ``previous``. A release always holds every
source: the sources not imported are copied from the current release (or the shipped dataset). The last
``KEEP_RELEASES`` releases are kept. Reading a data folder reads its current release, or the shipped
dataset while it has none.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import gzip
import hashlib
import io
import json
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from border_dashboard.data.schema import DataImportError
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.served import ServedTable
from border_dashboard.data.sources import SOURCES

if TYPE_CHECKING:  # the importers (and their spreadsheet reader) load only when a command imports
    from border_dashboard.data.importers import ImportedSource

PACKAGE_DIR = Path(str(resources.files(__package__)))
SHIPPED_DATASET = PACKAGE_DIR / "dataset"  # read-only: inside the package
APP_NAME = "border-dashboard"
DATA_DIR_VARIABLE = "BORDER_DASHBOARD_DATA_DIR"
TABLE, RECORD = ".csv.gz", ".provenance.json"
RELEASES, CURRENT, PREVIOUS, LOCK = "releases", "current", "previous", ".lock"
INCOMING = ".incoming-"  # a release being written (left behind only by a writer that was killed)
SCRATCH = ".scratch-"  # <pid>-...: a download being checked (``scratch``); left behind only by a killed update
KEEP_RELEASES = 3
LOCK_TIMEOUT_SECONDS = 30.0


class StoreError(RuntimeError):
    """A data folder that cannot be written or read as asked. The message is one line naming the folder or
    file; a failed write leaves the folder as it was."""


def user_data_dir() -> Path:
    """The writable data folder: ``$BORDER_DASHBOARD_DATA_DIR``, else the platform's user data folder."""
    configured = os.environ.get(DATA_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def data_folder(data_dir: Path | str | None = None) -> Path:
    return Path(data_dir).expanduser() if data_dir is not None else user_data_dir()


def sources_in(folder: Path) -> list[str]:
    """The sources a flat dataset folder holds (both files present)."""
    names = [p.name.removesuffix(RECORD) for p in sorted(Path(folder).glob(f"*{RECORD}"))]
    return [n for n in names if (Path(folder) / f"{n}{TABLE}").is_file()]


def _pointer(folder: Path, name: str, *, strict: bool = True) -> Path | None:
    """The release ``current`` or ``previous`` points to; None when there is no such pointer (or, unless
    ``strict``, when the release it names is gone)."""
    link = folder / name
    if not link.is_symlink():
        return None
    target = (folder / os.readlink(link)).resolve()
    if not target.is_dir():
        if not strict:
            return None
        raise StoreError(f"{link}: points to {target}, which is missing")
    return target


def locate(data_dir: Path | str | None = None) -> Path:
    """The flat dataset that reading ``data_dir`` (default: the user data folder) gives: its current release,
    the folder itself if it is a flat dataset, else the shipped dataset."""
    folder = data_folder(data_dir)
    current = _pointer(folder, CURRENT)
    if current is not None:
        return current
    if sources_in(folder):
        return folder
    return SHIPPED_DATASET


@dataclass(frozen=True, eq=False)
class Dataset:
    """All imported sources: tidy tables and their provenance records, keyed by source name, and the flat
    folder they were read from (``location``: a release folder, or the shipped dataset)."""

    tables: Mapping[str, pd.DataFrame]  # a dict, or ``LazyTables`` reading each on first use
    provenance: dict[str, dict]
    location: Path | None = None
    _served: dict = field(default_factory=dict, repr=False)

    @property
    def release(self) -> str:
        """Which release this is: its id in a data folder, ``shipped`` for the shipped dataset."""
        if self.location is None:
            return "in memory"
        if self.location == SHIPPED_DATASET:
            return "shipped"
        return self.location.name

    @functools.cached_property
    def fingerprint(self) -> str:
        """What this dataset holds, as 16 hex digits: the sha256 of its files (each source's table and
        record), so that a release imported from the same files on two hosts has one fingerprint, and a
        release that differs in any byte another (its id, a time, says when it was made, not what it holds).
        A dataset in memory: of its inputs' sha256."""
        digest = hashlib.sha256()
        if self.location is None:
            for name in sorted(self.provenance):
                digest.update(f"{name}:{self.provenance[name]['input_sha256']}:{len(self.tables[name])}\n".encode())
        else:
            for name in sorted(self.provenance):
                for suffix in (TABLE, RECORD):
                    file = self.location / f"{name}{suffix}"
                    digest.update(f"{file.name}:{hashlib.sha256(file.read_bytes()).hexdigest()}\n".encode())
        return digest.hexdigest()[:16]

    def is_current(self, data_dir: Path | str | None = None) -> bool:
        """Whether the data folder still reads as this dataset (False once a new release is current)."""
        return self.location is not None and locate(data_dir) == self.location

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


def table_bytes(table: pd.DataFrame) -> bytes:
    """The gzipped CSV of a tidy table. No name and no time in the gzip header, and rows in key order, so
    the same table always gives the same bytes."""
    table = table.copy()
    table[E.month] = table[E.month].dt.strftime("%Y-%m")
    text = table.to_csv(index=False, lineterminator="\n").encode()
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as packed:
        packed.write(text)
    return buffer.getvalue()


def _files_of(imported: ImportedSource) -> dict[str, bytes]:
    record = json.dumps(provenance_record(imported), indent=2) + "\n"
    return {f"{imported.name}{TABLE}": table_bytes(imported.table), f"{imported.name}{RECORD}": record.encode()}


# --- writing -------------------------------------------------------------------------------------------


def _write_file(path: Path, data: bytes) -> None:
    """A new file, written and fsynced."""
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _point(folder: Path, name: str, target: Path) -> None:
    """Make ``folder/name`` a symlink to ``target``, atomically: a temporary symlink renamed over it."""
    temporary = folder / f".{name}.{os.getpid()}.{time.monotonic_ns()}.tmp"
    os.symlink(os.path.relpath(target, folder), temporary)
    try:
        os.replace(temporary, folder / name)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def _unpoint(folder: Path, name: str) -> None:
    (folder / name).unlink(missing_ok=True)
    _fsync_folder(folder)


def _refuse_the_package(folder: Path) -> None:
    resolved = folder.resolve()
    package = PACKAGE_DIR.resolve()
    roots = [package, package.parent] if package.parent.name == "border_dashboard" else [package]
    if any(resolved == root or resolved.is_relative_to(root) for root in roots):
        raise StoreError(
            f"{folder}: inside the installed package, which is read-only; write to a data folder "
            f"(--data-dir DIR, ${DATA_DIR_VARIABLE}, or the default {user_data_dir()})"
        )


@contextmanager
def writing(data_dir: Path | str | None = None, timeout: float | None = None) -> Iterator[Path]:
    """Hold the data folder's writer lock (an exclusive flock on ``.lock``), waiting at most ``timeout``
    seconds (``LOCK_TIMEOUT_SECONDS``); yields the folder. Leftovers of a writer that was killed are
    removed once the lock is held."""
    folder = data_folder(data_dir)
    _refuse_the_package(folder)
    timeout = LOCK_TIMEOUT_SECONDS if timeout is None else timeout
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise StoreError(f"{folder}: cannot use it as a data folder ({error.strerror or error})") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"{folder}: another import or update is writing here; gave up after {timeout:g} s"
                    ) from None
                time.sleep(0.05)
        _clean_leftovers(folder)
        yield folder
    finally:
        os.close(descriptor)  # releases the lock


def _clean_leftovers(folder: Path) -> None:
    for temporary in folder.glob(f".{CURRENT}.*.tmp"):
        temporary.unlink(missing_ok=True)
    for temporary in folder.glob(f".{PREVIOUS}.*.tmp"):
        temporary.unlink(missing_ok=True)
    for incoming in (folder / RELEASES).glob(f"{INCOMING}*"):
        shutil.rmtree(incoming, ignore_errors=True)
    for downloads in folder.glob(f"{SCRATCH}*"):
        owner = downloads.name.removeprefix(SCRATCH).partition("-")[0]
        if not (owner.isdigit() and _alive(int(owner))):
            shutil.rmtree(downloads, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether a process of that id runs (on this host): an update still downloading into its scratch."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it runs, as another user
        return True
    return True


@contextmanager
def scratch(data_dir: Path | str | None = None) -> Iterator[Path]:
    """A private temporary folder inside the data folder (an update's downloads while they are checked),
    removed on leaving; one left behind by a killed process is removed by the next writer."""
    folder = data_folder(data_dir)
    _refuse_the_package(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix=f"{SCRATCH}{os.getpid()}-", dir=folder))
    except OSError as error:
        raise StoreError(f"{folder}: cannot use it as a data folder ({_describe(error)})") from None
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def records(location: Path) -> dict[str, dict]:
    """The provenance records of a flat dataset folder, by source (those not readable left out)."""
    found = {}
    for name in sources_in(location):
        try:
            found[name] = json.loads((location / f"{name}{RECORD}").read_text())
        except (OSError, ValueError):
            continue
    return found


def _new_release_id(releases: Path) -> str:
    """A release's id: the UTC time it was made, to the microsecond, so ids sort in the order made."""
    while True:
        release_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        existing = [p.name for p in releases.iterdir() if not p.name.startswith(".")]
        if release_id not in existing and all(release_id > other for other in existing):
            return release_id
        time.sleep(0.001)


def release_ids(data_dir: Path | str | None = None) -> list[str]:
    """The releases in a data folder, oldest first."""
    releases = data_folder(data_dir) / RELEASES
    if not releases.is_dir():
        return []
    return sorted(p.name for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))


def _prune(folder: Path) -> None:
    """Delete all but the newest ``KEEP_RELEASES`` releases (never those current or previous point to)."""
    pointed = (_pointer(folder, CURRENT), _pointer(folder, PREVIOUS, strict=False))
    kept = {p.name for p in pointed if p is not None}
    for release_id in release_ids(folder)[:-KEEP_RELEASES]:
        if release_id not in kept:
            shutil.rmtree(folder / RELEASES / release_id, ignore_errors=True)


def _describe(error: OSError) -> str:
    return error.strerror or errno.errorcode.get(error.errno or 0, "") or str(error)


def save(
    imported: list[ImportedSource],
    data_dir: Path | str | None = None,
    *,
    check: Callable[[dict[str, dict]], None] | None = None,
) -> Path:
    """Write a new whole release to the data folder (default: the user data folder) and make it current;
    returns its folder. Everything is validated before the first write, and a failure at any point leaves
    the data folder as it was (StoreError, one line naming the data folder and the file, never a temporary
    path).

    ``check``, if given, is called with the provenance records of the release in place (``records``) once
    the writer lock is held, before anything is written: whatever it raises stops the save.
    """
    files = {}
    for source in imported:
        files.update(_files_of(source))
    with writing(data_dir) as folder:
        base = locate(folder)
        if check is not None:
            check(records(base))
        copied = [name for name in sources_in(base) if f"{name}{RECORD}" not in files]
        releases = folder / RELEASES
        current, previous = _pointer(folder, CURRENT), _pointer(folder, PREVIOUS, strict=False)
        path, what = releases, ""
        try:
            releases.mkdir(exist_ok=True)
            incoming = Path(tempfile.mkdtemp(prefix=INCOMING, dir=releases))
            os.chmod(incoming, 0o755)
            try:
                for name in copied:
                    for suffix in (TABLE, RECORD):
                        what = f"{name}{suffix}"
                        _write_file(incoming / what, (base / what).read_bytes())
                for name, data in sorted(files.items()):
                    what = name
                    _write_file(incoming / name, data)
                what = ""
                _fsync_folder(incoming)
                release = releases / _new_release_id(releases)
                path = release
                os.rename(incoming, release)
            except BaseException:
                shutil.rmtree(incoming, ignore_errors=True)
                raise
            path = releases
            _fsync_folder(releases)
            try:
                path = folder / PREVIOUS
                if current is not None:
                    _point(folder, PREVIOUS, current)
                path = folder / CURRENT
                _point(folder, CURRENT, release)
            except BaseException:
                # Put the pointers back as they were, then forget the release.
                if previous is not None:
                    _point(folder, PREVIOUS, previous)
                elif current is not None:
                    _unpoint(folder, PREVIOUS)
                shutil.rmtree(release, ignore_errors=True)
                raise
        except OSError as error:
            detail = f"{what}: {_describe(error)}" if what else _describe(error)
            raise StoreError(f"{path}: could not write the new release ({detail})") from None
        _prune(folder)
        return release


def rollback(data_dir: Path | str | None = None) -> tuple[Path, Path | None]:
    """Make the previous release current again, and the current one previous (so a rollback can be
    undone by another). Returns (now current, now previous)."""
    with writing(data_dir) as folder:
        current, previous = _pointer(folder, CURRENT), _pointer(folder, PREVIOUS)
        if previous is None:
            raise StoreError(f"{folder}: no previous release to roll back to")
        try:
            load(previous)  # it must itself be readable before it goes back in
        except (StoreError, FileNotFoundError) as error:
            raise StoreError(f"the previous release is not readable: {error}") from None
        try:
            _point(folder, CURRENT, previous)
            if current is not None:
                _point(folder, PREVIOUS, current)
        except OSError as error:
            raise StoreError(f"{folder}: could not swap the releases ({_describe(error)})") from None
        return previous, current


# --- reading -------------------------------------------------------------------------------------------


def load(data_dir: Path | str | None = None, *, lazy: bool = False) -> Dataset:
    """Read the dataset of a data folder (default: the user data folder; see ``locate``), or a flat
    dataset folder given directly.

    ``lazy``: read each source's table when it is first asked for (``Dataset.tables[name]``), not now; the
    provenance records are read at once either way. A command that answers about one source (``summary``)
    so reads that one only; an unreadable table then raises its StoreError when it is asked for.
    """
    location = locate(data_dir)
    names = [name for name in sources_in(location) if name in SOURCES]
    if not names:
        raise FileNotFoundError(f"no dataset in {location}; run `border-dashboard import FILE...`")
    provenance = {name: _read_record(location, name) for name in names}
    tables = LazyTables(location, names)
    if not lazy:
        tables = {name: tables[name] for name in names}
    return Dataset(tables, provenance, location)


class LazyTables(Mapping):
    """Source name -> tidy table, each read from the dataset folder the first time it is asked for."""

    def __init__(self, location: Path, names: list[str]):
        self.location, self.names = location, list(names)
        self._read: dict[str, pd.DataFrame] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.names:
            raise KeyError(name)
        with self._lock:
            if name not in self._read:
                self._read[name] = _read_table(self.location, name)
            return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, name: object) -> bool:
        return name in self.names


# The tidy table's dimensions are read as categories (a few bytes a cell, however many rows a nationwide
# file brings), and so is its month column: a few hundred distinct months, each parsed once.
_READ_TYPES = {column: "category" for column in (E.source, E.month, *E.DIMENSIONS)}
_CODED = (E.source, E.period, *E.DIMENSIONS)  # held in the read cache as codes and their values


def _read_table(location: Path, name: str) -> pd.DataFrame:
    """A stored table, checked (``Encounters.validate``): from the read cache when it holds these very
    bytes, else parsed from the gzipped CSV (then put in the cache for the next reader)."""
    table_path = location / f"{name}{TABLE}"
    try:
        data = table_path.read_bytes()
    except OSError as error:
        raise StoreError(_unreadable(table_path, error)) from None
    cached = read_cache_dir() / "tables" / f"{name}-{hashlib.sha256(data).hexdigest()[:32]}.v{READ_CACHE_FORMAT}.npz"
    table = _from_read_cache(cached)
    if table is not None:
        return table
    try:
        # No text is missing in the stored table (a dimension a source lacks is ""), so no NA detection.
        table = pd.read_csv(
            io.BytesIO(data), compression="gzip", dtype=_READ_TYPES, keep_default_na=False, na_filter=False
        )
        months = table[E.month].cat
        parsed = pd.to_datetime(months.categories.astype(str), format="%Y-%m").astype("datetime64[s]")
        table[E.month] = parsed.take(months.codes)
        table[E.fiscal_year] = table[E.fiscal_year].astype("int64")
        table[E.encounters] = table[E.encounters].astype("int64")
        table = E.validate(table, file=str(table_path))
    except DataImportError as error:
        raise StoreError(str(error)) from None
    except (OSError, ValueError, KeyError, EOFError, pd.errors.ParserError) as error:
        raise StoreError(_unreadable(table_path, error)) from None
    _to_read_cache(cached, table)
    return table


# --- the read cache ------------------------------------------------------------------------------------
#
# Parsing a stored table's CSV and checking it costs most of what `summary` does. A table once read and
# checked is kept in the user cache folder as plain numpy arrays (``np.savez``; read with
# ``allow_pickle=False``, so reading it can never run code), under the sha256 of the table file's bytes and
# the cache's format: a release's files never change, and other bytes are another entry. An entry that is
# missing, unreadable or not of this shape is ignored (the CSV is read); a cache folder that cannot be
# written is no error. The newest ``READ_CACHE_KEEP`` entries are kept.

CACHE_DIR_VARIABLE = "BORDER_DASHBOARD_CACHE_DIR"
READ_CACHE_FORMAT = 1
READ_CACHE_KEEP = 12


def read_cache_dir() -> Path:
    """Where read tables are cached: ``$BORDER_DASHBOARD_CACHE_DIR``, else the platform's user cache folder
    (``~/.cache/border-dashboard`` on Linux)."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))


def _from_read_cache(path: Path) -> pd.DataFrame | None:
    try:
        with open(path, "rb") as handle:
            stored = np.load(handle, allow_pickle=False)
            if not isinstance(stored, np.lib.npyio.NpzFile):
                return None
            rows = int(stored["rows"][0])
            columns = {}
            for column in E.COLUMNS:
                if column in _CODED:
                    codes = stored[f"{column}.codes"]
                    categories = pd.Index(stored[f"{column}.values"].tolist(), dtype="str")
                    values = pd.Categorical.from_codes(codes, categories)  # codes out of range raise
                    columns[column] = values.astype(str) if column == E.period else values
                elif column == E.month:
                    columns[column] = stored[column].astype(np.int64).astype("datetime64[M]").astype("datetime64[s]")
                else:
                    columns[column] = stored[column].astype(np.int64)
        table = pd.DataFrame(columns)
        if len(table) != rows or (table[E.encounters] < 0).any():
            return None
        return table
    except (OSError, ValueError, KeyError, IndexError, TypeError, EOFError, zipfile.BadZipFile):
        return None


def _to_read_cache(path: Path, table: pd.DataFrame) -> None:
    arrays = {"rows": np.array([len(table)], dtype=np.int64)}
    for column in E.COLUMNS:
        values = table[column]
        if column in _CODED:
            categorical = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
            arrays[f"{column}.codes"] = categorical.cat.codes.to_numpy()
            arrays[f"{column}.values"] = np.asarray(categorical.cat.categories, dtype=str)
        elif column == E.month:
            arrays[column] = values.to_numpy(dtype="datetime64[s]").astype("datetime64[M]").astype(np.int32)
        else:
            arrays[column] = values.to_numpy(dtype=np.int64)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(temporary, path)
        entries = sorted(path.parent.glob("*.npz"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[READ_CACHE_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:  # a read-only or full cache folder: the CSV is read next time too
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _read_record(location: Path, name: str) -> dict:
    record_path = location / f"{name}{RECORD}"
    try:
        return json.loads(record_path.read_text())
    except (OSError, ValueError) as error:
        raise StoreError(_unreadable(record_path, error)) from None


def _unreadable(path: Path, error: BaseException) -> str:
    detail = " ".join(str(error).split()) or type(error).__name__
    return f"{path}: not readable as the dataset's {path.name} ({detail})"
