"""A bounded fuzz of the running server's endpoints (on 127.0.0.1, started here): malformed JSON, wrong
types, unknown ids, huge lists, odd page URLs. Every answer is a 4xx or a handled response, no body
carries a traceback, and the server keeps answering. Also the safe defaults of `serve`."""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from border_dashboard.components import app as application
from border_dashboard.components import cli, ids
from border_dashboard.components.state import ViewState, to_query

ROOT = Path(__file__).resolve().parents[2]
REQUESTS_PER_KIND = 150


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "app.py", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if _get(port, "/")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=10)


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


def _callback_bodies(rng: random.Random):
    """Dash update requests with the right outline and wrong contents."""
    app = application.create_app()
    keys = list(app.callback_map)
    junk = [
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
        "\x00\ud800",
        "../../etc/passwd",
    ]
    for _ in range(REQUESTS_PER_KIND):
        key = rng.choice(keys)
        entry = app.callback_map[key]
        inputs = [{"id": i["id"], "property": i["property"], "value": rng.choice(junk)} for i in entry["inputs"]]
        state = [{"id": s["id"], "property": s["property"], "value": rng.choice(junk)} for s in entry["state"]]
        outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")]
        yield {
            "output": key,
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": inputs,
            "state": state,
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"] if inputs else [],
        }


def _malformed(rng: random.Random):
    yield b"{bad json"
    yield b""
    yield b"[]"
    yield b"null"
    yield json.dumps(
        {
            "output": "nope.children",
            "outputs": {"id": "nope", "property": "children"},
            "inputs": [],
            "changedPropIds": [],
        }
    ).encode()
    yield json.dumps({"output": 5, "inputs": "x"}).encode()
    yield json.dumps(
        {
            "output": f"{ids.DOWNLOAD_IMAGE}.data",
            "outputs": {"id": ids.DOWNLOAD_IMAGE, "property": "data"},
            "inputs": [
                {
                    "id": {"type": ids.EXPORT_BUTTON, "chart": "../x", "format": "exe"},
                    "property": "n_clicks",
                    "value": [1],
                }
            ],
            "state": [{"id": ids.SELECTION, "property": "data", "value": "?"}],
            "changedPropIds": ['{"chart":"../x","format":"exe","type":"export-button"}.n_clicks'],
        }
    ).encode()
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


def test_fuzz_callback_endpoint(server):
    rng = random.Random(20261129)
    count = 0
    for body in [*_callback_bodies(rng), *_malformed(rng)]:
        status, answer, _ = _post(server, body)
        _assert_handled(status, answer, body if isinstance(body, dict) else body[:80])
        count += 1
    assert count >= 2 * REQUESTS_PER_KIND
    assert _get(server, "/")[0] == 200  # still answering


def test_odd_page_urls(server):
    for query in ODD_QUERIES:
        status, body, _ = _get(server, "/" + query)
        _assert_handled(status, body, query)
        status, body, _ = _get(server, "/_dash-layout", headers={"Referer": f"http://127.0.0.1:{server}/{query}"})
        _assert_handled(status, body, query)
        assert status == 200 and b"<script>alert" not in body
    assert _get(server, "/")[0] == 200


def test_safe_defaults(server):
    status, body, headers = _get(server, "/")
    assert status == 200
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self' 'sha256-" in policy
    assert "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert json.loads(_get(server, "/_reload-hash")[1])["reloadHash"] in (None, "")  # no hot reload
    status, body, _ = _post(
        server, {"output": "x.y", "outputs": {"id": "x", "property": "y"}, "inputs": [], "changedPropIds": []}
    )
    assert status == 400 and b"Traceback" not in body  # a callback error carries no traceback
    assert b"dev-tools" not in _get(server, "/_dash-layout")[1]


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
