"""`border-dashboard import`: byte-identical rebuilds, provenance, and bad input that loses nothing."""

from __future__ import annotations

import errno
import hashlib
import json
import re
import shutil

import pandas as pd
import pytest

from border_dashboard.components import cli
from border_dashboard.data import importers, store
from tests import official
from tests.bad_inputs import CASES, VALID, small_workbook_sheets
from tests.conftest import CBP_SWB_FILE, NATIONWIDE_SAMPLE, OHSS_FILE, SHIPPED_OFFICIAL, snapshot

NATIONWIDE_FILES = ["cbp-nationwide.csv.gz", "cbp-nationwide.provenance.json"]


def _cbp_total():
    return "cbp-swb", official.cbp_file()["Encounter Count"].sum()  # 7,421,677


VALID_TOTALS = {  # each valid odd file: the source it imports as and the sum of its published counts
    "utf-8-bom": _cbp_total,
    "utf-16": _cbp_total,
    "crlf-line-ends": _cbp_total,
    "latin-1-nationwide": lambda: ("cbp-nationwide", pd.read_csv(NATIONWIDE_SAMPLE)["Encounter Count"].sum()),
    "small-valid-workbook": lambda: ("ohss-usbp", sum(f["Quantity"].sum() for f in small_workbook_sheets().values())),
}


