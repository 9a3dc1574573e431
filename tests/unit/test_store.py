"""The store's data folder: whole releases, atomic pointer swaps, rollback, pruning, the writer lock, and
reading with its fall-back to the shipped dataset."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from border_dashboard.data import importers, store
from tests.conftest import CBP_SWB_FILE, NATIONWIDE_SAMPLE, snapshot


@pytest.fixture(scope="module")
def nationwide():
    return importers.read_source_file(NATIONWIDE_SAMPLE)


def pointers(folder: Path) -> tuple[str | None, str | None]:
    return tuple(
        (folder / name).resolve().name if (folder / name).is_symlink() else None
        for name in (store.CURRENT, store.PREVIOUS)
    )


def test_a_release_is_whole_and_its_pointers_are_relative_symlinks(tmp_path, nationwide):
    release = store.save([nationwide], tmp_path)
    assert release.parent == tmp_path / "releases" and os.readlink(tmp_path / "current") == f"releases/{release.name}"
    assert sorted(p.name for p in release.iterdir()) == sorted(
        [*(p.name for p in store.SHIPPED_DATASET.iterdir()), "cbp-nationwide.csv.gz", "cbp-nationwide.provenance.json"]
    )
    moved = tmp_path.parent / "moved"
    shutil.move(tmp_path, moved)  # the folder can be moved as a whole
    assert sorted(store.load(moved).tables) == ["cbp-nationwide", "cbp-swb", "ohss-usbp"]
    shutil.move(moved, tmp_path)


def test_each_save_makes_the_last_current_and_the_one_before_previous(tmp_path, nationwide):
    made = [store.save([nationwide], tmp_path).name for _ in range(5)]
    assert made == sorted(made) and len(set(made)) == 5
    assert pointers(tmp_path) == (made[-1], made[-2])
    assert store.release_ids(tmp_path) == made[-store.KEEP_RELEASES :]  # older ones deleted


def test_pruning_never_deletes_what_a_pointer_names(tmp_path, nationwide):
    made = [store.save([nationwide], tmp_path).name for _ in range(3)]
    store.rollback(tmp_path)  # current: made[1], previous: made[2]
    made += [store.save([nationwide], tmp_path).name for _ in range(2)]
    assert pointers(tmp_path) == (made[4], made[3])
    assert store.release_ids(tmp_path) == made[2:]


def test_rollback_swaps_and_can_be_redone(tmp_path, nationwide):
    first = store.save([], tmp_path).name
    second = store.save([nationwide], tmp_path).name
    assert [p.name for p in store.rollback(tmp_path)] == [first, second]
    assert pointers(tmp_path) == (first, second) and "cbp-nationwide" not in store.load(tmp_path).tables
    store.rollback(tmp_path)
    assert pointers(tmp_path) == (second, first) and "cbp-nationwide" in store.load(tmp_path).tables


def test_rollback_refuses_a_previous_release_that_does_not_read(tmp_path, nationwide):
    store.save([], tmp_path)
    store.save([nationwide], tmp_path)
    previous = (tmp_path / "previous").resolve()
    (previous / "ohss-usbp.csv.gz").write_bytes(b"not gzip")
    before = snapshot(tmp_path)
    with pytest.raises(store.StoreError, match="previous release is not readable") as caught:
        store.rollback(tmp_path)
    assert "\n" not in str(caught.value) and snapshot(tmp_path) == before


def test_a_failed_pointer_swap_puts_everything_back(data_dir, nationwide, monkeypatch):
    store.save([nationwide], data_dir)  # now there is a previous too
    before = snapshot(data_dir)
    real = store._point

    def fail_on_current(folder, name, target):
        if name == store.CURRENT:
            raise OSError(5, "Input/output error")
        real(folder, name, target)

    monkeypatch.setattr(store, "_point", fail_on_current)
    with pytest.raises(store.StoreError, match=r"current: could not write the new release \(Input/output error\)"):
        store.save([nationwide], data_dir)
    assert snapshot(data_dir) == before


def test_leftovers_of_a_killed_writer_are_cleaned_by_the_next(data_dir, nationwide):
    (data_dir / "releases" / ".incoming-abc").mkdir()
    (data_dir / "releases" / ".incoming-abc" / "ohss-usbp.csv.gz").write_bytes(b"half")
    os.symlink("releases/nowhere", data_dir / ".current.123.456.tmp")
    store.save([nationwide], data_dir)
    assert not list(data_dir.glob(".*.tmp")) and not list((data_dir / "releases").glob(".*"))


def test_reading_falls_back_to_the_shipped_dataset(tmp_path):
    assert store.locate(tmp_path / "empty") == store.SHIPPED_DATASET
    assert store.load(tmp_path / "empty").release == "shipped"
    assert store.load().location == store.SHIPPED_DATASET  # the session's user folder holds no release
    flat = tmp_path / "flat"
    shutil.copytree(store.SHIPPED_DATASET, flat)  # a flat dataset folder is read as it is
    assert store.load(flat).location == flat


def test_a_dataset_knows_when_a_newer_release_is_current(data_dir, nationwide):
    loaded = store.load(data_dir)
    assert loaded.is_current(data_dir) and loaded.release == (data_dir / "current").resolve().name
    store.save([nationwide], data_dir)
    assert not loaded.is_current(data_dir) and store.load(data_dir).is_current(data_dir)


def test_a_current_pointer_to_a_missing_release_is_one_line(data_dir):
    shutil.rmtree((data_dir / "current").resolve())
    with pytest.raises(store.StoreError, match="current: points to .* which is missing") as caught:
        store.load(data_dir)
    assert "\n" not in str(caught.value)


def test_a_previous_release_deleted_by_hand_does_not_stop_the_next_save(data_dir, nationwide):
    first = (data_dir / "current").resolve()
    store.save([nationwide], data_dir)
    shutil.rmtree(first)
    release = store.save([], data_dir)
    assert pointers(data_dir)[0] == release.name and "cbp-nationwide" in store.load(data_dir).tables


def test_a_writer_waits_for_the_lock_then_writes(data_dir, nationwide):
    results = []
    with store.writing(data_dir):
        writer = threading.Thread(target=lambda: results.append(store.save([nationwide], data_dir)))
        writer.start()
        time.sleep(0.3)
        assert not results  # still waiting
    writer.join(10)
    assert results and (data_dir / "current").resolve() == results[0]


def test_a_writer_that_cannot_get_the_lock_gives_up_in_one_line(data_dir, nationwide, monkeypatch, capsys):
    from border_dashboard.components import cli

    monkeypatch.setattr(store, "LOCK_TIMEOUT_SECONDS", 0.2)
    before = snapshot(data_dir)
    with store.writing(data_dir):
        assert cli.main(["import", str(NATIONWIDE_SAMPLE), "--data-dir", str(data_dir)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "another import or update is writing here; gave up after 0.2 s" in lines[0], lines
    assert snapshot(data_dir) == before


def _command() -> list[str]:
    script = Path(sys.executable).with_name("border-dashboard")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from border_dashboard.components.cli import main; sys.exit(main())"]


def test_concurrent_imports_leave_one_whole_release(tmp_path):
    """Three `border-dashboard import` processes into one folder: each waits for the others' lock, and all
    succeed (one that could not would say why in one line); what is current is one whole release, written
    by one of them, and the one before it is previous."""
    folder = tmp_path / "data"
    writers = [
        subprocess.Popen(
            [*_command(), "import", str(CBP_SWB_FILE), "--data-dir", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outcomes = [(w.wait(120), *w.communicate()) for w in writers]
    for code, _, err in outcomes:
        assert len(err.strip().splitlines()) == (0 if code == 0 else 1), err
    assert [code for code, _, _ in outcomes] == [0, 0, 0], [err for _, _, err in outcomes]
    made = store.release_ids(folder)
    current, previous = (folder / "current").resolve(), (folder / "previous").resolve()
    assert len(made) == 3 and (current.name, previous.name) == (made[-1], made[-2])
    assert sum(f"current release: {current}\n" in out for _, out, _ in outcomes) == 1  # written by one of them
    for release in made:
        assert snapshot(folder / "releases" / release) == snapshot(store.SHIPPED_DATASET)  # each whole
    assert not list((folder / "releases").glob(".*")) and not list(folder.glob(".*.tmp"))


# --- reading only what is asked, and the read cache ------------------------------------------------------


def test_a_lazy_load_reads_a_table_only_when_it_is_asked_for(monkeypatch):
    read = []
    original = store._read_table
    monkeypatch.setattr(store, "_read_table", lambda location, name: read.append(name) or original(location, name))
    dataset = store.load(lazy=True)
    assert sorted(dataset.tables) == ["cbp-swb", "ohss-usbp"] and "cbp-swb" in dataset.tables
    assert read == [] and sorted(dataset.provenance) == ["cbp-swb", "ohss-usbp"]  # the records are read at once
    dataset.served("ohss-usbp")
    dataset.tables["ohss-usbp"]
    assert read == ["ohss-usbp"]  # read once, and only it
    assert read == ["ohss-usbp"]
    store.load()
    assert read == ["ohss-usbp", "cbp-swb", "ohss-usbp"]  # not lazy: every table now


def test_a_table_read_from_the_cache_is_the_table_read_from_its_file(tmp_path, monkeypatch):
    monkeypatch.setenv(store.CACHE_DIR_VARIABLE, str(tmp_path / "cache"))
    parsed = []
    original = store.pd.read_csv
    monkeypatch.setattr(store.pd, "read_csv", lambda *a, **k: parsed.append(1) or original(*a, **k))
    first = store.load()
    entries = sorted(p.name for p in (tmp_path / "cache" / "tables").iterdir())
    assert len(entries) == 2 and all(e.endswith(f".v{store.READ_CACHE_FORMAT}.npz") for e in entries)
    assert len(parsed) == 2
    again = store.load()
    assert len(parsed) == 2  # from the cache: no CSV parsed
    for name, table in first.tables.items():
        cached = again.tables[name]
        store.pd.testing.assert_frame_equal(cached, table, check_exact=True)
        assert cached.dtypes.equals(table.dtypes)
        for column in table.columns:
            if isinstance(table[column].dtype, store.pd.CategoricalDtype):
                assert cached[column].cat.categories.equals(table[column].cat.categories), column
    for entry in (tmp_path / "cache" / "tables").iterdir():  # plain arrays (numpy's zip of .npy), no pickle
        with store.np.load(entry, allow_pickle=False) as stored:
            assert all(stored[key].dtype != object for key in stored.files)


def test_a_broken_cache_entry_or_folder_falls_back_to_the_file(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(store.CACHE_DIR_VARIABLE, str(cache))
    truth = store.load().tables["ohss-usbp"]
    for entry in (cache / "tables").iterdir():
        entry.write_bytes(entry.read_bytes()[:5000])  # cut short
    store.pd.testing.assert_frame_equal(store.load().tables["ohss-usbp"], truth)
    for entry in (cache / "tables").iterdir():
        entry.write_bytes(b"not numpy")
    store.pd.testing.assert_frame_equal(store.load().tables["ohss-usbp"], truth)
    monkeypatch.setenv(store.CACHE_DIR_VARIABLE, str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("a cache folder that cannot be made")
    store.pd.testing.assert_frame_equal(store.load().tables["ohss-usbp"], truth)


def test_a_table_with_other_bytes_is_never_answered_from_an_old_cache_entry(tmp_path, monkeypatch):
    monkeypatch.setenv(store.CACHE_DIR_VARIABLE, str(tmp_path / "cache"))
    folder = tmp_path / "flat"
    shutil.copytree(store.SHIPPED_DATASET, folder)
    assert store.load(folder).tables["cbp-swb"]["encounters"].sum() > 0
    table = store.load(folder).tables["cbp-swb"].copy()
    table["encounters"] = table["encounters"] * 2
    (folder / "cbp-swb.csv.gz").write_bytes(store.table_bytes(table))
    doubled = store.load(folder).tables["cbp-swb"]
    assert doubled["encounters"].sum() == table["encounters"].sum()
    (folder / "cbp-swb.csv.gz").write_bytes(b"\x1f\x8b broken")  # and a bad file is said to be bad, cache or not
    with pytest.raises(store.StoreError, match="cbp-swb.csv.gz: not readable"):
        store.load(folder)


def test_a_release_s_fingerprint_is_its_content_not_its_id(tmp_path, nationwide):
    """Two hosts that import the same files hold releases of different ids and one fingerprint (so they share
    cache entries); a release that differs in any byte has another."""
    one, two = store.save([], tmp_path / "a"), store.save([], tmp_path / "b")
    assert one.name != two.name
    assert store.load(tmp_path / "a").fingerprint == store.load(tmp_path / "b").fingerprint
    assert store.load(tmp_path / "a").fingerprint == store.load().fingerprint  # the shipped files themselves
    store.save([nationwide], tmp_path / "b")
    assert store.load(tmp_path / "b").fingerprint != store.load(tmp_path / "a").fingerprint
