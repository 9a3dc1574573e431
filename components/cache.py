"""A cache shared by every worker and host (Redis), holding data only: JSON text or image bytes.

Never pickles: whoever can write to a pickle cache can run code in every server that reads it. Keys carry
a format version and the dataset's version, so a new release or a new format never reads old entries.
A cache that is down or slow is skipped (each call bounded by a short timeout) and logged once; the page
keeps working at its single-host speed, and the cache is tried again after a pause.
"""

from __future__ import annotations

import logging
import threading
import time

FORMAT = 1
"""Bump when what is stored changes shape."""

log = logging.getLogger(__name__)


class SharedCache:
    """Get and set bytes in Redis under ``border:v<FORMAT>:<namespace>:<key>``, never raising.

    Args:
        url: a Redis URL, ``redis://host:6379/0``.
        namespace: what the entries belong to (the dataset's version), part of every key.
        timeout: seconds each call may take before the cache counts as down.
        retry_after: seconds to wait, once it is down, before trying it again.
        ttl: seconds an entry lives.
    """

    def __init__(self, url: str, namespace: str, *, timeout: float = 0.25, retry_after: float = 30.0, ttl: int = 3600):
        import redis  # optional: pip install "border-dashboard[redis]"

        self.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry_on_timeout=False
        )
        self.prefix = f"border:v{FORMAT}:{namespace}:"
        self.retry_after, self.ttl = retry_after, ttl
        self._down_until = 0.0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def _call(self, method, *args):
        if time.monotonic() < self._down_until:
            return None
        try:
            return method(*args)
        except Exception as error:  # redis raises its own ConnectionError, TimeoutError, ResponseError
            with self._lock:
                if time.monotonic() >= self._down_until:
                    log.warning("shared cache unavailable (%s: %s); serving without it", type(error).__name__, error)
                self._down_until = time.monotonic() + self.retry_after
            return None

    def get(self, key: str) -> bytes | None:
        value = self._call(self.client.get, self.prefix + key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def set(self, key: str, value: bytes | str) -> None:
        self._call(self.client.set, self.prefix + key, value, self.ttl)
