"""Shared fixtures: the real official files (shipped in data/official/) and a scratch dataset."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from border_dashboard.data import importers, store

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_OFFICIAL = ROOT / "data" / "official"  # the official input files, in the repository
OFFICIAL = Path(os.environ.get("BORDER_OFFICIAL_DIR", SHIPPED_OFFICIAL))  # or another copy of them
OHSS_FILE = OFFICIAL / "ohss-khsm-cbp-encounters-usbp-fy2000-fy2025m02.xlsx"
CBP_SWB_FILE = OFFICIAL / "cbp-sw-land-border-encounters-fy22-fy25-aug.csv"
NATIONWIDE_SAMPLE = ROOT / "tests" / "fixtures" / "cbp-nationwide-sample.csv"


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
    """A writable copy of the shipped dataset."""
    target = tmp_path / "dataset"
    shutil.copytree(store.SHIPPED_DATASET, target)
    return target


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file of a directory (not its subdirectories), byte for byte."""
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}
