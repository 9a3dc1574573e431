"""The registry of sources: its facts agree with the shipped files, the data and the records, and no
other module spells them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from border_dashboard.data import importers, store
from border_dashboard.data.schema import ALL, NOT_APPLICABLE
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.sources import SOURCES, Link, data_through_label, month_label
from tests.conftest import NATIONWIDE_SAMPLE, ROOT, SHIPPED_OFFICIAL


def test_the_known_files_are_the_files_shipped_in_data_official():
    listed = {}
    for line in (SHIPPED_OFFICIAL / "SHA256SUMS").read_text().splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    known = {f.name: f.sha256 for source in SOURCES.values() for f in source.known_files}
    assert known == listed


def test_a_known_file_runs_to_the_month_its_data_does(ohss, cbp_swb):
    for imported in (ohss, cbp_swb):
        known = SOURCES[imported.name].known(imported.sha256)
        assert known is not None and known.name == imported.file.name
        assert known.data_through == f"{imported.table['month'].max():%Y-%m}"


def test_release_labels_say_what_the_data_is(ohss, cbp_swb):
    assert store.provenance_record(ohss)["release"] == "data through November 2024 (file created 16 January 2025)"
    assert store.provenance_record(cbp_swb)["release"] == "data through August 2025"
    assert "release" not in store.provenance_record(ohss)["release"]  # not a "November 2024 release"


def test_an_unknown_file_is_labelled_by_its_last_month_of_data():
    record = store.provenance_record(importers.read_source_file(NATIONWIDE_SAMPLE))
    assert (record["release"], record["data_through"]) == ("data through November 2024", "2024-11")
    assert record["title"] == "Nationwide Encounters" and record["licence"].endswith("public domain")


def test_month_labels():
    assert month_label("2025-01") == "January 2025"
    assert data_through_label("2024-12") == "data through December 2024"


def test_the_shipped_records_cite_what_the_registry_says(dataset):
    for name, record in dataset.provenance.items():
        source = SOURCES[name]
        assert (record["title"], record["publisher"], record["page"]) == (source.title, source.publisher, source.page)
        assert (record["rounding"], record["licence"]) == (source.rounding, source.licence)
        assert record["release"] == source.release(record["input_sha256"], record["data_through"])
        assert record["data_through"] == record["last_month"]


def _broken_out(table) -> set[str]:
    """The filter dimensions a table breaks out: two or more values besides the totals."""
    return {c for c in E.FILTERABLE if len(set(table[c].astype(str)) - {ALL, NOT_APPLICABLE}) >= 2}


def test_each_source_has_the_filters_the_registry_gives(ohss, cbp_swb):
    nationwide = importers.read_source_file(NATIONWIDE_SAMPLE)
    for imported in (ohss, cbp_swb, nationwide):
        assert _broken_out(imported.table) == set(SOURCES[imported.name].filters), imported.name


@pytest.mark.parametrize(
    ("url", "matches"),
    [
        ("https://ohss.dhs.gov/sites/default/files/2025-01/2025_0116_ohss_khsm-cbp-encounters-usbp.xlsx", True),
        ("https://example.org/KHSM/USBP/Encounters.XLSX", True),  # any case
        ("http://example.org/khsm-usbp.xlsx?download=1", True),  # the suffix is the path's
        ("https://example.org/khsm-usbp.xlsx.html", False),
        ("https://example.org/khsm-only.xlsx", False),
        ("https://example.org/download?file=khsm-usbp.xlsx", False),  # not in the path
        ("ftp://example.org/khsm-usbp.xlsx", False),  # only http(s)
        ("javascript:alert('khsm-usbp.xlsx')", False),
        ("file:///tmp/khsm-usbp.xlsx", False),
        ("https://example.org/khsm%2Dusbp.xlsx", True),  # percent-encoded
    ],
)
def test_link_shapes(url, matches):
    assert Link(contains=("khsm", "usbp"), suffix=".xlsx").matches(url) is matches


# Facts only the registry may spell: pages, publishers, titles, checksums and source names in quotes.
FACTS = [
    *{s.page for s in SOURCES.values()},
    *{s.publisher for s in SOURCES.values()},
    *{s.title for s in SOURCES.values()},
    *{f.sha256 for s in SOURCES.values() for f in s.known_files},
    *{f'"{s.name}"' for s in SOURCES.values()},
    *{f"'{s.name}'" for s in SOURCES.values()},
]


def test_no_other_module_spells_the_registry_s_facts():
    modules = [*(ROOT / "data").glob("*.py"), *(ROOT / "components").glob("*.py"), ROOT / "app.py"]
    assert len(modules) > 15
    for module in modules:
        if module.name == "sources.py":
            continue
        text = Path(module).read_text()
        found = [fact for fact in FACTS if fact in text]
        assert not found, f"{module.relative_to(ROOT)} spells {found[:3]}; read them from data/sources.py"


def test_every_source_is_fully_described():
    for name, source in SOURCES.items():
        assert source.name == name and source.kind in ("xlsx", "csv")
        assert source.link.suffix == f".{source.kind}" and source.link.contains
        assert re.fullmatch(r"https://[^ ]+", source.page) and source.people in ("Border Patrol", "CBP")
        assert set(source.filters) <= set(E.FILTERABLE)


def test_the_source_line_cites_publisher_title_months_and_rounding(dataset):
    assert dataset.source_line("ohss-usbp") == (
        "Source: DHS Office of Homeland Security Statistics, Key Homeland Security Metrics: CBP Encounters - USBP, "
        "data through November 2024. Figures rounded to the nearest 10."
    )
    assert dataset.source_line("cbp-swb") == (
        "Source: U.S. Customs and Border Protection, Southwest Land Border Encounters, data through August 2025."
    )
