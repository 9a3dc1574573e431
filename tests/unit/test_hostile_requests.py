"""A bounded fuzz of the running server's endpoints (on 127.0.0.1, started here): malformed JSON, wrong
types, unknown ids, huge lists, odd page URLs. Every answer is a 4xx or a handled response, no body
carries a traceback, and the server keeps answering. Also the safe defaults of `serve`."""

from __future__ import annotations

import argparse
import collections
import http.client
import itertools
import json
import logging
import random
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from border_dashboard.components import app as application
from border_dashboard.components import cli, ids, view
from border_dashboard.components.state import ViewState, to_query

ROOT = Path(__file__).resolve().parents[2]
REQUESTS_PER_KIND = 150


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """`app.py serve` in a subprocess, its stderr (Flask's log and the request log) kept in a file."""

    port: int
    log: Path

    def log_size(self) -> int:
        return self.log.stat().st_size

    def unexpected_log_lines(self, since: int = 0) -> list[str]:
        """What a healthy server never logs: a traceback, an error, or a 5xx answer in the request log."""
        with self.log.open("rb") as log:
            log.seek(since)
            lines = log.read().decode(errors="replace").splitlines()
        return [
            line
            for line in lines
            if "Traceback" in line or " ERROR in " in line or "Exception" in line or re.search(r'" 5\d\d ', line)
        ]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "stderr.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "app.py", "serve", "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if _get(port, "/")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    yield Server(port, log)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def quiet(server):
    """The test's requests made the server log nothing unexpected (checked at the end of the test)."""
    start = server.log_size()
    yield server
    unexpected = server.unexpected_log_lines(since=start)
    assert unexpected == [], server.log.read_bytes()[start:][-5000:].decode(errors="replace")


def _request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    result = response.status, response.read(), dict(response.getheaders())
    connection.close()
    return result


def _get(port, path, headers=None):
    return _request(port, "GET", path, headers=headers)


def _post(port, body):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return _request(port, "POST", "/_dash-update-component", data, {"Content-Type": "application/json"})


JUNK = [
    None,
    1,
    -1,
    1e308,
    "",
    "x" * 10_000,
    [],
    {},
    ["China"] * 5_000,
    {"a": [1, {"b": None}]},
    True,
    "?nationality=" + "&nationality=".join(["China"] * 2_000),
    "\x00",
    "../../etc/passwd",
]


def _dependencies(app) -> list[dict]:
    """The callbacks as the page learns them, from the app's public /_dash-dependencies."""
    return json.loads(app.server.test_client().get("/_dash-dependencies").data)


def _server_callbacks(app):
    """(output key, registration) of every callback that runs on the server (not the clientside ones)."""
    return [(d["output"], d) for d in _dependencies(app) if not d.get("clientside_function")]


def _outputs(key: str):
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in parts]
    return outputs if key.startswith("..") else outputs[0]


def _export_link(rng: random.Random) -> dict:
    """A concrete id of a pattern-matching component: mostly real ones, sometimes made up."""
    chart = rng.choice(["trend", "rise", "../x", ""])
    fmt = rng.choice(["png", "svg", "pdf", "exe", ""])
    return {"type": ids.EXPORT_LINK, "chart": chart, "format": fmt}


def _entries(registered: list[dict], rng: random.Random) -> list:
    """Inputs or state as the page sends them: a plain id gives one entry, a wildcard id a list of them."""
    entries = []
    for item in registered:
        if item["id"].startswith("{"):
            entries.append(
                [
                    {"id": _export_link(rng), "property": item["property"], "value": rng.choice(JUNK)}
                    for _ in range(rng.randint(0, 3))
                ]
            )
        else:
            entries.append({"id": item["id"], "property": item["property"], "value": rng.choice(JUNK)})
    return entries


def _prop_id(entry: dict) -> str:
    component = entry["id"]
    if isinstance(component, dict):
        component = json.dumps(component, sort_keys=True, separators=(",", ":"))
    return f"{component}.{entry['property']}"


def _well_formed(app, rng: random.Random):
    """Update requests in exactly the outline the page sends, with anything at all as values."""
    callbacks = _server_callbacks(app)
    for _ in range(REQUESTS_PER_KIND):
        key, entry = rng.choice(callbacks)
        inputs = _entries(entry["inputs"], rng)
        flat = [one for item in inputs for one in (item if isinstance(item, list) else [item])]
        changed = [_prop_id(rng.choice(flat))] if flat and rng.random() < 0.9 else []
        yield (
            key,
            {
                "output": key,
                "outputs": _outputs(key),
                "inputs": inputs,
                "state": _entries(entry["state"], rng),
                "changedPropIds": changed,
            },
        )


