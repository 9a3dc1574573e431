"""`border-dashboard import`: byte-identical rebuilds, provenance, and bad input that loses nothing."""

from __future__ import annotations

import json
import re

import pytest

from border_dashboard.components import cli
from border_dashboard.data import importers, store
from tests.bad_inputs import CASES, VALID
from tests.conftest import CBP_SWB_FILE, OHSS_FILE, SHIPPED_OFFICIAL, snapshot


def test_import_rebuilds_the_shipped_dataset_byte_for_byte(tmp_path, capsys):
    assert cli.main(["import", str(OHSS_FILE), str(CBP_SWB_FILE), "--data-dir", str(tmp_path)]) == 0
    assert "ohss-usbp: 40,899 rows, 1999-10 to 2024-11" in capsys.readouterr().out
    assert snapshot(tmp_path) == snapshot(store.SHIPPED_DATASET)
    assert cli.main(["import", str(OHSS_FILE), str(CBP_SWB_FILE), "--data-dir", str(tmp_path)]) == 0
    assert snapshot(tmp_path) == snapshot(store.SHIPPED_DATASET)


def shell_glob(folder) -> list[str]:
    """What the shell makes of ``folder/*``: every file but the dotfiles, in order."""
    return sorted(str(p) for p in folder.iterdir() if not p.name.startswith("."))


