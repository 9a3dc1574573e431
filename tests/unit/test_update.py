"""`border-dashboard update` against a local HTTP server on 127.0.0.1 that serves the real official files,
and every way a download can fail. Each failure must leave the dataset byte for byte as it was."""

from __future__ import annotations

import errno
import re
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from border_dashboard.components import cli
from border_dashboard.data import store, update
from border_dashboard.data.sources import SOURCES
from tests.conftest import CBP_SWB_FILE, NATIONWIDE_SAMPLE, OHSS_FILE, snapshot

OHSS_NAME, CBP_NAME = OHSS_FILE.name, CBP_SWB_FILE.name


class Publisher(BaseHTTPRequestHandler):
    """Serves two publisher pages and the files they link to; ``routes`` can make any path misbehave."""

    routes: dict = {}

    def log_message(self, *args):  # keep the test output clean
        pass

    def do_GET(self):  # noqa: N802 - the name http.server calls
        behaviour = self.routes.get(self.path)
        if behaviour:
            return behaviour(self)
        if self.path == "/ohss":
            return self.send(200, f'<html><a href="/files/{OHSS_NAME}">Download</a></html>'.encode(), "text/html")
        if self.path == "/cbp":
            return self.send(200, f'<html><a href="files/{CBP_NAME}">CSV</a></html>'.encode(), "text/html")
        if self.path == f"/files/{OHSS_NAME}":
            return self.send(200, OHSS_FILE.read_bytes(), "application/vnd.ms-excel")
        if self.path == f"/files/{CBP_NAME}":
            return self.send(200, CBP_SWB_FILE.read_bytes(), "text/csv")
        return self.send(404, b"not found", "text/plain")

    def send(self, status: int, body: bytes, content_type: str, length: int | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A client that gave up (the timeout tests) breaks the connection: not worth a traceback on stderr,
        where it would land in a later test's captured output."""


@pytest.fixture
def publisher():
    server = QuietServer(("127.0.0.1", 0), Publisher)
    # A short poll interval: shutdown() waits for serve_forever to notice, half a second by default.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    Publisher.routes = {}
    yield (
        base,
        {
            "ohss-usbp": replace(SOURCES["ohss-usbp"], page=f"{base}/ohss"),
            "cbp-swb": replace(SOURCES["cbp-swb"], page=f"{base}/cbp"),
        },
    )
    Publisher.routes = {}
    server.shutdown()
    server.server_close()


def quiet(*_):
    pass


def test_update_downloads_imports_and_keeps_the_previous(publisher, data_dir):
    _, published = publisher
    before = (data_dir / "current").resolve()
    lines = update.update(data_dir, sources=published, progress=quiet)
    current = (data_dir / "current").resolve()
    assert lines == [
        f"ohss-usbp: 48,815 rows from {OHSS_NAME}",  # 40,899 monthly, 7,916 annual
        f"cbp-swb: 1,936 rows from {CBP_NAME}",
        f"current release: {current}",
    ]
    assert current != before and (data_dir / "previous").resolve() == before
    assert snapshot(current) == snapshot(store.SHIPPED_DATASET)  # the same official files give the same bytes
    assert snapshot(before) == snapshot(store.SHIPPED_DATASET)


def test_rollback_swaps_current_and_previous_and_can_be_redone(data_dir, capsys):
    shipped = snapshot(store.SHIPPED_DATASET)
    assert cli.main(["import", str(NATIONWIDE_SAMPLE), "--data-dir", str(data_dir)]) == 0
    newer, older = (data_dir / "current").resolve(), (data_dir / "previous").resolve()
    assert "cbp-nationwide.csv.gz" in snapshot(newer) and snapshot(older) == shipped
    capsys.readouterr()
    assert cli.main(["update", "--rollback", "--data-dir", str(data_dir)]) == 0
    assert f"current release: {older}" in capsys.readouterr().out
    assert (data_dir / "current").resolve() == older and (data_dir / "previous").resolve() == newer
    assert sorted(store.load(data_dir).tables) == ["cbp-swb", "ohss-usbp"]
    assert cli.main(["update", "--rollback", "--data-dir", str(data_dir)]) == 0  # and back again
    assert (data_dir / "current").resolve() == newer and (data_dir / "previous").resolve() == older
    assert "cbp-nationwide" in store.load(data_dir).tables
    assert store.release_ids(data_dir) == sorted([older.name, newer.name])  # a rollback writes no release


def test_rollback_without_a_previous_release(data_dir, capsys):
    before = snapshot(data_dir)
    assert cli.main(["update", "--rollback", "--data-dir", str(data_dir)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "no previous release" in lines[0]
    assert snapshot(data_dir) == before


def _status(code):
    return lambda handler: handler.send(code, b"<html>error</html>", "text/html")


def _cut_short(handler):
    body = CBP_SWB_FILE.read_bytes()
    handler.send(200, body[: len(body) // 3], "text/csv", length=len(body))


def _slow(handler):
    time.sleep(1.5)
    handler.send(200, CBP_SWB_FILE.read_bytes(), "text/csv")


def _html_instead(handler):
    handler.send(200, b"<!DOCTYPE html><html><body>Access denied</body></html>", "text/html; charset=utf-8")


def _huge(handler):
    handler.send(200, b"x" * 2048, "text/csv")


def _bad_csv(handler):
    handler.send(200, CBP_SWB_FILE.read_bytes().replace(b"Expulsions,1", b"Expulsions,-1", 1), "text/csv")


def _not_a_workbook(handler):
    handler.send(200, b"Fiscal Year,Month\n", "application/octet-stream")


def _page_without_link(handler):
    handler.send(200, b"<html>We moved the data.</html>", "text/html")


CBP_FILE_PATH, OHSS_FILE_PATH = f"/files/{CBP_NAME}", f"/files/{OHSS_NAME}"
FAILURES = [
    ("404", CBP_FILE_PATH, _status(404), r"HTTP 404"),
    ("500", CBP_FILE_PATH, _status(500), r"HTTP 500"),
    ("page-404", "/ohss", _status(404), r"/ohss: HTTP 404"),
    ("cut-short", CBP_FILE_PATH, _cut_short, r"cut short"),
    ("slower-than-timeout", CBP_FILE_PATH, _slow, r"no answer within 0.5 s"),
    ("html-instead-of-csv", CBP_FILE_PATH, _html_instead, r"HTML page, not a CSV"),
    ("over-size-limit", CBP_FILE_PATH, _huge, r"over the 1,024-byte limit"),
    ("csv-rejected-by-import", CBP_FILE_PATH, _bad_csv, r"rejected: .*column 'Encounter Count'"),
    ("not-a-workbook", OHSS_FILE_PATH, _not_a_workbook, r"not an Excel workbook"),
    ("page-without-link", "/cbp", _page_without_link, r"no link to the data file"),
]


@pytest.mark.parametrize(("name", "path", "behaviour", "message"), FAILURES, ids=[f[0] for f in FAILURES])
def test_failures_leave_the_dataset_as_it_was(publisher, data_dir, name, path, behaviour, message):
    _, published = publisher
    Publisher.routes = {path: behaviour}
    before = snapshot(data_dir)
    limit = update.MAX_INPUT_BYTES
    if name == "over-size-limit":  # a small limit, so the test need not serve 50 MB
        published, limit = {"cbp-swb": published["cbp-swb"]}, 1024
    with pytest.raises(update.UpdateError) as caught:
        update.update(data_dir, sources=published, timeout=0.5, limit=limit, progress=quiet)
    text = str(caught.value)
    assert "\n" not in text and re.search(message, text), text
    assert snapshot(data_dir) == before


def test_update_command_reports_one_line_and_exits_non_zero(publisher, data_dir, capsys):
    base, _ = publisher
    Publisher.routes = {CBP_FILE_PATH: _status(500)}
    before = snapshot(data_dir)
    code = cli.main(["update", "--source", "cbp-swb", "--page", f"cbp-swb={base}/cbp", "--data-dir", str(data_dir)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1
    assert "HTTP 500" in err[0] and "unchanged" in err[0]
    assert snapshot(data_dir) == before


def test_a_write_error_during_an_update_changes_nothing(publisher, data_dir, monkeypatch, capsys):
    base, _ = publisher
    before = snapshot(data_dir)

    def disk_full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "_write_file", disk_full)
    code = cli.main(["update", "--source", "cbp-swb", "--page", f"cbp-swb={base}/cbp", "--data-dir", str(data_dir)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "No space left on device" in err[0], err
    assert snapshot(data_dir) == before


def test_only_web_addresses_are_fetched():
    with pytest.raises(update.UpdateError, match="only http and https"):
        update.fetch("file:///etc/passwd")


def test_the_dataset_still_loads_after_an_update(publisher, data_dir):
    _, published = publisher
    update.update(data_dir, sources=published, progress=quiet)
    loaded = store.load(data_dir)
    assert sorted(loaded.tables) == ["cbp-swb", "ohss-usbp"]
    assert loaded.location == (data_dir / "current").resolve() and loaded.release == loaded.location.name


def test_update_defaults_to_the_sources_the_dataset_has(publisher, data_dir, capsys):
    """With the nationwide file in the current release, a plain update asks for it too (and fails here,
    since the local publisher has no nationwide page), leaving everything as it was."""
    _, published = publisher
    assert cli.main(["import", str(NATIONWIDE_SAMPLE), "--data-dir", str(data_dir)]) == 0
    before = snapshot(data_dir)
    nationwide = replace(SOURCES["cbp-nationwide"], page=published["cbp-swb"].page.replace("/cbp", "/none"))
    with pytest.raises(update.UpdateError, match="/none: HTTP 404"):
        update.update(data_dir, sources={**published, "cbp-nationwide": nationwide}, progress=quiet)
    assert snapshot(data_dir) == before


OHSS_LINK = SOURCES["ohss-usbp"].link
PAGE = "https://ohss.dhs.gov/khsm/cbp-encounters"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="/files/khsm-usbp.xlsx">x</a>', "https://ohss.dhs.gov/files/khsm-usbp.xlsx"),
        ("<A HREF='files/KHSM_USBP.XLSX'>x</A>", "https://ohss.dhs.gov/khsm/files/KHSM_USBP.XLSX"),
        ("<a href=//cdn.example.org/khsm-usbp.xlsx>x</a>", "https://cdn.example.org/khsm-usbp.xlsx"),
        ('<a href="/khsm-usbp.xlsx?a=1&amp;b=2">x</a>', "https://ohss.dhs.gov/khsm-usbp.xlsx?a=1&b=2"),
        ('<a href="/khsm-usbp.pdf">pdf</a><a href="/b/khsm-usbp.xlsx">1</a><a href="/c/khsm-usbp.xlsx">2</a>', "/b/"),
        (
            '<a href="javascript:get(\'khsm-usbp.xlsx\')">j</a><a href="ftp://x.org/khsm-usbp.xlsx">f</a>'
            '<a href="file:///khsm-usbp.xlsx">l</a><a href="http://x.org/khsm-usbp.xlsx">h</a>',
            "http://x.org/khsm-usbp.xlsx",
        ),
        ('<!-- <a href="/old/khsm-usbp.xlsx"> --><a href="/new/khsm-usbp.xlsx">', "/new/"),
        ('<p data-href="/khsm-usbp.xlsx">no</p><a class="k" href="/khsm-usbp.xlsx">', "/khsm-usbp.xlsx"),
    ],
)
def test_find_link_reads_the_page_as_html(html, expected):
    found = update.find_link(PAGE, html, OHSS_LINK)
    assert found == expected if expected.startswith("http") else expected in found


@pytest.mark.parametrize(
    "html",
    [
        "<html>We moved the data.</html>",
        '<a href="/khsm-usbp.xlsx',  # the page ends inside the tag
        "<script>var u = \"<a href='/khsm-usbp.xlsx'>\";</script>",  # a script's text is not a link
        '<a href="mailto:khsm-usbp.xlsx@example.org">',
    ],
)
def test_find_link_without_a_link(html):
    with pytest.raises(update.UpdateError, match="no link to the data file"):
        update.find_link(PAGE, html, OHSS_LINK)


ADVERSARIAL_PAGES = {  # the backtracking pattern spent 80 s on 20 kB of the first; old parsers' close() too
    "unclosed-href": '<a href="' + "khsm usbp " * 40_000,
    "unclosed-tags": "<x" * 200_000,
    "many-hrefs": '<a href="khsm-usbp' * 25_000,
    "tags-then-unclosed": '<a b="khsm usbp">' * 25_000 + '<a href="' + "k" * 10,
    "comments": "<!--" + "<a href=x>" * 40_000,
}


@pytest.mark.parametrize("name", list(ADVERSARIAL_PAGES))
def test_find_link_is_linear_in_the_page(name):
    html = ADVERSARIAL_PAGES[name]
    assert len(html) >= 400_000
    started = time.perf_counter()
    with pytest.raises(update.UpdateError):
        update.find_link(PAGE, html, OHSS_LINK)
    assert time.perf_counter() - started < 2.0  # about 0.2 s here; quadratic would take minutes