def _malformed(app, rng: random.Random):
    """Bodies the page could not send: not JSON, not an object, unknown or clientside outputs, inputs that
    do not match the callback's registration."""
    yield b"{bad json"
    yield b""
    yield b"[]"
    yield b"null"
    yield b"5"
    yield json.dumps(
        {
            "output": "nope.children",
            "outputs": {"id": "nope", "property": "children"},
            "inputs": [],
            "changedPropIds": [],
        }
    ).encode()
    yield json.dumps({"output": 5, "inputs": "x"}).encode()
    clientside = next(d["output"] for d in _dependencies(app) if d.get("clientside_function"))
    yield json.dumps({"output": clientside, "outputs": _outputs(clientside), "inputs": []}).encode()
    key, entry = next((k, e) for k, e in _server_callbacks(app) if ids.DOWNLOAD_CSV in k)
    csv = {
        "output": key,
        "outputs": _outputs(key),
        "inputs": [{"id": ids.DOWNLOAD_CSV_BUTTON, "property": "n_clicks", "value": 1}],
        "state": [{"id": ids.SELECTION, "property": "data", "value": "?"}],
        "changedPropIds": [f"{ids.DOWNLOAD_CSV_BUTTON}.n_clicks"],
    }
    wrong = [
        {"inputs": [[{"id": ids.DOWNLOAD_CSV_BUTTON, "property": "n_clicks", "value": 1}]]},  # a list, not an entry
        {"inputs": [{"id": {"type": "other"}, "property": "n_clicks", "value": 1}]},
        {"inputs": [{"id": ids.DOWNLOAD_CSV_BUTTON, "property": "n_clicks", "value": 1}, "extra"]},
        {"outputs": {"id": ids.NOTICE, "property": "children"}},
        {"state": []},
        {"state": [{"id": ids.URL, "property": "search", "value": "?"}]},
        {"changedPropIds": [f"{ids.SELECTION}.data"]},  # not an input of this callback
        {"changedPropIds": "x"},
    ]
    for change in wrong:
        yield json.dumps({**csv, **change}).encode()
    for _ in range(REQUESTS_PER_KIND):
        size = rng.randint(1, 300)
        yield bytes(rng.randrange(256) for _ in range(size))


ODD_QUERIES = [
    "?nationality=%00",
    "?nationality=" + quote("<script>alert(1)</script>"),
    "?from=9999-99&to=-1",
    "?" + "&".join(f"nationality=N{i}" for i in range(500)),
    "?region=" + "A" * 5000,
    "?%ff%fe=%ff",
    "?basis=fiscal&basis=calendar&basis=",
    "?source=../../data",
    "?rise=1:2:3",
    "?events=%0a%0d",
]


def _assert_handled(status, body, what):
    assert status < 500, (what, status, body[:300])
    assert b"Traceback" not in body and b'File "' not in body, what


def test_fuzz_callback_endpoint(quiet):
    """Well-formed requests with junk values are answered (200, or 204 for no change); a request the page
    could not send is a 400; nothing is a 500, and the server logs no exception."""
    rng = random.Random(20261129)
    app = application.create_app()
    answered = collections.Counter()
    for key, body in _well_formed(app, rng):
        status, answer, _ = _post(quiet.port, body)
        assert status in (200, 204), (status, answer[:300], json.dumps(body)[:300])
        answered[key, status] += 1
    for key, _ in _server_callbacks(app):  # every callback ran to an answer with content at least once
        assert answered[key, 200] >= 1, (key, answered)
    for _, body in itertools.islice(_well_formed(app, rng), 30):
        values = [one for item in body["inputs"] for one in (item if isinstance(item, list) else [item])]
        for one in values:  # half a UTF-16 pair: JSON can escape it, no text holds it
            one["value"] = "\x00\ud800"
        status, answer, _ = _post(quiet.port, body)
        assert status in ((400,) if values else (200, 204)), (status, answer[:300], json.dumps(body)[:300])
    for body in _malformed(app, rng):
        status, answer, _ = _post(quiet.port, body)
        assert status == 400, (status, answer[:300], body[:300])
        assert b"Traceback" not in answer and b'File "' not in answer
    assert _get(quiet.port, "/")[0] == 200  # still answering


def test_unknown_component_suites_are_not_found(quiet):
    for path in (
        "/_dash-component-suites/nope/x.js",
        "/_dash-component-suites/dash/nope.js",
        "/_dash-component-suites/dash/../../etc/passwd",
        "/_dash-component-suites/plotly/package_data/x.min.js",
    ):
        status, body, _ = _get(quiet.port, path)
        assert status == 404, (path, status, body[:300])
        assert b"Traceback" not in body and b"registered" not in body, path  # no list of the server's files
    assert _get(quiet.port, "/_dash-component-suites/dash/dcc/async-graph.js")[0] == 200


