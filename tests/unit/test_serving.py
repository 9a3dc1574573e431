"""What goes over the wire: compressed when the browser accepts it, with the same headers and content."""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path

import brotli
import dash as dash_package
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
    return re.findall(r'<script[^>]* src="([^"]+)"', _decoded(headers, body).decode())  # the loader's listed ones too


def _render_body(app) -> dict:
    key = next(k for k in app.callback_map if f"{ids.TREND}.figure" in k)
    outputs = [{"id": p.rpartition(".")[0], "property": p.rpartition(".")[2]} for p in key.strip(".").split("...")]
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [
            {"id": ids.SELECTION, "property": "data", "value": "?nationality=China"},
            {"id": ids.VIEWPORT, "property": "data", "value": "wide"},
        ],
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
        small = len(plain) < serving.MIN_SIZE  # the renderer's start, one line: sent as it is
        assert headers.get("Content-Encoding") == (None if small else expected), src
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


def test_the_page_loads_neither_datatable_nor_babel_polyfill_but_the_regenerator_runtime(app):
    scripts = _scripts(app)
    assert not [s for s in scripts if "dash_table" in s or "polyfill" in s]
    names = [s.split("?")[0].rsplit("/", 1)[-1] for s in scripts]
    assert names.index("regenerator-runtime.min.js") < names.index(next(n for n in names if "dash_renderer" in n))
    # What the polyfill gave that Dash's scripts still use in a browser of today: the global regeneratorRuntime.
    dash = Path(dash_package.__file__).parent
    for bundle in ("dash-renderer/build/dash_renderer.min.js", "dcc/dash_core_components.js"):
        assert "regeneratorRuntime.mark" in (dash / bundle).read_text(encoding="utf-8")
    runtime = (Path(application.ASSETS) / "vendor" / "regenerator-runtime.min.js").read_text(encoding="utf-8")
    assert "regeneratorRuntime=runtime" in runtime


@pytest.mark.parametrize(
    "query", ["", "?nationality=China", "?nationality=China&nationality=India&basis=fiscal", "?source=cbp-swb"]
)
def test_no_page_has_a_datatable(app, query):
    """The DataTable bundle is left out of the page (``serving.UNUSED_SCRIPTS``): a table in the page would
    draw nothing. One that appears only when opened must load the bundle then."""
    client = app.server.test_client()
    _, headers, body = _get(client, "/_dash-layout", Referer="http://localhost/" + query)
    layout = json.loads(_decoded(headers, body))
    namespaces = set()

    def walk(node):
        if isinstance(node, dict):
            if "namespace" in node and "type" in node:
                namespaces.add(node["namespace"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(layout)
    assert "dash_core_components" in namespaces and "dash_table" not in namespaces


def test_without_unused_scripts_keeps_every_other_tag():
    scripts = "\n".join(
        [
            '<script src="/_dash-component-suites/dash/deps/polyfill@7.v4_4_1m1.12.1.min.js"></script>',
            '<script src="/_dash-component-suites/dash/deps/react@18.v4_4_1m1.3.1.min.js"></script>',
            '<script src="/assets/page.js?m=1"></script>',
            '<script src="/_dash-component-suites/dash/dash_table/bundle.v7_4_1m1.js"></script>',
            '<script src="/_dash-component-suites/dash/dcc/dash_core_components.v4_4_1m1.js"></script>',
        ]
    )
    kept = serving.without_unused_scripts(scripts).split("\n")
    assert [re.search(r'src="([^"]+)"', t).group(1).split("/")[-1] for t in kept] == [
        "react@18.v4_4_1m1.3.1.min.js",
        "page.js?m=1",
        "dash_core_components.v4_4_1m1.js",
    ]


def _description(app, link: str) -> str:
    _, headers, body = _get(app.server.test_client(), link)
    found = re.findall(r'<meta name="description" content="([^"]*)">', _decoded(headers, body).decode())
    assert len(found) == 1, link
    return html.unescape(found[0])


def test_the_first_html_describes_the_view_the_link_asks_for(app):
    china = _description(app, LINK)
    assert china.startswith("China - Southwest Land Border, Jan 2022 to Nov 2024: Border Patrol encountered 37,160")
    two = _description(app, "/?nationality=China&nationality=India&region=northern&basis=fiscal")
    assert two.startswith("China, India - Northern Land Border, ") and "FY2024" in two
    assert _description(app, "/?nationality=") == serving.SITE_DESCRIPTION
    assert _description(app, '/?nationality="><script>') == _description(app, "/")  # an unknown name falls back


def test_a_failing_description_is_the_sites_not_an_error(dataset, monkeypatch):
    app = application.create_app(dataset=dataset)
    monkeypatch.setattr(serving, "description", lambda view: 1 / 0)
    assert _description(app, "/?nationality=Peru") == serving.SITE_DESCRIPTION


def test_the_pages_config_carries_no_copy_of_the_layout(app):
    """Dash serializes its validation layout (the whole default view) into every page's config; its renderer
    reads it only in debug mode, and checks callbacks against the layout itself without one."""
    assert app.validation_layout is None
    _, headers, body = _get(app.server.test_client(), LINK)
    page = _decoded(headers, body).decode()
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page, re.S)[1])
    assert "validation_layout" not in config and config["requests_pathname_prefix"] == "/"
    assert len(page) < 120_000  # the first paint, the stylesheet and Dash's config: no 60 kB layout copy


