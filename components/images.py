"""Chart images at plain URLs: ``GET /export/<chart>.<png|svg|pdf>?<the page's own query>``.

``/export/trend.svg?nationality=China&from=2022-01`` answers the trend chart of that view as a file
(``Content-Disposition: attachment``, named for the view like the page's downloads). The query is read by
the page's own parser (``state.from_query``), so a link and its image cannot disagree; charts are those of
``charts.CHART_NAMES`` under short names: ``trend``, ``rise``, ``seasonality`` (or ``peak``), ``top``.
Anything else is a 404.

Rendering (Kaleido's one Chromium per process) is bounded, so a flood of exports cannot starve the page's
other readers nor grow the process: a small pool of render threads per process with a bounded queue, at
most ``per_client`` requests of one client waiting for an image and ``max_waiting`` of all clients,
identical requests answered from an LRU of results (or joined to the render already under way), and
beyond that a busy answer: 429 with ``Retry-After`` for a client over its share, 503 with ``Retry-After``
when the server is full.

Where the servers share a Redis (``serve --cache-url``), a rendered image goes there too, and a server
asked for an image that another has rendered answers it from there without drawing it: each worker and
host draws a given image of a given release once. What Redis holds is data (``SharedImages``: one JSON
line naming the file, then the image's bytes), under a key of the cache's format, the release's
fingerprint and the image's chart, format and canonical query; a Redis down or slow is skipped
(``cache.SharedCache``) and the image drawn here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import flask
from dash import Dash

from border_dashboard.components import charts, export, ids
from border_dashboard.components.cache import SharedCache
from border_dashboard.components.live import Served
from border_dashboard.components.state import from_query, to_query

log = logging.getLogger(__name__)

CHARTS = {"trend": ids.TREND, "rise": ids.RISE, "seasonality": ids.PEAK, "peak": ids.PEAK, "top": ids.TOP}
CHARTS.update({name: chart for chart, name in charts.CHART_NAMES.items()})  # and the download names
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
assert set(MEDIA_TYPES) == set(export.IMAGE_FORMATS)


class SharedImages:
    """Chart images in the cache every worker and host shares, as data: a JSON line ``{"file": name,
    "bytes": size}``, a newline, then the image's bytes; anything else read back is a miss."""

    def __init__(self, cache: SharedCache, max_bytes: int):
        self.cache, self.max_bytes = cache, max_bytes

    @staticmethod
    def key(chart: str, fmt: str, query: str) -> str:
        """'image:trend-chart.svg?nationality=China&...': the chart's id (one for its every URL name) and the
        view's canonical query (``state.to_query``), so that any spelling of a view finds its image."""
        return f"image:{chart}.{fmt}?{query.removeprefix('?')}"

    def get(self, key: str) -> tuple[str, bytes] | None:
        stored = self.cache.get(key)
        if stored is None:
            return None
        head, _, data = stored.partition(b"\n")
        try:
            header = json.loads(head)
            if not isinstance(header, dict) or header.get("bytes") != len(data):
                return None
            name = header["file"]
        except (ValueError, KeyError, TypeError):
            return None
        return (name, data) if isinstance(name, str) else None

    def set(self, key: str, result: tuple[str, bytes]) -> None:
        name, data = result
        if len(data) <= self.max_bytes:
            self.cache.set(key, json.dumps({"file": name, "bytes": len(data)}).encode() + b"\n" + data)


class Busy(Exception):
    """No render for this request now: answered ``status`` with ``Retry-After: retry_after``."""

    def __init__(self, status: int, retry_after: int, message: str):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