def test_odd_page_urls(quiet):
    for query in ODD_QUERIES:
        status, body, _ = _get(quiet.port, "/" + query)
        _assert_handled(status, body, query)
        status, body, _ = _get(
            quiet.port, "/_dash-layout", headers={"Referer": f"http://127.0.0.1:{quiet.port}/{query}"}
        )
        _assert_handled(status, body, query)
        assert status == 200 and b"<script>alert" not in body
    assert _get(quiet.port, "/")[0] == 200


def test_safe_defaults(quiet):
    status, body, headers = _get(quiet.port, "/")
    assert status == 200
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self' 'sha256-" in policy
    assert "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert _get(quiet.port, "/_reload-hash")[0] == 404  # no hot reload, not even its endpoint
    assert headers["Server"] == "border-dashboard"  # not Werkzeug's nor Python's version
    status, body, _ = _post(
        quiet.port, {"output": "x.y", "outputs": {"id": "x", "property": "y"}, "inputs": [], "changedPropIds": []}
    )
    assert status == 400 and b"Traceback" not in body  # no such callback: the client's error, no traceback
    assert b"dev-tools" not in _get(quiet.port, "/_dash-layout")[1]


def test_bound_to_loopback_by_default():
    args = argparse.ArgumentParser()
    cli.add_serve_arguments(args)
    parsed = args.parse_args([])
    assert parsed.host == "127.0.0.1" and parsed.debug is False


def test_layout_for_an_odd_link_is_the_default_with_notices():
    app = application.create_app()
    with app.server.test_request_context("/_dash-layout", headers={"Referer": "http://h/?from=banana&nationality=%00"}):
        page = app.layout()
    assert page[ids.SELECTION].data == to_query(ViewState())
    assert "YYYY-MM" in str(page[ids.NOTICE].children)


def test_a_callback_that_raises_is_a_500_logged_with_its_traceback(monkeypatch, caplog):
    """A well-formed request whose callback fails is the server's error: 500, a short JSON answer, and the
    traceback in the server's log only."""
    app = application.create_app()
    key, entry = next((k, e) for k, e in _server_callbacks(app) if f"{ids.TREND}.figure" in k)

    def broken(*args, **kwargs):
        raise RuntimeError("the redraw is broken")

    monkeypatch.setattr(view, "build", broken)
    body = {
        "output": key,
        "outputs": _outputs(key),
        "inputs": [
            {"id": ids.SELECTION, "property": "data", "value": "?nationality=India"},
            {"id": ids.VIEWPORT, "property": "data", "value": "wide"},
        ],
        "state": [],
        "changedPropIds": [f"{ids.SELECTION}.data"],
    }
    with caplog.at_level(logging.INFO):
        answer = app.server.test_client().post("/_dash-update-component", json=body)
    assert answer.status_code == 500
    assert answer.get_json() == {"error": "Internal error."}
    logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(logged) == 1 and "unexpected exception answering POST /_dash-update-component" in logged[0].message
    assert "the redraw is broken" in logging.Formatter().formatException(logged[0].exc_info)
    assert application.request_fault(app, body) is None
    assert application.request_fault(app, {**body, "changedPropIds": ["url.search"]}) == (
        "changedPropIds name something that is not an input of the callback"
    )


def test_request_limits(quiet):
    """A callback body over 1 MB is refused with a 413 before it is read; the page's own bodies pass."""
    refused = []
    for size in (1024 * 1024 + 1, 5 * 1024 * 1024, 40 * 1024 * 1024):
        body = b'{"output": "' + b"x" * size + b'"}'
        try:
            status, answer, _ = _post(quiet.port, body)
        except (BrokenPipeError, ConnectionResetError):  # the server answered and closed before all was sent
            continue
        assert status == 413, (size, status, answer[:200])
        assert b"Traceback" not in answer
        refused.append(size)
    assert refused  # at least one answer read back (the others may be cut off by the server's close)
    assert _post(quiet.port, {"output": "x" * 100_000})[0] == 400  # under the limit: read, and malformed
    assert _get(quiet.port, "/")[0] == 200


def test_no_development_files_in_production(quiet):
    """Outside debug mode: no source maps, no hot-reload hash, not the full plotly.js the page does not use;
    the bundles the page does use are served."""
    for path in (
        "/_reload-hash",
        "/_dash-component-suites/dash/dcc/async-graph.js.map",
        "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js.map",
        "/_dash-component-suites/dash/dcc/dash_core_components.v4_4_1m1.js.map",
        "/_dash-component-suites/plotly/package_data/plotly.min.js",
        "/_dash-component-suites/plotly/package_data/plotly.v3_0_0m1.min.js",
    ):
        status, body, _ = _get(quiet.port, path)
        assert status == 404, (path, status, body[:100])
    page = _get(quiet.port, "/")[1].decode()
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', page)
    assert scripts and all(_get(quiet.port, src)[0] == 200 for src in scripts)
    assert "plotly.min.js" not in page and "plotly/package_data" not in page
