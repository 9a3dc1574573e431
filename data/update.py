"""`border-dashboard update`: fetch the latest official files, import them, make them the current release.

Each source is found on its publisher's page (its address and its link's shape are in ``sources``),
downloaded with a timeout and a size limit into a temporary folder, checked for what it claims to be, and
imported with the same importer as `border-dashboard import`. Only when every file is good does the store
write them as a new release of the data folder (``store`` alone knows its layout; `update --rollback`
asks it to go back). Any failure leaves the data folder exactly as it was and is told in one line.
"""

from __future__ import annotations

import http.client
import socket
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from border_dashboard.data import store
from border_dashboard.data.importers import MAX_INPUT_BYTES, read_source_file
from border_dashboard.data.schema import DataImportError
from border_dashboard.data.sources import SOURCES, Link, Source

TIMEOUT_SECONDS = 30.0
CHUNK = 256 * 1024


class UpdateError(RuntimeError):
    """An update that could not be done; the dataset in place is untouched. The message is one line."""


Progress = Callable[[str, int, int | None], None]


def print_progress(label: str, done: int, total: int | None) -> None:
    """A progress line on standard error for downloads over a megabyte."""
    if total and total > 1_000_000:
        print(f"\r{label}: {done / total:.0%} of {total / 1e6:.1f} MB", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)


def fetch(
    url: str, *, timeout: float = TIMEOUT_SECONDS, limit: int = MAX_INPUT_BYTES, progress: Progress | None = None
) -> tuple[bytes, str]:
    """The body and content type of a URL, or an UpdateError saying in one line what went wrong."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise UpdateError(f"{url}: only http and https addresses are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": "border-dashboard (+update)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if total is not None and total > limit:
                raise UpdateError(f"{url}: {total:,} bytes is over the {limit:,}-byte limit")
            chunks, done = [], 0
            while chunk := response.read(CHUNK):
                done += len(chunk)
                if done > limit:
                    raise UpdateError(f"{url}: more than the {limit:,}-byte limit")
                chunks.append(chunk)
                if progress:
                    progress(Path(urlsplit(url).path).name or url, done, total)
            body = b"".join(chunks)
            if total is not None and len(body) < total:
                raise UpdateError(f"{url}: the body was cut short ({len(body):,} of {total:,} bytes)")
            return body, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        error.close()  # it holds the connection
        raise UpdateError(f"{url}: HTTP {error.code} {error.reason}") from None
    except http.client.IncompleteRead as error:
        raise UpdateError(f"{url}: the body was cut short ({len(error.partial):,} bytes arrived)") from None
    except (TimeoutError, socket.timeout):
        raise UpdateError(f"{url}: no answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise UpdateError(f"{url}: no answer within {timeout:g} s") from None
        raise UpdateError(f"{url}: {reason}") from None
    except (ConnectionError, http.client.HTTPException, OSError) as error:
        raise UpdateError(f"{url}: {type(error).__name__}: {error}") from None


class _Links(HTMLParser):
    """The first link on a page whose address, made absolute, has the shape wanted."""

    def __init__(self, page_url: str, link: Link):
        super().__init__(convert_charrefs=True)
        self.page_url, self.link, self.found = page_url, link, None

    def handle_starttag(self, tag, attrs):
        if self.found is not None or tag not in ("a", "area", "link"):
            return
        for name, value in attrs:
            if name == "href" and value:
                address = urljoin(self.page_url, value.strip())
                if self.link.matches(address):  # http(s) only
                    self.found = address
                    return


def find_link(page_url: str, html: str, link: Link) -> str:
    """The file's absolute address, from the first http(s) link on the page with the link's shape.

    One pass of ``html.parser`` over the page, linear in its length whatever it holds. The parser is fed
    and never closed: closing makes it re-read a construct left open at the end of the page once for every
    ``<`` in it (quadratic on Pythons before 3.11.13), and a tag still open at the end holds no link anyway.
    """
    parser = _Links(page_url, link)
    parser.feed(html)
    if parser.found is None:
        raise UpdateError(f"{page_url}: no link to the data file on the page (the page may have changed)")
    return parser.found


def check_content(url: str, body: bytes, content_type: str, kind: str) -> None:
    """The file is what it claims to be: a workbook is a zip file, a CSV is text and not a web page."""
    head = body[:512].lstrip().lower()
    if kind == "xlsx" and not body.startswith(b"PK\x03\x04"):
        raise UpdateError(f"{url}: not an Excel workbook (got {content_type or 'no content type'})")
    if kind == "csv" and (head.startswith((b"<!doctype", b"<html", b"<")) or "html" in content_type.lower()):
        raise UpdateError(f"{url}: got an HTML page, not a CSV file")


def download(name: str, source: Source, folder: Path, *, timeout: float, limit: int, progress: Progress | None) -> Path:
    page, _ = fetch(source.page, timeout=timeout, limit=limit)
    url = find_link(source.page, page.decode("utf-8", "replace"), source.link)
    body, content_type = fetch(url, timeout=timeout, limit=limit, progress=progress)
    check_content(url, body, content_type, source.kind)
    path = folder / (Path(urlsplit(url).path).name or f"{name}.{source.kind}")
    path.write_bytes(body)
    return path


def update(
    data_dir: Path | str | None = None,
    names: list[str] | None = None,
    *,
    sources: dict[str, Source] = SOURCES,
    timeout: float = TIMEOUT_SECONDS,
    limit: int = MAX_INPUT_BYTES,
    progress: Progress | None = print_progress,
) -> list[str]:
    """Download, check and import the sources (default: those the dataset has) into a temporary folder,
    then hand them to the store, which makes them a new current release of the data folder."""
    present = store.sources_in(store.locate(data_dir))
    names = names or [n for n in sources if n in present] or list(sources)
    unknown = [n for n in names if n not in sources]
    if unknown:
        raise UpdateError(f"unknown source {unknown[0]!r}; known: {', '.join(sources)}")
    with tempfile.TemporaryDirectory(prefix="border-update-") as folder:
        files = [download(n, sources[n], Path(folder), timeout=timeout, limit=limit, progress=progress) for n in names]
        try:
            imported = [read_source_file(path) for path in files]
        except DataImportError as error:
            raise UpdateError(f"downloaded file rejected: {error}") from None
        wrong = [(n, s.name) for n, s in zip(names, imported) if n != s.name]
        if wrong:
            raise UpdateError(f"the file found for {wrong[0][0]} is a {wrong[0][1]} file")
        release = store.save(imported, data_dir)
    return [f"{s.name}: {len(s.table):,} rows from {s.file.name}" for s in imported] + [f"current release: {release}"]