class Renderer:
    """A bounded render pool with an LRU of results, one per app (and so per process).

    What a flood could exhaust is the server's request threads, each blocked while its image is drawn, so
    the limits count requests waiting for an image, whether they started its render or joined an
    identical one under way.

    Args:
        workers: render threads. Kaleido draws one image at a time per process anyway.
        queue: renders that may wait for a render thread.
        per_client: requests of one client that may wait for an image; beyond, 429.
        max_waiting: requests of all clients that may wait for an image (default ``workers + queue``);
            beyond, 503. Below the server's threads per process, it leaves threads for the other readers.
        cache_items, cache_bytes: the LRU of finished images.
        wait: seconds a request waits for its render before a 503.
        idle: seconds without a render after which this process's Chromium is ended, so that its memory
            goes back after a burst of exports (the next one starts it again, about 2 s); None: kept.
    """

    def __init__(
        self,
        *,
        workers: int = 1,
        queue: int = 6,
        per_client: int = 2,
        max_waiting: int | None = None,
        cache_items: int = 64,
        cache_bytes: int = 32 * 1024 * 1024,
        wait: float = 30.0,
        idle: float | None = 60.0,
    ):
        self.workers, self.queue, self.per_client, self.wait = workers, queue, per_client, wait
        self.max_waiting = max(1, workers + queue if max_waiting is None else max_waiting)
        self.idle = idle
        self._last_render = 0.0
        self._idle_timer: threading.Thread | None = None
        self.cache_items, self.cache_bytes = cache_items, cache_bytes
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, tuple[str, bytes]] = OrderedDict()
        self._cached_bytes = 0
        self._running: dict[tuple, Future] = {}
        self._waiting: Counter[str] = Counter()  # by client
        self._waiting_total = 0
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0
        self.stats = Counter()

    def _executor(self) -> ThreadPoolExecutor:
        """The pool, made in the process that uses it (a pool made before gunicorn forks has no threads)."""
        if self._pool is None or self._pool_pid != os.getpid():
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="border-image")
            self._pool_pid = os.getpid()
        return self._pool

    @property
    def pending(self) -> int:
        """Renders queued or running."""
        return len(self._running)

    @property
    def waiting(self) -> int:
        """Requests waiting for an image."""
        return self._waiting_total

    def get(
        self,
        key: tuple,
        client: str,
        make: Callable[[], tuple[str, bytes]],
        shared: SharedImages | None = None,
        shared_key: str = "",
    ) -> tuple[str, bytes]:
        """The (file name, bytes) of ``key``: from this process's cache, from the shared cache (``shared``,
        under ``shared_key``: an image another worker or host drew), from the identical render under way,
        or from a new render, if this client and the server have room to wait for it; else ``Busy``. A
        new render goes to the shared cache too."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                self.stats["cached"] += 1
                return self._cache[key]
        if shared is not None:
            found = shared.get(shared_key)  # outside the lock: a call to Redis (bounded by its timeout)
            if found is not None:
                with self._lock:
                    self._remember(key, found)
                    self.stats["shared"] += 1
                return found
        with self._lock:
            if key in self._cache:  # drawn here meanwhile
                self._cache.move_to_end(key)
                self.stats["cached"] += 1
                return self._cache[key]
            if self._waiting[client] >= self.per_client:
                self.stats["429"] += 1
                raise Busy(429, 2, f"At most {self.per_client} images at a time per reader; retry shortly.")
            future = self._running.get(key)
            if self._waiting_total >= self.max_waiting or (
                future is None and len(self._running) >= self.workers + self.queue
            ):
                self.stats["503"] += 1
                raise Busy(503, 5, "The server is drawing many images; retry in a few seconds.")
            if future is None:
                future = self._executor().submit(self._render, key, make, shared, shared_key)
                self._running[key] = future
                self.stats["rendered"] += 1
            else:
                self.stats["joined"] += 1
            self._waiting[client] += 1
            self._waiting_total += 1
        try:
            return future.result(timeout=self.wait)
        except FutureTimeout:
            raise Busy(503, 5, "The image took too long to draw; retry in a few seconds.") from None
        finally:
            with self._lock:
                self._waiting_total -= 1
                self._waiting[client] -= 1
                if self._waiting[client] <= 0:
                    del self._waiting[client]

    def _render(
        self, key: tuple, make: Callable[[], tuple[str, bytes]], shared: SharedImages | None = None, shared_key=""
    ) -> tuple[str, bytes]:
        try:
            result = make()
            with self._lock:
                self._remember(key, result)
            if shared is not None:
                shared.set(shared_key, result)
            return result
        finally:
            with self._lock:
                self._running.pop(key, None)
                self._last_render = time.monotonic()
                self._arm_idle_timer()

    def _arm_idle_timer(self, after: float | None = None) -> None:
        if self.idle is None or (self._idle_timer is not None and self._idle_timer.is_alive()):
            return
        self._idle_timer = threading.Thread(
            target=self._idle_watch, args=(self.idle if after is None else after,), name="border-image-idle"
        )
        self._idle_timer.daemon = True
        self._idle_timer.start()

    def _idle_watch(self, after: float) -> None:
        try:
            time.sleep(after)
            self._end_browser_if_idle()
        except SystemExit:  # a test harness (dash.testing) stopping the threads it did not start
            pass

    def _end_browser_if_idle(self) -> None:
        with self._lock:
            self._idle_timer = None
            if self._running:
                return  # the last of them arms the timer again
            idle_for = time.monotonic() - self._last_render
            if idle_for < self.idle:
                self._arm_idle_timer(after=self.idle - idle_for)  # a render came since: wait out the rest
                return
        if export.stop_image_server():
            self.stats["browser ended"] += 1
            log.info("no image drawn for %g s: ended this process's Chromium", self.idle)

    def _remember(self, key: tuple, result: tuple[str, bytes]) -> None:
        size = len(result[1])
        if size > self.cache_bytes // 4 or key in self._cache:
            return  # one image may not push out most of the others
        self._cache[key] = result
        self._cached_bytes += size
        while len(self._cache) > self.cache_items or self._cached_bytes > self.cache_bytes:
            _, (_, dropped) = self._cache.popitem(last=False)
            self._cached_bytes -= len(dropped)


def register(app: Dash, current: Callable[[], Served], renderer: Renderer | None = None) -> Renderer:
    """Serve ``/export/<chart>.<format>`` on ``app``, reading the release ``current()`` gives."""
    renderer = renderer or Renderer()
    prefix = app.config.routes_pathname_prefix

    def export_image(name: str):
        chart_name, _, fmt = name.rpartition(".")
        chart = CHARTS.get(chart_name)
        if chart is None or fmt not in MEDIA_TYPES:
            flask.abort(404)
        served = current()
        query = flask.request.query_string.decode("utf-8", "replace")
        state, notices = from_query(query, served.dataset)
        if notices:  # an image URL gets what it asks for or says why not: never another chart, silently
            response = flask.jsonify(error=" ".join(notices), view=to_query(state))
            response.status_code = 400
            return response
        query = to_query(state)
        key = (served.dataset.release, served.builder.version, chart, fmt, query)
        shared = served.extras.get("shared")
        # The image of a view is the same until another release is served: a browser or proxy may keep it,
        # asking each time whether it still holds (a 304, nothing drawn), so a new release shows at once.
        release = served.extras.get("namespace", served.dataset.fingerprint)
        tag = hashlib.sha256(f"{release}:{chart}.{fmt}?{query}".encode()).hexdigest()[:32]
        held = [t for t in flask.request.if_none_match.as_set() if t == tag or t.startswith(f"{tag}:")]  # ":br"
        if held:
            unchanged = flask.Response(status=304)
            unchanged.set_etag(held[0])
            unchanged.headers["Cache-Control"] = "public, no-cache"
            return unchanged

        def make() -> tuple[str, bytes]:
            view = served.builder.build(state)
            figure = charts.build_charts(view, for_export=True)[chart]
            return f"{charts.file_stem(view, chart)}.{fmt}", export.image_bytes(figure, fmt)

        client = flask.request.remote_addr or "unknown"
        try:
            file_name, data = renderer.get(
                key,
                client,
                make,
                SharedImages(shared, renderer.cache_bytes // 4) if shared is not None else None,
                SharedImages.key(chart, fmt, query),
            )
        except Busy as busy:
            response = flask.jsonify(error=str(busy))
            response.status_code = busy.status
            response.headers["Retry-After"] = str(busy.retry_after)
            return response
        except export.ImageExportError as error:
            log.error("image export failed: %s", error.__cause__ or error)
            response = flask.jsonify(error=str(error))
            response.status_code = 503
            response.headers["Retry-After"] = "30"
            return response
        response = flask.Response(data, mimetype=MEDIA_TYPES[fmt])
        response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
        response.headers["Cache-Control"] = "public, no-cache"
        response.set_etag(tag)
        return response

    app.server.add_url_rule(f"{prefix}export/<name>", "export_image", export_image, methods=["GET"])
    # Not the page (Dash answers any other path with it): no chart named, nothing to draw.
    app.server.add_url_rule(f"{prefix}export/", "export_nothing", lambda: flask.abort(404), methods=["GET"])
    app.server.config["BORDER_IMAGE_RENDERER"] = renderer
    return renderer
