"""`border-dashboard update` against a local HTTP server on 127.0.0.1 that serves the real official files,
and every way a download can fail. Each failure must leave the dataset byte for byte as it was."""

from __future__ import annotations

import errno
import re
import signal
import socket
import subprocess
import sys
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


def _slowish(handler):
    time.sleep(0.6)
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


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("http://[::1", "not a valid address"),
        ("ftp://127.0.0.1/cbp", "not an http or https address"),
        ("http://", "not an http or https address"),
        ("http://127.0.0.1:99999/", "not a valid address"),
        ("http://" + "a" * 300 + ".org/", "cannot find the host"),
    ],
)
def test_a_page_address_that_cannot_be_fetched_is_one_line(data_dir, capsys, page, message):
    before = snapshot(data_dir)
    command = ["update", "--source", "cbp-swb", "--page", f"cbp-swb={page}", "--data-dir", str(data_dir)]
    assert cli.main([*command, "--timeout", "5"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and not re.match(r"error: \w+Error:", err[0]), err
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


# --- a release that covers less than the one in place ------------------------------------------------

CBP_LINES = CBP_SWB_FILE.read_bytes().splitlines(keepends=True)


def _serve_csv(lines):
    body = b"".join(lines)
    return lambda handler: handler.send(200, body, "text/csv")


SMALLER = [
    # The case: a Content-Length shorter than the file, which the client reads as the whole file.
    (
        "ends-earlier",
        _serve_csv(CBP_LINES[:501]),
        r"cbp-swb: the new file's data ends 2022-\d\d, earlier than the 2025-08",
    ),
    (
        "fewer-months",
        _serve_csv([CBP_LINES[0], *(x for x in CBP_LINES[1:] if not x.startswith(b"2022,"))]),
        r"covers \d+ months",
    ),
    (
        "far-fewer-rows",
        _serve_csv([CBP_LINES[0], *CBP_LINES[1::2], CBP_LINES[-1]]),
        r"far fewer than the 1,936 in place",
    ),
]


@pytest.mark.parametrize(("name", "behaviour", "message"), SMALLER, ids=[s[0] for s in SMALLER])
def test_a_smaller_release_is_refused_unless_forced(publisher, data_dir, capsys, name, behaviour, message):
    base, _ = publisher
    Publisher.routes = {CBP_FILE_PATH: behaviour}
    before = snapshot(data_dir)
    command = ["update", "--source", "cbp-swb", "--page", f"cbp-swb={base}/cbp", "--data-dir", str(data_dir)]
    assert cli.main(command) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.search(message, err[0]) and "--force" in err[0], err
    assert snapshot(data_dir) == before
    assert cli.main([*command, "--force"]) == 0  # the reader asked for it
    assert store.load(data_dir).provenance["cbp-swb"]["rows"] < 1_936


def test_a_release_that_grows_is_taken(publisher, data_dir):
    """The check compares with the release in place: a first smaller import, then the whole file, is fine."""
    base, published = publisher
    Publisher.routes = {CBP_FILE_PATH: _serve_csv(CBP_LINES[:501])}
    update.update(data_dir, ["cbp-swb"], sources=published, progress=quiet, force=True)
    Publisher.routes = {}
    update.update(data_dir, ["cbp-swb"], sources=published, progress=quiet)
    assert store.load(data_dir).provenance["cbp-swb"]["rows"] == 1_936


# --- one deadline for the whole update ---------------------------------------------------------------


def _drip_body(handler):
    """Headers at once, then the body one byte every 2 s (each read well inside any per-read timeout)."""
    body = CBP_SWB_FILE.read_bytes()
    handler.send_response(200)
    handler.send_header("Content-Type", "text/csv")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    for byte in body[:30]:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.5)


def _drip_headers(handler):
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    for _ in range(60):
        handler.wfile.write(b"X-Slow: 1\r\n")
        handler.wfile.flush()
        time.sleep(0.5)


def _slow_page(handler):
    time.sleep(0.6)
    handler.send(200, f'<html><a href="files/{CBP_NAME}">CSV</a></html>'.encode(), "text/html")


@pytest.mark.parametrize(
    ("path", "behaviour"),
    [(CBP_FILE_PATH, _drip_body), (CBP_FILE_PATH, _drip_headers), ("/cbp", _slow_page)],
    ids=["dripping-body", "dripping-headers", "slow-page-then-file"],
)
def test_the_timeout_bounds_the_whole_update(publisher, data_dir, capsys, path, behaviour):
    base, _ = publisher
    Publisher.routes = {path: behaviour}
    if behaviour is _slow_page:  # the page takes 0.6 s and the file 0.6 s: each alone within 1 s, not both
        Publisher.routes[CBP_FILE_PATH] = _slowish
    before = snapshot(data_dir)
    started = time.monotonic()
    command = ["update", "--source", "cbp-swb", "--page", f"cbp-swb={base}/cbp", "--data-dir", str(data_dir)]
    assert cli.main([*command, "--timeout", "1"]) == 1
    took = time.monotonic() - started
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no answer within 1 s" in err[0], err
    assert took < 2.5, took
    assert snapshot(data_dir) == before


# --- where an update may go ----------------------------------------------------------------------------


def _redirect(location):
    def behaviour(handler):
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return behaviour


def _page_linking(href):
    return lambda handler: handler.send(200, f'<html><a href="{href}">CSV</a></html>'.encode(), "text/html")


def test_redirects_on_the_page_host_are_followed(publisher, data_dir):
    """The page moved, and so did the file: links are read against the page's final address."""
    base, published = publisher
    Publisher.routes = {
        "/cbp": _redirect("/moved/cbp"),
        "/moved/cbp": _page_linking("sw-land-border-encounters.csv"),
        "/moved/sw-land-border-encounters.csv": _redirect(f"{base}/files/{CBP_NAME}"),
    }
    lines = update.update(data_dir, ["cbp-swb"], sources=published, progress=quiet)
    assert lines[0] == "cbp-swb: 1,936 rows from sw-land-border-encounters.csv"


def _port(base):
    return int(base.rsplit(":", 1)[1])


REFUSED = [
    ("redirect-to-ftp", {CBP_FILE_PATH: _redirect("ftp://127.0.0.1/sw-land-border-encounters.csv")}, r"only http"),
    ("redirect-to-file", {CBP_FILE_PATH: _redirect("file:///etc/passwd")}, r"only http"),
    (
        "redirect-to-another-host",
        {CBP_FILE_PATH: _redirect("http://localhost:{port}/files/" + CBP_NAME)},
        r"localhost is not the page's host \(127.0.0.1\); not followed",
    ),
    (
        "link-to-another-host",
        {"/cbp": _page_linking("http://localhost:{port}/files/" + CBP_NAME)},
        r"links the data file on another host \(localhost\)",
    ),
    ("redirect-to-metadata", {CBP_FILE_PATH: _redirect("http://169.254.169.254/latest/meta-data/x")}, r"not the page"),
    ("too-many-redirects", {CBP_FILE_PATH: _redirect(CBP_FILE_PATH)}, r"more than 5 redirects"),
    ("redirect-to-no-address", {CBP_FILE_PATH: _redirect("http://[::1/x")}, r"not a valid address"),
    ("redirect-to-port-0", {CBP_FILE_PATH: _redirect("http://127.0.0.1:0/x")}, r"Connection refused"),
    ("redirect-without-location", {CBP_FILE_PATH: _redirect("")}, r"HTTP 302 without a Location"),
]


@pytest.mark.parametrize(("name", "routes", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_only_http_to_the_page_host_is_followed(publisher, data_dir, name, routes, message):
    base, published = publisher
    port = _port(base)
    Publisher.routes = {}
    for path, behaviour in routes.items():
        Publisher.routes[path] = behaviour
    if name.endswith("another-host"):  # the address holds the server's port, known only now
        location = "http://localhost:%d/files/%s" % (port, CBP_NAME)
        Publisher.routes = {
            next(iter(routes)): _redirect(location) if name.startswith("redirect") else _page_linking(location)
        }
    before = snapshot(data_dir)
    with pytest.raises(update.UpdateError) as caught:
        update.update(data_dir, ["cbp-swb"], sources=published, timeout=5, progress=quiet)
    assert "\n" not in str(caught.value) and re.search(message, str(caught.value)), str(caught.value)
    assert snapshot(data_dir) == before


def test_hosts_named_for_the_source_are_followed_only_at_public_addresses(publisher, data_dir, monkeypatch):
    """A host the registry names for the source may serve the file, but never at a link-local or private
    address (the cloud metadata service, a LAN), even though the page itself is on loopback."""
    base, published = publisher
    cbp = replace(published["cbp-swb"], hosts=("169.254.169.254", "files.example.org"))
    real_resolve, real_connect, connected = update.resolve, socket.create_connection, []

    def connect(address, *args, **kwargs):
        connected.append(address[0])
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(update, "resolve", lambda h, p: ["10.1.2.3"] if "example" in h else real_resolve(h, p))
    monkeypatch.setattr(update.socket, "create_connection", connect)
    before = snapshot(data_dir)
    for href, address in [
        ("http://169.254.169.254/sw-land-border-encounters.csv", "169.254.169.254"),
        ("http://files.example.org/sw-land-border-encounters.csv", "10.1.2.3"),
    ]:
        Publisher.routes = {"/cbp": _page_linking(href)}
        with pytest.raises(update.UpdateError, match=rf"is at {re.escape(address)}, a private, link-local"):
            update.update(data_dir, ["cbp-swb"], sources={"cbp-swb": cbp}, timeout=5, progress=quiet)
    assert connected and set(connected) == {"127.0.0.1"}  # nothing was sent to the refused addresses
    assert snapshot(data_dir) == before


def test_a_public_page_may_not_reach_loopback(monkeypatch):
    """The page's own host resolving to a public address: its links to loopback are refused."""
    policy = update.Policy("ohss.dhs.gov", frozenset({"ohss.dhs.gov"}), loopback=False)
    monkeypatch.setattr(update, "resolve", lambda host, port: ["127.0.0.1"])
    with pytest.raises(update.UpdateError, match="private, link-local or loopback"):
        policy.addresses("https://ohss.dhs.gov/khsm-usbp.xlsx", update.Deadline(5))
    monkeypatch.setattr(update, "resolve", lambda host, port: ["::ffff:169.254.169.254"])
    with pytest.raises(update.UpdateError, match="private, link-local or loopback"):
        policy.addresses("https://ohss.dhs.gov/khsm-usbp.xlsx", update.Deadline(5))
    monkeypatch.setattr(update, "resolve", lambda host, port: ["23.1.2.3"])
    assert policy.addresses("https://ohss.dhs.gov/khsm-usbp.xlsx", update.Deadline(5))[2] == ["23.1.2.3"]


# --- no traceback for any input ----------------------------------------------------------------------

LONG_NAME = "x" * 300 + "-sw-land-border-encounters.csv"


@pytest.mark.parametrize(
    "routes",
    [
        {"/cbp": _page_linking(f"/files/{LONG_NAME}"), f"/files/{LONG_NAME}": _serve_csv(CBP_LINES)},
        {"/cbp": _page_linking("/files/%00%0a\u2028=cmd|sw-land-border-encounters.csv")},
        {"/cbp": _page_linking("http://[::1/sw-land-border-encounters.csv")},
        {"/cbp": _page_linking("http://127.0.0.1:99999/sw-land-border-encounters.csv")},
        {CBP_FILE_PATH: lambda h: h.send(200, CBP_SWB_FILE.read_bytes(), "text/csv\r\n" + "y" * 70_000)},
        {CBP_FILE_PATH: lambda h: h.send(200, b"\xff\xfe\x00" * 1000, "text/csv")},
        {CBP_FILE_PATH: lambda h: h.wfile.write(b"HTTP/1.1 999 \x1b[31m" + b"z" * 500 + b"\r\n\r\n")},
        {CBP_FILE_PATH: lambda h: h.wfile.write(b"garbage\r\n\r\n")},
    ],
    ids=["300-char-name", "control-chars", "bad-ipv6", "bad-port", "huge-header", "binary", "odd-status", "no-http"],
)
def test_no_traceback_whatever_the_publisher_sends(publisher, data_dir, capsys, routes):
    base, _ = publisher
    Publisher.routes = dict(routes)
    command = ["update", "--source", "cbp-swb", "--page", f"cbp-swb={base}/cbp", "--data-dir", str(data_dir)]
    code = cli.main([*command, "--timeout", "5"])
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert "Traceback" not in captured.err and str(data_dir / ".scratch") not in captured.err
    assert not list(data_dir.glob(".scratch-*"))
    if code == 0:  # the long name: taken, under a name a file system holds
        assert len(store.load(data_dir).provenance["cbp-swb"]["input_file"]) <= 130
    else:
        assert len(err) == 1 and err[0].startswith("error: ") and len(err[0]) < 600, err


# --- a full disk and a killed writer, for real: in a subprocess --------------------------------------

ROOT = CBP_SWB_FILE.parents[2]


def _run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


FULL_DISK = """
import resource, signal, sys
from border_dashboard.components import cli
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG, as on a full disk
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.exit(cli.main(sys.argv[2:]))
"""


@pytest.mark.parametrize("limit", [100_000, 170_000], ids=["while-downloading", "mid-save"])
def test_a_full_disk_during_an_update_is_one_line_and_changes_nothing(publisher, data_dir, limit):
    """File sizes capped below the download (162 kB) or below the copied OHSS table (199 kB): the write
    fails with EFBIG like a full disk, part of a file written. One line, no temporary path, no bytes lost."""
    base, _ = publisher
    before = snapshot(data_dir)
    command = ["update", "--source", "cbp-swb", "--page", f"cbp-swb={base}/cbp", "--data-dir", str(data_dir)]
    done = _run(FULL_DISK, str(limit), *command)
    err = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(err) == 1 and "File too large" in err[0], done.stderr
    assert ".incoming" not in err[0] and ".scratch" not in err[0] and "unchanged" in err[0]
    assert snapshot(data_dir) == before  # every byte of the release in place, and nothing left beside it


KILLED = """
import os, signal, sys
from border_dashboard.components import cli
from border_dashboard.data import store, update
where = sys.argv[1]
if where == "mid-save":
    real = store._write_file
    def write_then_die(path, data):
        real(path, data)
        os.kill(os.getpid(), signal.SIGKILL)
    store._write_file = write_then_die
else:
    def die(path):
        os.kill(os.getpid(), signal.SIGKILL)
    update.read_source_file = die
sys.exit(cli.main(sys.argv[2:]))
"""


@pytest.mark.parametrize("where", ["mid-save", "after-download"])
def test_a_killed_update_leaves_nothing_after_the_next_write(publisher, data_dir, where):
    base, _ = publisher
    before = snapshot(data_dir)
    command = ["update", "--source", "cbp-swb", "--page", f"cbp-swb={base}/cbp", "--data-dir", str(data_dir)]
    done = _run(KILLED, where, *command)
    assert done.returncode == -signal.SIGKILL, done.stderr
    left = list((data_dir / "releases").glob(".incoming-*")) + list(data_dir.glob(".scratch-*"))
    assert left  # what the killed process was writing...
    assert {k: v for k, v in snapshot(data_dir).items() if k.startswith(("current", "previous"))} == {
        k: v for k, v in before.items() if k.startswith(("current", "previous"))
    }  # ...never made current
    assert cli.main(["import", str(NATIONWIDE_SAMPLE), "--data-dir", str(data_dir)]) == 0  # the next write
    assert not list((data_dir / "releases").glob(".incoming-*")) and not list(data_dir.glob(".scratch-*"))