def test_the_chunks_the_page_draws_with_run_as_its_scripts_and_are_kept_for_good(app):
    """Dash's dropdowns and graphs would fetch their chunks at an address without a fingerprint, which the
    browser asks the server about again on every page: run with the page instead, under Dash's fingerprint."""
    client = app.server.test_client()
    scripts = _scripts(app)
    renderer = next(i for i, src in enumerate(scripts) if serving.RENDERER_PATH in src)
    for chunk in application.DCC_CHUNKS:
        (src,) = [s for s in scripts if f"/dash/dcc/{chunk}." in s]
        assert re.search(rf"/{chunk}\.v[\w]+m\d+\.js$", src) and scripts.index(src) < renderer
        status, headers, body = _get(client, src)
        assert status == 200 and headers["Cache-Control"] == "max-age=31536000"
        assert b"(self.webpackChunkdash_core_components=" in _decoded(headers, body)[:80]  # registers itself


def test_robots_txt_is_plain_text_not_the_page(app):
    status, headers, body = _get(app.server.test_client(), "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert body.decode() == "User-agent: *\nAllow: /\n"
    assert all(h in headers for h in SECURITY)


def test_plotly_js_goes_as_the_brotli_built_beside_it(app):
    vendor = Path(application.ASSETS) / "vendor"
    plotly = next(s for s in _scripts(app) if "plotly" in s)
    _, headers, body = _get(app.server.test_client(), plotly)
    assert headers["Content-Encoding"] == "br"
    assert body == (vendor / "plotly-dashboard.min.js.br").read_bytes()
    assert brotli.decompress(body) == (vendor / "plotly-dashboard.min.js").read_bytes()
    _, headers, body = _get(app.server.test_client(), plotly, "gzip")  # others are compressed as served
    assert gzip.decompress(body) == (vendor / "plotly-dashboard.min.js").read_bytes()


def test_a_brotli_built_beside_a_file_is_sent_only_if_it_holds_the_file(tmp_path):
    (tmp_path / "sub").mkdir()
    script = b"var x = 1;" * 100
    (tmp_path / "sub" / "a.js").write_bytes(script)
    (tmp_path / "sub" / "a.js.br").write_bytes(brotli.compress(script, quality=11))
    (tmp_path / "sub" / "b.js").write_bytes(script)
    (tmp_path / "sub" / "b.js.br").write_bytes(brotli.compress(b"stale" + script))
    (tmp_path / "sub" / "c.js.br").write_bytes(b"not brotli")
    static = serving.StaticCompressor(("/assets/",), assets_url="/assets/", assets_folder=tmp_path)
    assert brotli.decompress(static.precompressed("/assets/sub/a.js", script, "br")) == script
    assert static.precompressed("/assets/sub/a.js", script, "gzip") is None
    assert static.precompressed("/assets/sub/b.js", script, "br") is None  # stale: compressed as served
    assert static.precompressed("/assets/sub/c.js", script, "br") is None
    assert static.precompressed("/assets/sub/../../a.js", script, "br") is None
    assert static.precompressed("/other/sub/a.js", script, "br") is None


@pytest.mark.parametrize("query", ["", "?nationality=China", "?nationality=China&tab=table", "?tab=sources"])
def test_no_page_loads_the_grid_script_but_names_it_for_the_tabs_that_load_it(app, query):
    """dash-ag-grid's script (1.3 MB) is not among the page's scripts, even for a link to a tab with a grid:
    assets/tabs.js loads it from the meta tag when such a tab opens, and only then is a grid drawn (the
    layout never holds one, so no grid waits for a script that is not there)."""
    client = app.server.test_client()
    _, headers, body = _get(client, "/" + query)
    page = _decoded(headers, body).decode()
    assert "dash_ag_grid" not in " ".join(re.findall(r"<script[^>]*>", page))
    (src,) = re.findall(r'<meta name="border-grid-script" content="([^"]+)">', page)
    assert "/dash_ag_grid/dash_ag_grid" in src and client.get(src).status_code == 200
    _, headers, body = _get(client, "/_dash-layout", Referer="http://localhost/" + query)
    assert b"dash_ag_grid" not in _decoded(headers, body)


def test_the_first_html_carries_the_pages_stylesheet_inline(app):
    """The page's own stylesheet comes in the first HTML (one round trip fewer before the first paint); it is
    the file's text, whole."""
    _, headers, body = _get(app.server.test_client(), LINK)
    page = _decoded(headers, body).decode()
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    stylesheet = (Path(application.ASSETS) / "style.css").read_text(encoding="utf-8")
    assert stylesheet in styles
    assert not re.search(r'<link rel="stylesheet" href="/assets/style\.css', page)


def test_inline_stylesheets_keeps_what_it_cannot_inline(tmp_path):
    """Only a file of the assets folder is inlined; another site's stylesheet, one outside the folder, one
    missing, and one whose text would end the <style> element stay links."""
    (tmp_path / "a.css").write_text("body{color:red}", encoding="utf-8")
    (tmp_path / "b.css").write_text('body{background:url("</style><script>")}', encoding="utf-8")
    (tmp_path.parent / "outside.css").write_text("x{}", encoding="utf-8")
    links = [
        '<link rel="stylesheet" href="/assets/a.css?m=1">',
        '<link rel="stylesheet" href="/assets/b.css?m=1">',
        '<link rel="stylesheet" href="/assets/../outside.css">',
        '<link rel="stylesheet" href="/assets/missing.css">',
        '<link rel="stylesheet" href="https://example.org/assets/a.css">',
    ]
    inlined = serving.inline_stylesheets("\n".join(links), "/assets/", tmp_path)
    assert inlined.split("\n") == ["<style>body{color:red}</style>", *links[1:]]


def test_the_loader_fetches_the_layout_and_callbacks_the_renderer_asks_for(app):
    """The loader's tag names the requests it makes beside the scripts, and each answers as the renderer
    needs it (JSON)."""
    client = app.server.test_client()
    _, headers, body = _get(client, LINK)
    page = _decoded(headers, body).decode()
    (early,) = re.findall(r'<script defer id="_dash-renderer" src="[^"]+" data-early="([^"]+)"></script>', page)
    assert early.split() == ["/_dash-layout", "/_dash-dependencies"]
    for path in early.split():
        status, headers, body = _get(client, path)
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        json.loads(_decoded(headers, body))


def test_a_chunk_this_dash_does_not_have_is_left_to_dash():
    urls = serving.chunk_urls("/", ("async-graph", "async-no-such-chunk"))
    assert len(urls) == 1 and "/dash/dcc/async-graph.v" in urls[0]
