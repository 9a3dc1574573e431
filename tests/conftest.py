"""Shared fixtures: the real official files (shipped in data/official/) and scratch data folders.

The tests never read or write the real user data folder: for the whole session the user data folder
(``$BORDER_DASHBOARD_DATA_DIR``) is an empty temporary folder, so reading falls back to the shipped
dataset unless a test writes a release of its own; nor the user cache folder (``$BORDER_DASHBOARD_CACHE_DIR``,
where read tables are cached), a temporary folder too.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from border_dashboard.data import importers, store

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_OFFICIAL = ROOT / "data" / "official"  # the official input files, in the repository
OFFICIAL = Path(os.environ.get("BORDER_OFFICIAL_DIR", SHIPPED_OFFICIAL))  # or another copy of them
OHSS_FILE = OFFICIAL / "ohss-khsm-cbp-encounters-usbp-fy2000-fy2025m02.xlsx"
CBP_SWB_FILE = OFFICIAL / "cbp-sw-land-border-encounters-fy22-fy25-aug.csv"
NATIONWIDE_SAMPLE = ROOT / "tests" / "fixtures" / "cbp-nationwide-sample.csv"

_SESSION_DATA_DIR = {}


def pytest_configure(config):
    """Before any test module is imported (some load the dataset at import time)."""
    folder = tempfile.mkdtemp(prefix="border-dashboard-tests-")
    _SESSION_DATA_DIR["saved"] = os.environ.get(store.DATA_DIR_VARIABLE)
    _SESSION_DATA_DIR["folder"] = folder
    os.environ[store.DATA_DIR_VARIABLE] = folder
    _SESSION_DATA_DIR["saved cache"] = os.environ.get(store.CACHE_DIR_VARIABLE)
    _SESSION_DATA_DIR["cache"] = tempfile.mkdtemp(prefix="border-dashboard-tests-cache-")
    os.environ[store.CACHE_DIR_VARIABLE] = _SESSION_DATA_DIR["cache"]


def pytest_unconfigure(config):
    for variable, folder, saved in (
        (store.DATA_DIR_VARIABLE, "folder", "saved"),
        (store.CACHE_DIR_VARIABLE, "cache", "saved cache"),
    ):
        shutil.rmtree(_SESSION_DATA_DIR.pop(folder, ""), ignore_errors=True)
        before = _SESSION_DATA_DIR.pop(saved, None)
        if before is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = before


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"official source file missing: {path} (set BORDER_OFFICIAL_DIR)")
    return path


@pytest.fixture(scope="session")
def ohss():
    return importers.read_ohss_workbook(_require(OHSS_FILE))


@pytest.fixture(scope="session")
def cbp_swb():
    return importers.read_cbp_csv(_require(CBP_SWB_FILE))


@pytest.fixture(scope="session")
def dataset():
    """The shipped dataset, as the dashboard loads it."""
    return store.load()


@pytest.fixture
def data_dir(tmp_path):
    """A writable data folder whose one release, current, is the shipped dataset."""
    folder = tmp_path / "data"
    store.save([], folder)
    assert snapshot(folder / store.CURRENT) == snapshot(store.SHIPPED_DATASET)
    return folder


def snapshot(directory: Path) -> dict[str, bytes | str]:
    """Everything under a directory, byte for byte: each file's bytes, each symlink's target, each folder."""
    found: dict[str, bytes | str] = {}
    for root, folders, files in os.walk(directory):
        for name in sorted([*folders, *files]):
            path = Path(root) / name
            key = str(path.relative_to(directory))
            if path.is_symlink():
                found[key] = f"symlink to {os.readlink(path)}"
            elif path.is_dir():
                found[key] = "folder"
            else:
                found[key] = path.read_bytes()
    return found
