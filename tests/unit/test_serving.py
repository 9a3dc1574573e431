"""What goes over the wire: compressed when the browser accepts it, with the same headers and content."""

from __future__ import annotations

import gzip
import json
import re

import brotli
import pytest

from border_dashboard.components import app as application
from border_dashboard.components import ids, serving

BROWSER = "gzip, deflate, br, zstd"  # what Chromium sends
LINK = "/?nationality=China"


@pytest.fixture(scope="module")
def app(dataset):
    return application.create_app(dataset=dataset)


def _get(client, path, encoding=BROWSER, **headers):
    with client.get(path, headers={"Accept-Encoding": encoding, "Referer": "http://localhost" + LINK, **headers}) as r:
        r.direct_passthrough = False
        return r.status_code, r.headers, r.get_data()


def _decoded(headers, body: bytes) -> bytes:
    encoding = headers.get("Content-Encoding")
    return {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda b: b}[encoding](body)


def _scripts(app) -> list[str]:
    _, headers, body = _get(app.server.test_client(), LINK)
    return re.findall(r'<script src="([^"]+)"', _decoded(headers, body).decode())


def _render_body(app) -> dict:
    key = next(k for k in app.callback_map if f"{ids.TREND}.figure" in k)
    outputs = [{"id": p.rpartition(".")[0], "property": p.rpartition(".")[2]} for p in key.strip(".").split("...")]
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [{"id": ids.SELECTION, "property": "data", "value": "?nationality=China"}],
        "state": [],
        "changedPropIds": [f"{ids.SELECTION}.data"],
    }


SECURITY = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


@pytest.mark.parametrize(
    "encoding, expected", [(BROWSER, "br"), ("gzip", "gzip"), ("gzip;q=1, br;q=0.5", "gzip"), ("", None)]
)
def test_every_script_the_page_loads_is_compressed_and_keeps_its_cache_and_security_headers(app, encoding, expected):
    client = app.server.test_client()
    scripts = _scripts(app)
    assert any("plotly" in s for s in scripts) and any("dash_renderer" in s for s in scripts)
    for src in scripts:
        status, headers, body = _get(client, src, encoding)
        _, _, plain = _get(client, src, "identity")
        assert status == 200, src
        assert headers.get("Content-Encoding") == expected, src
        assert "Accept-Encoding" in headers["Vary"], src
        assert "max-age=31536000" in headers["Cache-Control"], src  # a year: the URL changes with the file
        assert all(h in headers for h in SECURITY), src
        assert _decoded(headers, body) == plain, src
        assert int(headers["Content-Length"]) == len(body), src
        if expected and len(plain) > 10_000:
            assert len(body) < len(plain) / 2.5, src


def test_the_page_layout_and_callbacks_are_compressed(app):
    client = app.server.test_client()
    for path in (LINK, "/_dash-layout", "/_dash-dependencies", "/_favicon.ico"):
        status, headers, body = _get(client, path)
        assert status == 200 and headers["Content-Encoding"] == "br", path
        assert all(h in headers for h in SECURITY), path
        assert len(_decoded(headers, body)) > len(body), path
    body = _render_body(app)
    answer = client.post("/_dash-update-component", json=body, headers={"Accept-Encoding": BROWSER})
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in answer.headers["Vary"] and all(h in answer.headers for h in SECURITY)
    plain = client.post("/_dash-update-component", json=body)
    assert "Content-Encoding" not in plain.headers
    assert json.loads(brotli.decompress(answer.data)) == plain.get_json()
    assert len(answer.data) < len(plain.data) / 3


def test_a_compressed_script_revalidates_with_its_own_etag(app):
    client = app.server.test_client()
    plotly = next(s for s in _scripts(app) if "plotly" in s)
    _, headers, _ = _get(client, plotly)
    assert headers["ETag"].endswith(':br"')
    status, again, body = _get(client, plotly, **{"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""
    status, _, body = _get(client, plotly, "gzip", **{"If-None-Match": headers["ETag"]})  # another encoding
    assert status == 200 and gzip.decompress(body)


def test_accept_encoding_is_read_with_its_qualities():
    assert serving.chosen_encoding("gzip, deflate, br, zstd") == "br"
    assert serving.chosen_encoding("gzip") == "gzip"
    assert serving.chosen_encoding("br;q=0, gzip;q=0.1") == "gzip"
    assert serving.chosen_encoding("*") == "br"
    assert serving.chosen_encoding("identity") is None
    assert serving.chosen_encoding("") is None
    assert serving.chosen_encoding("br;q=x, gzip;q=0.5") == "gzip"
