"""Sharing: ``/embed/<chart>`` (a page other sites may frame), ``/export/all.zip`` (every chart and the CSV
of a view in one file) and the trend's one hover label a month, on the real dataset and a real Chromium."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from border_dashboard.components import app as application
from border_dashboard.components import charts, embed, export, figures, ids, layout
from border_dashboard.components.state import from_query

QUERY = "?nationality=China&nationality=Albania&from=2022-01&to=2023-12"
PNG, SVG = b"\x89PNG\r\n\x1a\n", b"<svg"


@pytest.fixture(scope="module")
def app(dataset):
    return application.create_app(dataset=dataset)


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def view_of(app, query: str):
    served = app.server.config["BORDER_LIVE_DATA"]()
    return served.builder.build(from_query(query, served.dataset)[0]), served


def island(html: str, name: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_the_embed_page_holds_the_dashboards_figure_and_may_be_framed_by_any_site(app, client):
    answer = client.get("/embed/trend" + QUERY)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "'none'" not in policy.split("frame-ancestors")[1]
    assert "X-Frame-Options" not in answer.headers
    html = answer.get_data(as_text=True)
    view, served = view_of(app, QUERY)
    drawn = charts.build_charts(view)[ids.TREND]
    # the same figure the dashboard draws for the view (JSON through the page, '<' escaped)
    assert island(html, "figure-data") == json.loads(drawn.to_json())
    assert island(html, "figure-config")["displaylogo"] is False
    title = drawn.layout.title.text.replace("<br>", " ")
    assert f"<title>{title}</title>" in html and title.startswith("Monthly encounters: China, Albania")
    # its script comes from this server only: the vendored bundle and the one inline script of the policy
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources == [sources[0]] and sources[0].startswith("/assets/vendor/plotly-dashboard.min.js?m=")
    with client.get(sources[0]) as bundle:
        assert bundle.status_code == 200
    assert "http" not in "".join(re.findall(r"<script[^>]*>", html))
    assert embed.DRAW_HASH in policy and f"<script>{embed.DRAW}</script>" in html
    # the provenance the page shows, and the way back to the dashboard for the same view
    record = served.dataset.provenance["ohss-usbp"]
    assert "Where the numbers come from" in html and record["input_sha256"][:12] in html
    assert record["rounding"] in html and f'href="{record["page"]}"' in html
    canonical = "/?nationality=China&nationality=Albania&region=Southwest+Land+Border&from=2022-01&to=2023-12"
    assert f'href="{canonical.replace("&", "&amp;")}&amp;basis=calendar"' in html
    assert "Dated events" in html


def test_every_other_page_still_refuses_framing(client):
    for path in ("/", "/export/trend.svg?nationality=China", "/embed/nothing", "/_dash-layout", "/robots.txt"):
        answer = client.get(path)
        assert answer.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"], path


@pytest.mark.parametrize("chart", ["rise", "seasonality", "peak", "top", "top-nationalities"])
def test_every_chart_of_the_image_urls_embeds(client, chart):
    answer = client.get(f"/embed/{chart}?nationality=India&basis=fiscal")
    assert answer.status_code == 200
    assert island(answer.get_data(as_text=True), "figure-data")["data"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/embed/pie", 404),
        ("/embed/", 404),
        ("/embed/trend.png", 404),
        ("/embed/%3Cscript%3E", 404),
        ("/embed/trend?nationality=Atlantis", 400),
        ("/embed/trend?from=1800-13&bogus=%00", 400),
        ("/embed/rise?to=" + "9" * 5000, 400),
    ],
)
def test_bad_embeds_say_why_in_one_line(client, path, status):
    answer = client.get(path)
    assert answer.status_code == status
    message = answer.get_json()["error"]
    assert message and "\n" not in message and "<script>" not in answer.get_data(as_text=True)


def test_download_all_is_every_chart_as_png_and_svg_and_the_csv_in_a_zip_named_for_the_view(app, client):
    answer = client.get("/export/all.zip" + QUERY)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.mimetype == "application/zip"
    view, served = view_of(app, QUERY)
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{charts.file_stem(view, "all")}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(answer.get_data()))
    names = archive.namelist()
    expected = [f"{charts.file_stem(view, c)}.{fmt}" for c in ids.CHARTS for fmt in ("png", "svg")]
    assert names == [*expected, f"{charts.file_stem(view, 'data')}.csv"]
    for name in expected:
        data = archive.read(name)
        assert data.startswith(PNG) if name.endswith(".png") else data.lstrip()[:4] == SVG, name
    assert b"Monthly encounters: China, Albania" in archive.read(expected[1])
    csv = archive.read(names[-1]).decode()
    assert csv == export.csv_text(view, served.dataset.provenance[view.state.source])
    # the images are the image URLs' own (one renderer, one cache)
    assert archive.read(expected[1]) == client.get("/export/trend.svg" + QUERY).get_data()


def test_download_all_of_a_bad_query_is_a_400_and_draws_nothing(app, client):
    renderer = app.server.config["BORDER_IMAGE_RENDERER"]
    before = renderer.stats["rendered"]
    answer = client.get("/export/all.zip?nationality=Atlantis")
    assert answer.status_code == 400 and "Atlantis" in answer.get_json()["error"]
    assert renderer.stats["rendered"] == before
    assert client.get("/export/all.png?nationality=China").status_code == 404


def test_download_all_answers_busy_like_the_image_urls(dataset):
    app = application.create_app(dataset=dataset)
    renderer = app.server.config["BORDER_IMAGE_RENDERER"]
    renderer.per_client = 0  # this client may not wait for any image: every render is refused
    answer = app.server.test_client().get("/export/all.zip?nationality=Cuba")
    assert answer.status_code == 429 and answer.headers["Retry-After"]


def test_the_page_offers_the_zip_and_the_embed_code_for_its_view(app):
    with app.server.test_request_context("/_dash-layout", headers={"Referer": f"http://localhost/{QUERY}"}):
        page = app.layout()
    found = {}

    def walk(node):
        if isinstance(getattr(node, "id", None), (str, dict)):
            found[json.dumps(node.id, sort_keys=True)] = node
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    walk(page)
    link = found[json.dumps({"type": ids.EXPORT_LINK, "chart": "all", "format": "zip"}, sort_keys=True)]
    assert link.href.startswith("/export/all.zip?nationality=China&nationality=Albania&region=")
    code = found[json.dumps(ids.EMBED_CODE)].value
    assert code == layout.embed_snippet("", link.href.removeprefix("/export/all.zip"))
    assert 'src="/embed/trend?nationality=China&amp;nationality=Albania' in code


def test_the_trend_has_one_hover_label_a_month_with_each_count_as_the_page_writes_it(app):
    view, _ = view_of(app, QUERY)
    trend = charts.build_charts(view)[ids.TREND]
    assert trend.layout.hovermode == "x unified"
    lines = {t.name: t for t in trend.data if t.name != "Events"}
    assert set(lines) == {"China", "Albania"}
    albania = lines["Albania"]
    assert albania.hovertemplate == "Albania: %{hovertext}<extra></extra>"  # the month heads the label
    assert albania.hovertext[0] == "<5" and albania.y[0] == 0  # Jan 2022: published as 0 (rounded to 10)
    assert lines["China"].hovertext[list(lines["China"].x).index("2023-12-01")] == "5,950"
    events = next(t for t in trend.data if t.name == "Events")
    assert "%{customdata[0]}" in events.hovertemplate and "Source" in events.hovertemplate
    # a source that does not round writes a zero as it is
    exact = figures.trend_figure(view.series.assign(encounters=0), title="t", source_line="s", fewer_than=None)
    assert set(exact.data[0].hovertext) == {"0"}
