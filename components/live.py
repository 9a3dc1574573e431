"""The release a running server serves, kept current: after `import` or `update`, every worker serves the
new release within seconds, without a restart and without an error answer.

Each process checks where the data folder's ``current`` pointer leads (``store.locate``: a readlink and a
stat) at most once a second, on a request's way in. When it leads to another release, one background
thread loads and indexes it while readers go on with the one they have; then the new ``Served`` bundle
(dataset, view builder, page cache) replaces the old in one assignment. A request takes the bundle once,
at its start, so a reader mid-request finishes on the release it started with. A release that cannot be
read is logged and skipped (the old one stays served), and tried again a minute later (a file a network
folder had not yet shown, say), or at once if the pointer moves again: a process never stays on an old
release for good while the new one reads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from border_dashboard.components.view import ViewBuilder
from border_dashboard.data import store

log = logging.getLogger(__name__)
CHECK_INTERVAL_SECONDS = 1.0
RETRY_SECONDS = 60.0


@dataclass(frozen=True)
class Served:
    """What requests read, all of one release: its dataset, the builder of its views, its pages."""

    dataset: store.Dataset
    builder: ViewBuilder
    page_for: Callable[[str | None, bool], Any]  # (query, narrow) -> the page's layout
    extras: dict


class LiveData:
    """Calling it returns the ``Served`` bundle of the release to serve now.

    Args:
        make: builds the bundle of a loaded dataset (indexing, builders, caches).
        first: the dataset loaded at start.
        data_dir: the data folder followed; ``follow=False`` serves ``first`` for good (a dataset given
            in memory, tests).
        interval: seconds between two looks at the pointer.
        retry: seconds before a release that could not be read is tried again.
    """

    def __init__(
        self,
        make: Callable[[store.Dataset], Served],
        first: store.Dataset,
        data_dir: Path | str | None = None,
        *,
        follow: bool = True,
        interval: float = CHECK_INTERVAL_SECONDS,
        retry: float = RETRY_SECONDS,
    ):
        self.make, self.data_dir, self.follow, self.interval, self.retry = make, data_dir, follow, interval, retry
        self._served = make(first)
        self._next_check = time.monotonic() + interval
        self._checking = threading.Lock()
        self._loading: Path | None = None
        self._failed: Path | None = None
        self._retry_at = 0.0
        self.swaps = 0

    def __call__(self) -> Served:
        if self.follow and time.monotonic() >= self._next_check:
            self.check()
        return self._served

    @property
    def release(self) -> str:
        return self._served.dataset.release

    def check(self, *, wait: bool = False) -> None:
        """Look at the pointer; if it leads to another release, load that one in the background (or, with
        ``wait``, right here)."""
        if not self._checking.acquire(blocking=False):
            return  # another thread of this process is looking
        try:
            self._next_check = time.monotonic() + self.interval
            try:
                location = store.locate(self.data_dir)
            except (store.StoreError, OSError) as error:  # a pointer to a release just pruned, a folder gone
                log.warning("data folder not readable now (%s); still serving release %s", error, self.release)
                return
            if location in (self._served.dataset.location, self._loading):
                return
            if location == self._failed and time.monotonic() < self._retry_at:
                return
            self._loading = location
        finally:
            self._checking.release()
        if wait:
            self._load(location)
        else:
            threading.Thread(target=self._load, args=(location,), name="border-dashboard-reload", daemon=True).start()

    def _load(self, location: Path) -> None:
        try:
            dataset = store.load(location)
            for source in dataset.tables:
                dataset.served(source)  # index now, not on a reader's click
            served = self.make(dataset)
        except Exception as error:  # noqa: BLE001 - a bad release must never take the server down
            log.error(
                "release %s not served: %s; still serving %s (trying again in %g s)",
                location.name,
                error,
                self.release,
                self.retry,
            )
            self._failed, self._retry_at = location, time.monotonic() + self.retry
        else:
            self._served = served  # one assignment: a request sees the old bundle or the new, never a mix
            self._failed = None
            self.swaps += 1
            log.info("now serving release %s", dataset.release)
        finally:
            self._loading = None