def test_import_of_the_official_folder_as_it_ships(tmp_path, capsys):
    """`border-dashboard import data/official/*`: the notes are skipped, the checksums checked."""
    assert cli.main(["import", *shell_glob(SHIPPED_OFFICIAL), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "README.md: notes, not data; skipped" in out
    assert "2 of 2 files checked against" in out
    assert snapshot(tmp_path) == snapshot(store.SHIPPED_DATASET)


def test_an_input_that_differs_from_its_checksum_is_rejected(tmp_path, data_dir, capsys):
    copy = tmp_path / CBP_SWB_FILE.name
    copy.write_bytes(CBP_SWB_FILE.read_bytes().replace(b"Expulsions,3", b"Expulsions,4", 1))
    (tmp_path / "SHA256SUMS").write_text((SHIPPED_OFFICIAL / "SHA256SUMS").read_text())
    before = snapshot(data_dir)
    assert cli.main(["import", str(copy), str(tmp_path / "SHA256SUMS"), "--data-dir", str(data_dir)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and copy.name in lines[0] and "differs from 644a70518bea" in lines[0], lines
    assert snapshot(data_dir) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [("not a checksum\n", r"SHA256SUMS, row 1: not a sha256sum line"), ("", r"the file is empty")],
)
def test_a_bad_checksum_list_is_one_line(tmp_path, data_dir, capsys, text, message):
    sums = tmp_path / "SHA256SUMS"
    sums.write_text(text)
    before = snapshot(data_dir)
    assert cli.main(["import", str(CBP_SWB_FILE), str(sums), "--data-dir", str(data_dir)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and re.search(message, lines[0]), lines
    assert snapshot(data_dir) == before


def test_provenance_records_the_input(dataset):
    record = dataset.provenance["ohss-usbp"]
    assert record["input_sha256"] == "cb9723f7503c2ddc63952ab694e06f21f65e249fcf26964db31968e5099c084f"
    assert (record["first_month"], record["last_month"], record["rows"]) == ("1999-10", "2024-11", 40_899)
    assert record["page"] == "https://ohss.dhs.gov/khsm/cbp-encounters"
    cbp = dataset.provenance["cbp-swb"]
    assert cbp["input_sha256"] == "644a70518bea08884f29483c4aa6aee5fcceadc85a0bd8f09043fa6d356fedc4"
    assert cbp["input_rows"] == 1_936


@pytest.mark.parametrize(("name", "build", "expected"), CASES, ids=[case[0] for case in CASES])
def test_bad_and_unusual_files(name, build, expected, tmp_path, data_dir, capsys):
    content, suffix = build()
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(content)
    before = snapshot(data_dir)
    code = cli.main(["import", str(path), "--data-dir", str(data_dir)])
    err = capsys.readouterr().err
    if expected is VALID:
        assert code == 0, err
        assert importers.read_source_file(path).table["encounters"].sum() > 0
        return
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert path.name in lines[0]
    assert re.search(expected, lines[0]), lines[0]
    assert snapshot(data_dir) == before  # nothing lost, nothing half-written


def test_unusual_encodings_read_the_same_rows(tmp_path):
    reference = importers.read_cbp_csv(CBP_SWB_FILE).table
    for name, build, expected in CASES:
        if expected is VALID and name in ("utf-8-bom", "utf-16", "crlf-line-ends"):
            path = tmp_path / f"{name}.csv"
            path.write_bytes(build()[0])
            assert importers.read_cbp_csv(path).table.equals(reference), name


def test_file_over_the_size_limit(tmp_path, data_dir, capsys):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(importers.MAX_INPUT_BYTES + 1)  # sparse: costs no disk
    before = snapshot(data_dir)
    assert cli.main(["import", str(huge), "--data-dir", str(data_dir)]) == 1
    assert "over the 52,428,800-byte limit" in capsys.readouterr().err
    assert snapshot(data_dir) == before


def test_one_bad_file_among_good_ones_writes_nothing(tmp_path, data_dir, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("Fiscal Year\n")
    before = snapshot(data_dir)
    assert cli.main(["import", str(OHSS_FILE), str(bad), "--data-dir", str(data_dir)]) == 1
    assert snapshot(data_dir) == before


def test_interrupted_write_leaves_the_old_file(data_dir, monkeypatch, ohss):
    before = snapshot(data_dir)

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("pandas.DataFrame.to_csv", fail)
    with pytest.raises(OSError):
        store.save([ohss], data_dir)
    assert snapshot(data_dir) == before


def test_summary_json(capsys):
    assert cli.main(["summary", "--nationality", "china", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["selection"] == {
        "nationalities": ["China"],
        "region": "Southwest Land Border",
        "from": "2022-01",
        "to": "2024-12",
        "basis": "calendar",
    }
    assert result["source"]["name"] == "ohss-usbp"
    assert result["rise"] == {"from": 2022, "to": 2023, "ratio": 10.322}
    assert result["peak"] == {"month": "2023-12", "encounters": 5_950}
    assert [y["months"] for y in result["yearly"]] == [12, 12, 11]


def test_summary_with_every_option(capsys, tmp_path):
    args = [
        "summary",
        "--nationality",
        "CHINA, PEOPLES REPUBLIC OF",
        "--nationality",
        "india",
        "--region",
        "all",
        "--component",
        "border patrol",
        "--from",
        "2023-01",
        "--to",
        "2024-06",
        "--basis",
        "fiscal",
        "--rise",
        "2023:2024",
        "--source",
        "ohss-usbp",
        "--json",
    ]
    assert cli.main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["selection"]["nationalities"] == ["China", "India"]
    assert result["selection"]["region"] == "All regions"
    assert [y["year"] for y in result["yearly"]] == [2023, 2024]
    assert result["yearly"][0]["months"] == 9  # January to September 2023 of FY2023


def test_summary_readable_table(capsys):
    assert cli.main(["summary", "--nationality", "china"]) == 0
    out = capsys.readouterr().out
    assert "2023" in out and "37,160" in out and "x10.3" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--nationality", "chna"], "did you mean.*China"),
        (["--region", "moon"], "unknown region"),
        (["--from", "2024-13"], "YYYY-MM"),
        (["--rise", "2023"], "YEAR:YEAR"),
        (["--source", "cbp-nationwide"], "not in"),
    ],
)
def test_summary_bad_arguments_exit_non_zero(args, message, capsys):
    assert cli.main(["summary", *args]) == 2
    assert re.search(message, capsys.readouterr().err)