def test_import_rebuilds_the_shipped_dataset_byte_for_byte(tmp_path, capsys):
    assert cli.main(["import", str(OHSS_FILE), str(CBP_SWB_FILE), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "ohss-usbp: 40,899 rows and 7,916 published fiscal-year rows, 1999-10 to 2024-11" in out
    first = (tmp_path / "current").resolve()
    assert f"current release: {first}" in out and first.parent == tmp_path / "releases"
    assert snapshot(tmp_path / "current") == snapshot(store.SHIPPED_DATASET)
    assert not (tmp_path / "previous").exists()
    # A second import is a new release; the first is kept as the previous one.
    assert cli.main(["import", str(OHSS_FILE), str(CBP_SWB_FILE), "--data-dir", str(tmp_path)]) == 0
    second = (tmp_path / "current").resolve()
    assert second != first and (tmp_path / "previous").resolve() == first
    assert snapshot(second) == snapshot(first) == snapshot(store.SHIPPED_DATASET)
    assert store.release_ids(tmp_path) == [first.name, second.name]


def test_importing_one_source_keeps_the_others_of_the_current_release(tmp_path, capsys):
    assert cli.main(["import", str(CBP_SWB_FILE), "--data-dir", str(tmp_path)]) == 0  # nothing current yet
    assert snapshot(tmp_path / "current") == snapshot(store.SHIPPED_DATASET)  # ohss-usbp from the shipped one
    assert cli.main(["import", str(NATIONWIDE_SAMPLE), "--data-dir", str(tmp_path)]) == 0
    current = snapshot(tmp_path / "current")
    assert sorted(current) == sorted([*snapshot(store.SHIPPED_DATASET), *NATIONWIDE_FILES])
    assert snapshot(tmp_path / "previous") == snapshot(store.SHIPPED_DATASET)
    assert sorted(store.load(tmp_path).tables) == ["cbp-nationwide", "cbp-swb", "ohss-usbp"]


def test_the_default_import_writes_to_the_user_data_folder_and_summary_reads_it(tmp_path, monkeypatch, capsys):
    """No --data-dir and no $BORDER_DASHBOARD_DATA_DIR: platformdirs' folder (XDG_DATA_HOME on Linux)."""
    monkeypatch.delenv(store.DATA_DIR_VARIABLE)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    shipped = snapshot(store.PACKAGE_DIR)
    assert cli.main(["summary", "--source", "cbp-nationwide", "--nationality", "china"]) == 2  # not shipped
    assert cli.main(["import", str(NATIONWIDE_SAMPLE)]) == 0
    folder = tmp_path / "xdg" / "border-dashboard"
    assert f"current release: {folder / 'releases'}" in capsys.readouterr().out
    assert snapshot(store.PACKAGE_DIR) == shipped  # nothing written inside the package
    assert cli.main(["summary", "--source", "cbp-nationwide", "--nationality", "china", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["dataset"]["location"] == str((folder / "current").resolve())
    assert sum(row["encounters"] for row in result["yearly"]) == 2310 + 412 + 4024 + 980 + 1120


def test_the_data_dir_variable_moves_the_user_data_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(store.DATA_DIR_VARIABLE, str(tmp_path / "mine"))
    assert cli.main(["import", str(NATIONWIDE_SAMPLE)]) == 0
    assert (tmp_path / "mine" / "current" / "cbp-nationwide.provenance.json").is_file()
    capsys.readouterr()
    assert cli.main(["summary", "--source", "cbp-nationwide", "--nationality", "china"]) == 0
    assert f"dataset: {(tmp_path / 'mine' / 'current').resolve()}" in capsys.readouterr().out


def test_no_writer_writes_inside_the_package(capsys):
    shipped = snapshot(store.PACKAGE_DIR)
    for target in (store.SHIPPED_DATASET, store.PACKAGE_DIR):
        assert cli.main(["import", str(NATIONWIDE_SAMPLE), "--data-dir", str(target)]) == 1
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and "inside the installed package" in lines[0], lines
        assert cli.main(["update", "--rollback", "--data-dir", str(target)]) == 1
        assert "inside the installed package" in capsys.readouterr().err
    assert snapshot(store.PACKAGE_DIR) == shipped


def test_help_says_where_each_command_reads_and_writes(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "2000")  # argparse wraps at hyphens otherwise
    for command in ("import", "update", "summary", "serve"):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "--data-dir DIR" in text and store.DATA_DIR_VARIABLE in text, command
        assert str(store.user_data_dir()) in text, command
        assert ("shipped dataset" in text) is (command in ("summary", "serve")), command


def shell_glob(folder) -> list[str]:
    """What the shell makes of ``folder/*``: every file but the dotfiles, in order."""
    return sorted(str(p) for p in folder.iterdir() if not p.name.startswith("."))


def test_import_of_the_official_folder_as_it_ships(tmp_path, capsys):
    """`border-dashboard import data/official/*`: the notes are skipped, the checksums checked."""
    assert cli.main(["import", *shell_glob(SHIPPED_OFFICIAL), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "README.md: notes, not data; skipped" in out
    assert "2 of 2 files checked against" in out
    assert snapshot(tmp_path / "current") == snapshot(store.SHIPPED_DATASET)


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
    assert (record["first_month"], record["last_month"], record["rows"]) == ("1999-10", "2024-11", 40_899 + 7_916)
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
        # What the release now holds adds up to the input's own count column, summed with plain pandas.
        source, total = VALID_TOTALS[name]()
        imported = store.load(data_dir)
        assert imported.provenance[source]["input_sha256"] == hashlib.sha256(content).hexdigest()  # this file's
        assert imported.tables[source]["encounters"].sum() == total
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


def test_a_write_error_mid_save_is_one_line_and_changes_nothing(data_dir, monkeypatch, capsys):
    """The disk fills up after the first file of the new release: the data folder stays as it was."""
    (data_dir / "releases" / ".incoming-killed").mkdir()  # a writer that was killed: cleaned by the next
    before = {k: v for k, v in snapshot(data_dir).items() if "incoming" not in k}
    written = []
    real = store._write_file

    def fill_up(path, data):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(path)
        real(path, data)

    monkeypatch.setattr(store, "_write_file", fill_up)
    assert cli.main(["import", str(NATIONWIDE_SAMPLE), "--data-dir", str(data_dir)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0] and "unchanged" in lines[0], lines
    assert "Traceback" not in lines[0] and str(data_dir / "releases") in lines[0]
    assert written and snapshot(data_dir) == before


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
    rise = result["rise"]
    assert (rise["from"], rise["to"], rise["ratio"], rise["words"]) == (2022, 2023, 10.322, "x10.3")
    assert (rise["low"], rise["high"], rise["from_months"], rise["to_months"]) == (10.137, 10.514, 12, 12)
    assert result["yearly"][0] == {"year": 2022, "encounters": 3_600, "months": 12, "kind": "sum", "bound": 60}
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


def test_a_broken_data_folder_is_one_line_for_summary_and_serve(data_dir, monkeypatch, capsys):
    import dash

    shutil.rmtree((data_dir / "current").resolve())
    monkeypatch.setattr(dash.Dash, "run", lambda *a, **k: pytest.fail("the server must not start"))
    assert cli.main(["summary", "--data-dir", str(data_dir)]) == 2
    assert cli.main(["serve", "--data-dir", str(data_dir)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and all("current: points to" in line and "missing" in line for line in lines), lines


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--basis", "fiscl"], r"^error: unknown year basis 'fiscl'; did you mean fiscal\?$"),
        (["--source", "xyz"], r"^error: unknown source 'xyz'; the dataset has ohss-usbp, cbp-swb$"),
        (
            ["--rise", "2019:2020"],
            r"^error: --rise 2019:2020: 2019 is outside the window, whose years are 2022, 2023, 2024$",
        ),
        (["--rise", "2023:2023"], r"^error: --rise 2023:2023: comparing a year with itself says nothing$"),
        (["--source", "cbp-swb", "--component", "ofp"], r"did you mean Office of Field Operations"),
        (["--from", "2024-05", "--to", "2024-01"], r"^error: --from 2024-05 is after --to 2024-01$"),
    ],
)
def test_every_option_with_an_unknown_value_says_what_would_do(args, message, capsys):
    assert cli.main(["summary", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and re.search(message, err), err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--source", "usbp", "--region", "southern"], ("ohss-usbp", "Southwest Land Border", None)),
        (
            ["--source", "cbp", "--region", "sw", "--component", "ofo"],
            ("cbp-swb", "Southwest Land Border", "Office of Field Operations"),
        ),
        (["--source", "cbp-swb", "--component", "USBP"], ("cbp-swb", "Southwest Land Border", "U.S. Border Patrol")),
        (["--basis", "FY", "--region", "northern"], ("ohss-usbp", "Northern Land Border", None)),
    ],
)
def test_common_abbreviations_work(args, expected, capsys):
    assert cli.main(["summary", *args, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    source, region, component = expected
    assert result["source"]["name"] == source and result["selection"]["region"] == region
    assert result["selection"].get("component") == component


def test_a_source_without_the_default_nationality_answers_with_the_group_that_counts_it(capsys):
    assert cli.main(["summary", "--source", "cbp-swb", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["selection"]["nationalities"] == ["Other"]
    assert result["notes"] == ["China is counted in 'Other' in this source: the numbers are the whole group's."]
    # the numbers are CBP's 'Other' group as its file gives it: calendar 2023 is FY2023 January to
    # September and FY2024 October to December
    frame = pd.read_csv(CBP_SWB_FILE)
    other = frame[frame["Citizenship Grouping"].str.casefold() == "other"]
    autumn = other["Month (abbv)"].isin(["OCT", "NOV", "DEC"])
    in_2023 = (autumn & (other["Fiscal Year"] == "2024")) | (~autumn & (other["Fiscal Year"] == "2023"))
    assert result["yearly"][1]["year"] == 2023
    assert result["yearly"][1]["encounters"] == int(other.loc[in_2023, "Encounter Count"].sum())


def test_a_window_without_data_is_one_sentence_with_the_coverage(capsys):
    assert cli.main(["summary", "--from", "1990-01", "--to", "1995-01"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        "No data in 1990-01 to 1995-01: Key Homeland Security Metrics: CBP Encounters - USBP covers 1999-10 to 2024-11."
    )


def test_the_header_names_what_is_counted_and_a_window_by_its_data(capsys):
    assert (
        cli.main(
            ["summary", "--source", "cbp-swb", "--component", "ofo", "--nationality", "mexico", "--basis", "fiscal"]
        )
        == 0
    )
    header = capsys.readouterr().out.splitlines()[:3]
    assert header[0] == "Mexico - Southwest Land Border - 2022-01 to 2024-12"
    assert header[1] == "Office of Field Operations encounters, fiscal years (October to September)."
    assert header[2].startswith("U.S. Customs and Border Protection, Southwest Land Border Encounters")
    assert cli.main(["summary"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert (
        first
        == "China - Southwest Land Border - 2022-01 to 2024-11 (the months with data of the window 2022-01 to 2024-12)"
    )


def test_a_closed_pipe_is_not_a_traceback():
    import subprocess
    import sys
    from pathlib import Path

    command = Path(sys.executable).with_name("border-dashboard")
    run = subprocess.run(
        f"{command} summary | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.stdout.startswith("China - Southwest Land Border") and "Traceback" not in run.stderr, run.stderr


def test_the_rise_line_names_fiscal_years_and_gives_a_falls_range_in_percent(capsys):
    assert cli.main(["summary", "--basis", "fy"]) == 0
    assert "rise FY2023 -> FY2024: x1.6 (1.572 to 1.574 under rounding)" in capsys.readouterr().out
    assert cli.main(["summary", "--rise", "2019:2020", "--from", "2019-01", "--to", "2020-12"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(("rise", "fall")))
    assert line == "fall 2019 -> 2020: fell 83% (80% to 86% under rounding)"


def test_a_rise_asked_later_year_first_is_told_like_the_page_tells_it(capsys):
    assert cli.main(["summary", "--rise", "2023:2022", "--json"]) == 0
    rise = json.loads(capsys.readouterr().out)["rise"]
    assert (rise["from"], rise["to"], rise["words"]) == (2022, 2023, "x10.3")


def test_summary_imports_no_dash_plotly_nor_what_only_import_and_update_need():
    """`summary` answers without loading the dashboard (Dash, Plotly, Flask, Kaleido) or what only `import`
    and `update` use (the importers and their spreadsheet reader, the downloader and its HTTP and TLS
    modules), and reads only the source asked about: checked in a fresh interpreter, as the command runs."""
    import subprocess
    import sys

    program = (
        "import json, sys\n"
        "from border_dashboard.components.cli import main\n"
        "from border_dashboard.data import store\n"
        "read = []\n"
        "original = store._read_table\n"
        "store._read_table = lambda location, name: read.append(name) or original(location, name)\n"
        "status = main(['summary', '--nationality', 'china', '--json'])\n"
        "print(json.dumps({'status': status, 'modules': sorted(sys.modules), 'read': read}), file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False, timeout=120)
    found = json.loads(run.stderr.strip().splitlines()[-1])
    assert found["status"] == 0 and json.loads(run.stdout)["rise"]["words"] == "x10.3", run.stderr
    assert found["read"] == ["ohss-usbp"]  # not cbp-swb
    unwanted = ("dash", "plotly", "flask", "werkzeug", "kaleido", "python_calamine", "http.client", "ssl")
    ours = ("border_dashboard.components.app", "border_dashboard.data.importers", "border_dashboard.data.update")
    loaded = [m for m in found["modules"] if m.split(".")[0] in unwanted or m in unwanted or m.startswith(ours)]
    assert loaded == []
