"""`GET /export/<chart>.<format>?<query>`: real images (Kaleido and the machine's Chromium), named for the
view, and bounded: a flood gets busy answers, never a 500, and another reader keeps its speed."""

from __future__ import annotations

import html
import io
import os
import re
import statistics
import threading
import time
from pathlib import Path

import pandas as pd
import pypdf
import pytest

from border_dashboard.components import app as application
from border_dashboard.components import charts, export, images
from border_dashboard.components.state import from_query
from border_dashboard.components.view import EVENTS_FILE

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF"}


@pytest.fixture
def app(dataset):
    return application.create_app(dataset=dataset)


@pytest.fixture
def client(app):
    return app.server.test_client()


def renderer(app) -> images.Renderer:
    return app.server.config["BORDER_IMAGE_RENDERER"]


def test_an_svg_of_the_view_the_query_names(client):
    answer = client.get("/export/trend.svg?nationality=China&from=2022-01")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.mimetype == "image/svg+xml"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=") and disposition.endswith('.svg"')
    assert "border-encounters-trend-china-" in disposition and "2022-01-to-" in disposition
    body = answer.get_data()
    assert b"<svg" in body[:2000] and b"Monthly encounters: China" in body


@pytest.mark.parametrize(
    ("chart", "fmt", "named"),
    [("rise", "png", "rise"), ("seasonality", "pdf", "peak"), ("peak", "png", "peak"), ("top", "pdf", "top")],
)
def test_every_chart_in_every_format(client, chart, fmt, named):
    answer = client.get(f"/export/{chart}.{fmt}?nationality=India&nationality=Mexico&basis=fiscal")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.get_data().startswith(MAGIC[fmt])
    assert answer.mimetype == images.MEDIA_TYPES[fmt]
    assert f"border-encounters-{named}" in answer.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("chart", "query"),
    [("rise", "nationality=China"), ("trend", "nationality=India&nationality=Mexico&basis=fiscal&from=2021-10")],
)
def test_the_pdf_is_titled_as_its_chart(app, client, chart, query):
    """The PDF's document title (Info /Title, what a reader's title bar shows) is the title the chart draws,
    not Kaleido's page's ("Kaleido-fier")."""
    answer = client.get(f"/export/{chart}.pdf?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    title = pypdf.PdfReader(io.BytesIO(answer.get_data())).metadata.title
    served = app.server.config["BORDER_LIVE_DATA"]()
    view = served.builder.build(from_query(query, served.dataset)[0])
    drawn = charts.build_charts(view, for_export=True)[images.CHARTS[chart]].layout.title.text
    assert title == " ".join(drawn.replace("<br>", " ").split())
    assert "Kaleido" not in title and view.nationalities[0] in title
    # and the SVG of the same view draws those words as its title
    svg = client.get(f"/export/{chart}.svg?{query}").get_data(as_text=True)
    drawn_words = re.findall(r'class="gtitle"[^>]*>(.*?)</text>', svg, flags=re.S)[0]
    assert " ".join(html.unescape(re.sub(r"<[^>]+>", " ", drawn_words)).split()) == title


@pytest.mark.parametrize(
    "path",
    ["/export/pie.png", "/export/trend.gif", "/export/trend", "/export/.png", "/export/trend.png.svg", "/export/"],
)
def test_unknown_charts_and_formats_are_404(client, path):
    assert client.get(path).status_code == 404


REGIONS = ("Southwest+Land+Border", "Northern+Land+Border", "Coastal+Border")


def test_a_query_the_page_would_correct_is_answered_with_why_not_another_chart(client):
    answer = client.get("/export/trend.svg?nationality=Atlantis&from=1800-13&bogus=%00&to=" + "9" * 5000)
    assert answer.status_code == 400 and b"<svg" not in answer.get_data()
    error = answer.get_json()["error"]
    assert "Atlantis" in error and "'from'" in error and "Unknown parameter 'bogus'" in error
    assert client.get("/export/trend.svg?nationality=china&region=northern").status_code == 200  # spelling is fine


def test_identical_requests_are_drawn_once(app, client):
    first = client.get("/export/rise.svg?nationality=Cuba")
    started = time.perf_counter()
    # the same view, its parameters spelt another way: the page's parser makes them one
    second = client.get("/export/rise.svg?nationality=cuba&region=southwest")
    assert time.perf_counter() - started < 0.5
    assert first.get_data() == second.get_data()
    assert renderer(app).stats["rendered"] == 1 and renderer(app).stats["cached"] == 1


def test_a_flood_gets_busy_answers_and_another_reader_keeps_its_speed(app):
    """60 concurrent exports of distinct views from one client, then 60 from as many clients: busy
    answers with Retry-After (429 over a client's share, 503 when the queue is full), no 500; meanwhile
    another reader's page requests answer at their usual speed."""
    reader = app.server.test_client()
    reader.get("/", headers={"Referer": "http://localhost/?nationality=China"})
    reader.get("/_dash-layout", headers={"Referer": "http://localhost/?nationality=China"})

    def read_page() -> float:
        started = time.perf_counter()
        assert reader.get("/").status_code == 200
        assert (
            reader.get("/_dash-layout", headers={"Referer": "http://localhost/?nationality=China"}).status_code == 200
        )
        return time.perf_counter() - started

    quiet = [read_page() for _ in range(10)]
    statuses, lock = [], threading.Lock()
    months = [f"{year}-{month:02d}" for year in (2021, 2022, 2023) for month in range(1, 13)]

    def export(index: int, address: str):
        answer = app.server.test_client().get(
            f"/export/top.pdf?from={months[index % len(months)]}&nationality=Cuba&region={REGIONS[index % 3]}",
            environ_base={"REMOTE_ADDR": address},
        )
        if answer.status_code in (429, 503):
            assert int(answer.headers["Retry-After"]) > 0
        with lock:
            statuses.append(answer.status_code)

    flood = [threading.Thread(target=export, args=(i, "10.0.0.1")) for i in range(60)]
    flood += [threading.Thread(target=export, args=(i + 60, f"10.0.1.{i}")) for i in range(60)]
    for thread in flood:
        thread.start()
    during = []
    while any(thread.is_alive() for thread in flood):
        during.append(read_page())
    for thread in flood:
        thread.join()
    counts = {code: statuses.count(code) for code in sorted(set(statuses))}
    print(
        f"\nflood: {len(statuses)} exports -> {counts}; reader median quiet {statistics.median(quiet) * 1000:.0f} ms,"
    )
    print(f"during the flood {statistics.median(during) * 1000:.0f} ms over {len(during)} page reads")
    assert len(statuses) == 120 and 500 not in statuses
    assert counts.get(429, 0) > 0 and counts.get(503, 0) > 0 and counts.get(200, 0) > 0
    assert set(counts) <= {200, 429, 503}
    assert statistics.median(during) < max(0.5, 5 * statistics.median(quiet))
    assert renderer(app).waiting == 0  # no request left holding a thread
    deadline = time.monotonic() + 60  # a render whose request gave up (a 503 after 30 s) still finishes
    while renderer(app).pending and time.monotonic() < deadline:
        time.sleep(0.1)
    assert renderer(app).pending == 0


def test_memory_of_the_results_is_bounded():
    cache = images.Renderer(cache_items=3, cache_bytes=100)
    for i in range(10):
        cache.get(("k", i), "c", lambda i=i: (f"{i}.png", b"x" * 20))
    assert len(cache._cache) == 3 and cache._cached_bytes == 60
    cache.get(("big",), "c", lambda: ("big.png", b"x" * 90))  # over a quarter of the budget: not kept
    assert ("big",) not in cache._cache


def test_a_failed_render_frees_its_place():
    render = images.Renderer(per_client=1)

    def fail():
        raise images.export.ImageExportError("no Chromium")

    for _ in range(3):
        with pytest.raises(images.export.ImageExportError):
            render.get(("k",), "c", fail)
    assert render.pending == 0 and render.waiting == 0 and not render._waiting


def _browsers() -> int:
    """Chromium processes this process started (Kaleido's)."""
    found = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        found += parent == os.getpid() and b"chrom" in command
    return found


def test_the_browser_ends_when_idle_and_comes_back(dataset):
    """After a burst of exports the process's Chromium is ended, its memory returned; the next export
    starts another."""
    app = application.create_app(dataset=dataset)
    render = renderer(app)
    render.idle = 0.5
    client = app.server.test_client()
    assert client.get("/export/trend.png?nationality=Haiti").status_code == 200
    assert _browsers() >= 1
    deadline = time.monotonic() + 15
    while (_browsers() or not render.stats["browser ended"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _browsers() == 0 and render.stats["browser ended"] == 1
    assert not export.kaleido._global_server.is_running()  # noqa: SLF001
    answer = client.get("/export/trend.png?nationality=Peru")
    assert answer.status_code == 200 and answer.get_data().startswith(MAGIC["png"])


def test_identical_requests_under_way_are_joined_and_count_as_waiting():
    """Five clients asking for the same image while it is drawn: one render, four joined. One client
    asking for it three times at once: its third request is over its share (a thread it would hold)."""
    render = images.Renderer(per_client=2, idle=None)
    gate, made = threading.Event(), []

    def slow():
        made.append(1)
        gate.wait(10)
        return "same.png", b"png"

    results, lock = [], threading.Lock()

    def ask(client):
        try:
            answer = render.get(("same",), client, slow)
        except images.Busy as busy:
            answer = busy.status
        with lock:
            results.append(answer)

    askers = [threading.Thread(target=ask, args=(f"client-{i}",)) for i in range(5)]
    askers += [threading.Thread(target=ask, args=("client-0",)) for _ in range(2)]
    for thread in askers:
        thread.start()
    deadline = time.monotonic() + 10
    while len(results) + render.waiting < 7 and time.monotonic() < deadline:
        time.sleep(0.01)
    gate.set()
    for thread in askers:
        thread.join()
    assert len(made) == 1 and render.stats["rendered"] == 1 and render.stats["joined"] == 5
    assert results.count(429) == 1 and results.count(("same.png", b"png")) == 6
    assert render.waiting == 0 and render.pending == 0


def test_an_image_url_that_falls_back_says_so_instead_of_drawing_another_chart(dataset):
    from border_dashboard.components import app as application

    client = application.create_app(dataset=dataset).server.test_client()
    answer = client.get("/export/trend.svg?nationality=Atlantis")
    assert answer.status_code == 400
    assert "Not in this source: Atlantis" in answer.get_json()["error"]


def test_the_trend_file_carries_the_key_of_its_numbered_events(dataset):
    from border_dashboard.components import app as application

    client = application.create_app(dataset=dataset).server.test_client()
    answer = client.get("/export/trend.svg?nationality=China")
    assert answer.status_code == 200
    text = answer.get_data().decode()
    events = pd.read_csv(EVENTS_FILE)
    shown = events[(events["date"] >= "2022-01-01") & (events["date"] <= "2024-12-31")]
    shown = shown[shown["nationality"].isna() | (shown["nationality"] == "China")]
    assert "Events: 1. " in text and f"{len(shown)}. " in text
    assert "Title 42 public-health expulsions end" in text  # the event of 11 May 2023, in the image itself
    height = int(text.split('height="', 1)[1].split('"', 1)[0])
    assert height > 520  # the image grew to hold the key, rather than squeezing the chart
