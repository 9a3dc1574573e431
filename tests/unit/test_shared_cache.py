"""The shared cache against a real redis-server (Debian's package, started here on a free loopback port
with persistence off): a view built by one server is read by another, and so is a chart image drawn by
one (the other never draws it), nothing stored is a pickle, a new release never reads an old entry, and
servers keep answering pages and images when Redis is killed or does not answer."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time

import pytest

from border_dashboard.components import app as application
from border_dashboard.components import export, ids, view
from border_dashboard.components.cache import SharedCache
from border_dashboard.components.state import ViewState, to_query
from border_dashboard.data import importers, store
from tests.conftest import CBP_SWB_FILE

REDIS = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url():
    if not REDIS:
        pytest.fail("the shared-cache tests need Debian's redis-server: apt-get install redis-server")
    port = _free_port()
    process = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            time.sleep(0.05)
    url = f"redis://127.0.0.1:{port}/0"
    yield url, process
    process.kill()
    process.wait(timeout=10)


def _render(app, state: ViewState):
    """POST the render callback's request, as the page does; returns (status, sentence or None)."""
    client = app.server.test_client()
    dependencies = json.loads(client.get("/_dash-dependencies").data)
    render = next(d for d in dependencies if f"{ids.TREND}.figure" in d["output"])
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in render["output"].strip(".").split("...")]
    body = {
        "output": render["output"],
        "outputs": outputs,
        "inputs": [
            {"id": ids.SELECTION, "property": "data", "value": to_query(state)},
            {"id": ids.VIEWPORT, "property": "data", "value": "wide"},
        ],
        "changedPropIds": [f"{ids.SELECTION}.data"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    if response.status_code != 200:
        return response.status_code, None
    return 200, json.loads(response.data)["response"][ids.SENTENCE]["children"]


def _stored(url: str) -> dict[bytes, bytes]:
    import redis

    client = redis.Redis.from_url(url)
    return {key: client.get(key) for key in client.scan_iter("*")}


def test_a_view_built_by_one_server_is_read_by_another(redis_url, monkeypatch):
    url, _ = redis_url
    first, second = application.create_app(cache_url=url), application.create_app(cache_url=url)
    state = ViewState(nationalities=("India",))
    status, sentence = _render(first, state)
    assert status == 200 and "nationals of India" in sentence
    keys = list(_stored(url))
    assert any(b":view:" in key and b"nationality=India" in key for key in keys), keys

    def not_again(*args, **kwargs):
        raise AssertionError("the second server built the view instead of reading it")

    monkeypatch.setattr(view, "build", not_again)
    assert _render(second, state) == (200, sentence)  # read from Redis, not built
    assert _render(second, ViewState(nationalities=("Peru",)))[0] == 500  # one not in Redis is built: refused


def test_nothing_stored_is_a_pickle_and_keys_name_format_and_dataset(redis_url):
    url, _ = redis_url
    app = application.create_app(cache_url=url)
    for state in (ViewState(), ViewState(source="cbp-swb", nationalities=("Mexico",)), ViewState(nationalities=())):
        assert _render(app, state)[0] == 200
    stored = _stored(url)
    assert len(stored) == 3
    for key, value in stored.items():
        assert key.startswith(b"border:v1:") and not value.startswith(b"\x80")  # pickle's protocol marker
        assert json.loads(value)["query"] in key.decode()


def test_servers_keep_answering_when_redis_is_killed(redis_url, caplog):
    url, process = redis_url
    app = application.create_app(cache_url=url)
    assert _render(app, ViewState(nationalities=("India",)))[0] == 200
    process.kill()
    process.wait(timeout=10)
    started = time.monotonic()
    for name in ("Peru", "Chile", "Cuba"):
        status, sentence = _render(app, ViewState(nationalities=(name,)))
        assert status == 200 and f"nationals of {name}" in sentence
    assert time.monotonic() - started < 5
    warnings = [r for r in caplog.records if "shared cache unavailable" in r.getMessage()]
    assert len(warnings) == 1  # logged once, not on every request


def test_a_redis_that_does_not_answer_costs_one_short_timeout():
    """A host that accepts connections and never answers (a hung Redis): the cache gives up quickly."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    cache = SharedCache(f"redis://127.0.0.1:{listener.getsockname()[1]}/0", "test", timeout=0.2)
    started = time.monotonic()
    assert cache.get("anything") is None
    cache.set("anything", b"x")  # skipped: the cache counts as down for a while
    assert time.monotonic() - started < 1.5
    for connection, _ in accepted:
        connection.close()
    listener.close()


# --- chart images ---------------------------------------------------------------------------------------


@pytest.fixture
def renders(monkeypatch):
    """Every image drawn (Kaleido called), in this process, whichever server drew it."""
    drawn = []
    real = export.image_bytes

    def counted(figure, fmt, *args, **kwargs):
        drawn.append(fmt)
        return real(figure, fmt, *args, **kwargs)

    monkeypatch.setattr(export, "image_bytes", counted)
    return drawn


def _image(app, path: str):
    answer = app.server.test_client().get(path)
    return answer.status_code, answer.get_data(), answer.headers.get("Content-Disposition")


def test_an_image_drawn_by_one_server_is_answered_by_another_without_drawing_it(redis_url, renders):
    url, _ = redis_url
    first, second = application.create_app(cache_url=url), application.create_app(cache_url=url)
    path = "/export/trend.svg?nationality=India&from=2022-01"
    status, image, named = _image(first, path)
    assert status == 200 and image.startswith(b"<svg") and renders == ["svg"]
    assert _image(second, path) == (200, image, named)  # the same file, under the same name
    assert renders == ["svg"]  # not drawn again
    stats = second.server.config["BORDER_IMAGE_RENDERER"].stats
    assert stats["shared"] == 1 and stats["rendered"] == 0
    assert _image(second, path)[0] == 200 and stats["cached"] == 1  # then from its own memory
    assert _image(second, path.replace("svg", "pdf"))[1].startswith(b"%PDF") and renders == ["svg", "pdf"]


def test_a_stored_image_is_data_under_the_release_s_fingerprint(redis_url, renders):
    url, _ = redis_url
    app = application.create_app(cache_url=url)
    status, image, named = _image(app, "/export/rise.svg?nationality=Cuba")
    assert status == 200
    stored = {k: v for k, v in _stored(url).items() if b":image:" in k}
    assert len(stored) == 1
    ((key, value),) = stored.items()
    fingerprint = app.server.config["BORDER_LIVE_DATA"]().dataset.fingerprint
    assert key.startswith(f"border:v1:{fingerprint}.".encode()) and b":image:rise-chart.svg?nationality=Cuba&" in key
    assert not value.startswith(b"\x80")  # no pickle: a JSON line, then the image as it is
    head, _, body = value.partition(b"\n")
    assert json.loads(head) == {"file": named.split('"')[1], "bytes": len(image)} and body == image


def test_a_new_release_never_answers_an_old_image(redis_url, renders, data_dir):
    url, _ = redis_url
    old = application.create_app(data_dir, cache_url=url)
    path = "/export/top.svg?nationality=China"
    assert _image(old, path)[0] == 200 and renders == ["svg"]
    table = store.load(data_dir).tables["cbp-swb"]
    changed = table.assign(encounters=table["encounters"] + 1)
    imported = importers.ImportedSource("cbp-swb", changed, CBP_SWB_FILE, "0" * 64, len(table))
    store.save([imported], data_dir)  # a release whose data differ
    new = application.create_app(data_dir, cache_url=url)
    assert new.server.config["BORDER_LIVE_DATA"]().dataset.fingerprint != (
        old.server.config["BORDER_LIVE_DATA"]().dataset.fingerprint
    )
    assert _image(new, path)[0] == 200 and renders == ["svg", "svg"]  # drawn anew for the new release
    assert len([k for k in _stored(url) if b":image:top-chart.svg?nationality=China&" in k]) == 2


def test_servers_keep_answering_images_when_redis_is_killed(redis_url, renders, caplog):
    url, process = redis_url
    first, second = application.create_app(cache_url=url), application.create_app(cache_url=url)
    path = "/export/peak.svg?nationality=Peru"
    assert _image(first, path)[0] == 200
    process.kill()
    process.wait(timeout=10)
    started = time.monotonic()
    assert _image(first, path)[0] == 200  # from its own memory
    assert time.monotonic() - started < 2
    status, image, _ = _image(second, path)  # not in Redis any more: drawn here
    assert status == 200 and image.startswith(b"<svg") and len(renders) == 2
    assert _image(second, "/export/trend.svg?nationality=Chile")[0] == 200 and len(renders) == 3
    shared = second.server.config["BORDER_LIVE_DATA"]().extras["shared"]
    assert shared._down_until > time.monotonic()  # skipped, not asked again on every request
    warnings = [r for r in caplog.records if "shared cache unavailable" in r.getMessage()]
    assert len(warnings) == 1


def test_a_kept_image_is_confirmed_without_drawing_until_another_release_is_served(renders, data_dir):
    """Browsers and proxies may keep an image but ask each time (no-cache, ETag): a 304 while the release
    is the same, nothing drawn; a new image as soon as another release is served."""
    app = application.create_app(data_dir)
    client = app.server.test_client()
    path = "/export/rise.svg?nationality=Peru"
    first = client.get(path, headers={"Accept-Encoding": "br"})
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, no-cache"
    tag = first.headers["ETag"]
    again = client.get(path, headers={"Accept-Encoding": "br", "If-None-Match": tag})
    assert again.status_code == 304 and again.headers["ETag"] == tag and renders == ["svg"]
    renderer = app.server.config["BORDER_IMAGE_RENDERER"]
    assert renderer.stats["cached"] == 0  # answered before looking for the image at all
    table = store.load(data_dir).tables["cbp-swb"]
    changed = table.assign(encounters=table["encounters"] + 1)
    store.save([importers.ImportedSource("cbp-swb", changed, CBP_SWB_FILE, "1" * 64, len(table))], data_dir)
    app.server.config["BORDER_LIVE_DATA"].check(wait=True)
    moved = client.get(path, headers={"Accept-Encoding": "br", "If-None-Match": tag})
    assert moved.status_code == 200 and moved.headers["ETag"] != tag and renders == ["svg", "svg"]
