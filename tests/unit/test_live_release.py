"""A running server sees new data: after `import` (another process, through the command line), the app
serves the new release within seconds, without a restart and without an error answer to any reader."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from werkzeug.serving import make_server

from border_dashboard.components import app as application
from border_dashboard.components import live
from border_dashboard.data import store
from tests.conftest import CBP_SWB_FILE, NATIONWIDE_SAMPLE

ROOT = CBP_SWB_FILE.parents[2]
NATIONWIDE_LABEL = "CBP: Nationwide"  # in the page's source dropdown once the release has that source


@pytest.fixture
def running(data_dir):
    app = application.create_app(data_dir)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _get(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Referer": url.rsplit("/", 1)[0] + "/?source=cbp-swb"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


def test_an_import_is_served_within_seconds_without_an_error(running, data_dir):
    app, base = running
    status, page = _get(f"{base}/_dash-layout")
    assert status == 200 and NATIONWIDE_LABEL not in page
    answers, stop = [], threading.Event()

    def reader():  # another reader, asking all along
        while not stop.is_set():
            try:
                answers.append(_get(f"{base}/_dash-layout")[0])
            except Exception as error:  # noqa: BLE001 - an error answer is what the test looks for
                answers.append(repr(error))

    threading.Thread(target=reader, daemon=True).start()
    done = subprocess.run(  # another process, as `border-dashboard import` would be
        [sys.executable, "-c", "import sys; from border_dashboard.components import cli; sys.exit(cli.main())"]
        + ["import", str(NATIONWIDE_SAMPLE), "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    imported_at = time.monotonic()
    new_release = store.locate(data_dir)
    while time.monotonic() - imported_at < 10:
        status, page = _get(f"{base}/_dash-layout")
        if NATIONWIDE_LABEL in page:
            break
        time.sleep(0.1)
    took = time.monotonic() - imported_at
    stop.set()
    assert NATIONWIDE_LABEL in page, "the new release was not served within 10 s"
    assert app.server.config["BORDER_LIVE_DATA"].release == new_release.name
    assert took < 5, took
    assert answers and set(answers) == {200}, [a for a in answers if a != 200][:3]


def test_a_reader_keeps_the_release_it_started_with(data_dir):
    app = application.create_app(data_dir)
    current = app.server.config["BORDER_LIVE_DATA"]
    started_with = current()  # a request in progress holds this bundle
    assert store.save([], data_dir) != started_with.dataset.location  # a new release (same data)
    current.check(wait=True)
    assert current() is not started_with and current().dataset.location == store.locate(data_dir)
    assert started_with.dataset.tables  # the old bundle is whole: the request finishes on it


def test_a_release_that_cannot_be_read_is_skipped(data_dir, caplog):
    app = application.create_app(data_dir)
    current = app.server.config["BORDER_LIVE_DATA"]
    before = current()
    release = store.save([], data_dir)
    (release / "cbp-swb.csv.gz").write_bytes(b"not gzip")  # broken behind the store's back
    current.check(wait=True)
    assert current() is before and "not served" in caplog.text
    current.check(wait=True)  # not retried at once while the pointer stays
    assert caplog.text.count("not served") == 1


def test_a_release_that_could_not_be_read_is_tried_again_and_served_once_it_reads(data_dir, caplog):
    """A file the release lacked for a moment (a network folder, a copy not yet done) does not leave the
    server on the old release for good: the release is tried again after ``retry`` seconds."""
    app = application.create_app(data_dir)
    current = app.server.config["BORDER_LIVE_DATA"]
    before = current()
    release = store.save([], data_dir)
    table = release / "cbp-swb.csv.gz"
    good = table.read_bytes()
    table.write_bytes(b"not yet")
    current.check(wait=True)
    assert current() is before and caplog.text.count("not served") == 1
    table.write_bytes(good)  # the file arrives
    current.check(wait=True)
    assert current() is before  # not before the retry time
    current._retry_at = 0  # the minute has passed
    current.check(wait=True)
    assert current() is not before and current().dataset.location == release


def test_checks_are_at_most_once_a_second(data_dir, monkeypatch):
    current = application.create_app(data_dir).server.config["BORDER_LIVE_DATA"]
    looked = []
    real = store.locate
    monkeypatch.setattr(live.store, "locate", lambda d=None: looked.append(1) or real(d))
    current._next_check = 0
    for _ in range(1000):
        current()
    assert len(looked) == 1


def test_an_app_on_a_given_dataset_does_not_follow(data_dir, dataset):
    current = application.create_app(data_dir, dataset=dataset).server.config["BORDER_LIVE_DATA"]
    store.save([], data_dir)
    current._next_check = 0
    assert current().dataset is dataset


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_every_gunicorn_worker_serves_the_new_release(data_dir):
    """`serve --workers 2` (gunicorn, the dataset preloaded before the fork): after an import, every
    answer is of the new release within seconds, whichever worker gives it."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "app.py", "serve", "--workers", "2", "--threads", "2", "--port", str(port)]
        + ["--data-dir", str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(f"{base}/_dash-layout")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        pages = [_get(f"{base}/_dash-layout")[1] for _ in range(10)]
        assert not any(NATIONWIDE_LABEL in page for page in pages)
        done = subprocess.run(
            [sys.executable, "app.py", "import", str(NATIONWIDE_SAMPLE), "--data-dir", str(data_dir)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        imported_at, statuses, streak = time.monotonic(), [], 0
        while streak < 20 and time.monotonic() - imported_at < 15:
            status, page = _get(f"{base}/_dash-layout")
            statuses.append(status)
            streak = streak + 1 if NATIONWIDE_LABEL in page else 0
        took = time.monotonic() - imported_at
        assert streak >= 20, "not every worker served the new release within 15 s"
        assert set(statuses) == {200}
        print(f"\nevery worker on the new release after {took:.1f} s, {len(statuses)} answers, all 200")
    finally:
        server.terminate()
        server.wait(timeout=20)
        server.stderr.close()


def test_two_writers_and_a_reading_server(running, data_dir):
    """Two imports at once (the writer lock orders them) while a reader asks all along: every answer is
    200, and the server ends on the release that is current once both are done."""
    app, base = running
    answers, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                answers.append(_get(f"{base}/_dash-layout")[0])
            except Exception as error:  # noqa: BLE001
                answers.append(repr(error))

    threading.Thread(target=reader, daemon=True).start()
    script = "import sys; from border_dashboard.components import cli; sys.exit(cli.main())"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", script, "import", str(path), "--data-dir", str(data_dir)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for path in (NATIONWIDE_SAMPLE, CBP_SWB_FILE)
    ]
    for writer in writers:
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
        writer.stderr.close()
    final = store.locate(data_dir)
    current = app.server.config["BORDER_LIVE_DATA"]
    deadline = time.monotonic() + 10
    while current.release != final.name and time.monotonic() < deadline:
        _get(f"{base}/_dash-layout")
        time.sleep(0.1)
    stop.set()
    assert current.release == final.name
    assert sorted(current().dataset.tables) == ["cbp-nationwide", "cbp-swb", "ohss-usbp"]  # both imports in it
    assert answers and set(answers) == {200}
