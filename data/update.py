"""`border-dashboard update`: fetch the latest official files, import them, make them the current release.

Each source is found on its publisher's page (its address and its link's shape are in ``sources``),
downloaded within one deadline for the whole update and a size limit into a scratch folder of the data
folder, checked for what it claims to be, and imported with the same importer as `border-dashboard import`.
Only http(s) is followed, only to the page's own host or a host the source's registry entry names, and
never to a private, link-local or otherwise non-public address (loopback only when the page itself is on
loopback: tests, local mirrors). A release that covers less than the one in place (fewer months, far fewer
rows, or an earlier last month) is refused unless forced. Only when every file is good does the store
write them as a new release of the data folder (``store`` alone knows its layout; `update --rollback`
asks it to go back). Any failure leaves the data folder exactly as it was and is told in one line.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import re
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from border_dashboard.data import store
from border_dashboard.data.importers import MAX_INPUT_BYTES, read_source_file
from border_dashboard.data.schema import DataImportError
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.sources import SOURCES, UPDATE_TIMEOUT_SECONDS, Link, Source

TIMEOUT_SECONDS = UPDATE_TIMEOUT_SECONDS  # the whole update: every page and file, headers and bodies
CHUNK = 256 * 1024
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
SHRINK_TOLERANCE = 0.9  # a new release with fewer than 90% of the rows in place is refused unless forced
USER_AGENT = "border-dashboard (+update)"


class UpdateError(RuntimeError):
    """An update that could not be done; the dataset in place is untouched. The message is one line."""


Progress = Callable[[str, int, int | None], None]


def print_progress(label: str, done: int, total: int | None) -> None:
    """A progress line on standard error for downloads over a megabyte."""
    if total and total > 1_000_000:
        print(f"\r{label}: {done / total:.0%} of {total / 1e6:.1f} MB", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)


def shown(text: str, limit: int = 160) -> str:
    """Text from the network as a message may hold it: one line, printable, not too long."""
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in str(text)[: limit * 4])
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Deadline:
    """One time limit for a whole update: every connection, header and body read shares it."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> bool:
        return self.left() <= 0

    def error(self, url: str) -> UpdateError:
        return UpdateError(f"{shown(url)}: no answer within {self.seconds:g} s (the time limit of the whole update)")


# --- where an update may go --------------------------------------------------------------------------


def resolve(host: str, port: int) -> list[str]:
    """The IP addresses of a host (tests replace this)."""
    return list(dict.fromkeys(info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


def _resolve_within(host: str, port: int, deadline: Deadline, url: str) -> list[str]:
    """``resolve``, bounded by the deadline (a resolver can hang longer than any update should)."""
    found: dict = {}

    def run():
        try:
            found["addresses"] = resolve(host, port)
        except (OSError, UnicodeError, ValueError) as error:
            found["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(max(deadline.left(), 0))
    if worker.is_alive():
        raise deadline.error(url)
    if "error" in found:
        raise UpdateError(f"{shown(url)}: cannot find the host {shown(host, 80)} ({shown(found['error'], 80)})")
    if not found.get("addresses"):
        raise UpdateError(f"{shown(url)}: cannot find the host {shown(host, 80)}")
    return found["addresses"]


def _is_loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return ip.is_global and not ip.is_multicast


def _split(url: str):
    try:
        return urlsplit(url)
    except ValueError as error:  # "http://[::1": an address urllib cannot read
        raise UpdateError(f"{shown(url)}: not a valid address ({shown(error, 60)})") from None


@dataclass(frozen=True)
class Policy:
    """Where one source's update may go: http(s) to these hosts, at public addresses (and loopback ones
    when the page itself is on loopback)."""

    page_host: str
    hosts: frozenset[str]
    loopback: bool = False

    @classmethod
    def of(cls, source: Source, deadline: Deadline) -> Policy:
        parts = _split(source.page)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            raise UpdateError(f"{shown(source.page)}: the page is not an http or https address")
        try:
            port = parts.port if parts.port is not None else (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise UpdateError(f"{shown(source.page)}: not a valid address (its port)") from None
        addresses = _resolve_within(host, port, deadline, source.page)
        loopback = all(_is_loopback(a) for a in addresses)
        return cls(host, frozenset({host, *(h.lower() for h in source.hosts)}), loopback)

    def addresses(self, url: str, deadline: Deadline) -> tuple[str, int, list[str]]:
        """The host, port and the addresses ``url`` may be fetched from; an UpdateError if none."""
        parts = _split(url)
        if parts.scheme not in ("http", "https"):
            raise UpdateError(f"{shown(url)}: only http and https addresses are fetched")
        host = (parts.hostname or "").lower()
        try:
            port = parts.port if parts.port is not None else (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise UpdateError(f"{shown(url)}: not a valid address (its port)") from None
        if host not in self.hosts:
            others = ", ".join(sorted(self.hosts - {self.page_host}))
            named = f" nor a host named for the source ({others})" if others else ""
            raise UpdateError(
                f"{shown(url)}: {shown(host, 80) or 'no host'} is not the page's host ({self.page_host}){named}; "
                "not followed"
            )
        addresses = _resolve_within(host, port, deadline, url)
        allowed = [a for a in addresses if _is_public(a) or (self.loopback and _is_loopback(a))]
        if not allowed:
            raise UpdateError(
                f"{shown(url)}: {shown(host, 80)} is at {addresses[0]}, a private, link-local or loopback "
                "address; not followed"
            )
        return host, port, allowed

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and (parts.hostname or "").lower() in self.hosts


def open_policy(url: str) -> Policy:
    """For a lone ``fetch`` of a URL: its own host only."""
    host = (urlsplit(url).hostname or "").lower()
    return Policy(host, frozenset({host}), loopback=True)


# --- fetching ------------------------------------------------------------------------------------------


class _Connection(http.client.HTTPConnection):
    """A connection to one checked address (no second look-up that could answer another address)."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address, self.raw = address, None

    def connect(self):
        self.raw = self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _TLSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address, self.raw = address, None

    def connect(self):
        plain = socket.create_connection((self.address, self.port), self.timeout)
        self.raw = self.sock = self._context.wrap_socket(
            plain, server_hostname=self.host, do_handshake_on_connect=False
        )
        self.sock.do_handshake()  # after ``raw`` is set: the watchdog can cut a handshake short too


def _target(url: str) -> str:
    """The request target of a URL, percent-encoded where a link left it raw (spaces, non-ASCII)."""
    parts = urlsplit(url)
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return path + (f"?{query}" if query else "")


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT_SECONDS,
    limit: int = MAX_INPUT_BYTES,
    progress: Progress | None = None,
    deadline: Deadline | None = None,
    policy: Policy | None = None,
) -> tuple[bytes, str, str]:
    """The body and content type of a URL, and the address it came from once the redirects the policy allows
    were followed, all of it within the deadline (default: ``timeout`` seconds from now), or an UpdateError
    saying in one line what went wrong."""
    deadline = deadline or Deadline(timeout)
    if _split(url).scheme not in ("http", "https"):
        raise UpdateError(f"{shown(url)}: only http and https addresses are fetched")
    policy = policy or open_policy(url)
    for _ in range(MAX_REDIRECTS + 1):
        status, location, body, content_type = _fetch_once(url, deadline, policy, limit, progress)
        if status not in REDIRECTS:
            return body, content_type, url
        if not location:
            raise UpdateError(f"{shown(url)}: HTTP {status} without a Location")
        try:
            url = urljoin(url, location.strip())
        except ValueError:
            raise UpdateError(f"{shown(url)}: redirected to {shown(location, 80)}, not a valid address") from None
    raise UpdateError(f"{shown(url)}: more than {MAX_REDIRECTS} redirects")


def _fetch_once(url: str, deadline: Deadline, policy: Policy, limit: int, progress: Progress | None):
    """One request: (status, redirect location, body, content type). A watchdog shuts the socket down
    when the deadline passes, so neither slow headers nor a dripping body can outlast it."""
    host, port, addresses = policy.addresses(url, deadline)
    if deadline.expired():
        raise deadline.error(url)
    kind = _TLSConnection if urlsplit(url).scheme == "https" else _Connection
    connection = kind(host, port, addresses[0], timeout=max(deadline.left(), 0.01))
    timed_out = threading.Event()

    def stop():
        timed_out.set()
        raw = connection.raw
        if raw is not None:
            try:
                raw.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(max(deadline.left(), 0), stop)
    watchdog.daemon = True
    watchdog.start()
    response = None
    try:
        connection.request("GET", _target(url), headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
        response = connection.getresponse()
        if response.status in REDIRECTS:
            return response.status, response.getheader("Location"), b"", ""
        if response.status != 200:
            raise UpdateError(f"{shown(url)}: HTTP {response.status} {shown(response.reason, 60)}".rstrip())
        length = response.getheader("Content-Length")
        total = int(length) if length and length.strip().isdigit() else None
        if total is not None and total > limit:
            raise UpdateError(f"{shown(url)}: {total:,} bytes is over the {limit:,}-byte limit")
        chunks, done = [], 0
        while True:
            if deadline.expired():
                raise deadline.error(url)
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            done += len(chunk)
            if done > limit:
                raise UpdateError(f"{shown(url)}: more than the {limit:,}-byte limit")
            chunks.append(chunk)
            if progress:
                progress(shown(Path(urlsplit(url).path).name or url, 80), done, total)
        if timed_out.is_set():
            raise deadline.error(url)
        body = b"".join(chunks)
        if total is not None and len(body) < total:
            raise UpdateError(f"{shown(url)}: the body was cut short ({len(body):,} of {total:,} bytes)")
        return response.status, None, body, response.getheader("Content-Type", "")
    except UpdateError:
        raise
    except http.client.IncompleteRead as error:
        if timed_out.is_set():
            raise deadline.error(url) from None
        raise UpdateError(f"{shown(url)}: the body was cut short ({len(error.partial):,} bytes arrived)") from None
    except (TimeoutError, socket.timeout):
        raise deadline.error(url) from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        if timed_out.is_set() or deadline.expired():
            raise deadline.error(url) from None
        detail = shown(getattr(error, "strerror", None) or error, 100) or type(error).__name__
        raise UpdateError(f"{shown(url)}: {type(error).__name__}: {detail}") from None
    finally:
        watchdog.cancel()
        if response is not None:
            response.close()
        connection.close()


class _Links(HTMLParser):
    """The first link on a page whose address, made absolute, has the shape wanted (and, given ``allows``,
    goes where an update may go; the first that does not is kept to say why)."""

    def __init__(self, page_url: str, link: Link, allows: Callable[[str], bool] | None = None):
        super().__init__(convert_charrefs=True)
        self.page_url, self.link, self.allows = page_url, link, allows
        self.found: str | None = None
        self.refused: str | None = None

    def handle_starttag(self, tag, attrs):
        if self.found is not None or tag not in ("a", "area", "link"):
            return
        for name, value in attrs:
            if name == "href" and value:
                try:
                    address = urljoin(self.page_url, value.strip())
                    matches = self.link.matches(address)  # http(s) only
                except ValueError:  # an address urllib cannot split ("http://[x")
                    continue
                if not matches:
                    continue
                if self.allows is None or self.allows(address):
                    self.found = address
                    return
                self.refused = self.refused or address


def find_link(page_url: str, html: str, link: Link, allows: Callable[[str], bool] | None = None) -> str:
    """The file's absolute address, from the first http(s) link on the page with the link's shape (and
    that ``allows`` accepts, if given).

    One pass of ``html.parser`` over the page, linear in its length whatever it holds. The parser is fed
    and never closed: closing makes it re-read a construct left open at the end of the page once for every
    ``<`` in it (quadratic on Pythons before 3.11.13), and a tag still open at the end holds no link anyway.
    """
    parser = _Links(page_url, link, allows)
    parser.feed(html)
    if parser.found is None:
        if parser.refused is not None:
            host = urlsplit(parser.refused).hostname or "no host"
            raise UpdateError(
                f"{shown(page_url)}: the page links the data file on another host ({shown(host, 80)}), "
                "which is not followed"
            )
        raise UpdateError(f"{shown(page_url)}: no link to the data file on the page (the page may have changed)")
    return parser.found


def check_content(url: str, body: bytes, content_type: str, kind: str) -> None:
    """The file is what it claims to be: a workbook is a zip file, a CSV is text and not a web page."""
    head = body[:512].lstrip().lower()
    if kind == "xlsx" and not body.startswith(b"PK\x03\x04"):
        raise UpdateError(f"{shown(url)}: not an Excel workbook (got {shown(content_type, 60) or 'no content type'})")
    if kind == "csv" and (head.startswith((b"<!doctype", b"<html", b"<")) or "html" in content_type.lower()):
        raise UpdateError(f"{shown(url)}: got an HTML page, not a CSV file")


def file_name(url: str, name: str, kind: str) -> str:
    """The published file's name, as the release's provenance will cite it: the link's last path part,
    kept to letters, digits, ``.``, ``-`` and ``_`` and to 120 characters (a file system takes 255 bytes),
    ending in the source's kind; the source's own name if nothing is left."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", unquote(urlsplit(url).path).rsplit("/", 1)[-1]).strip("-.")
    suffix = f".{kind}"
    if stem.lower().endswith(suffix):
        stem = stem[: -len(suffix)]
    stem = stem[:120].strip("-.")
    return f"{stem or name}{suffix}"


def download(
    name: str,
    source: Source,
    folder: Path,
    *,
    deadline: Deadline,
    limit: int,
    progress: Progress | None,
) -> Path:
    policy = Policy.of(source, deadline)
    page, _, page_url = fetch(source.page, limit=limit, deadline=deadline, policy=policy)
    url = find_link(page_url, page.decode("utf-8", "replace"), source.link, policy.allows)
    body, content_type, _ = fetch(url, limit=limit, progress=progress, deadline=deadline, policy=policy)
    check_content(url, body, content_type, source.kind)
    path = folder / file_name(url, name, source.kind)
    try:
        path.write_bytes(body)
    except OSError as error:
        raise UpdateError(f"{path.name}: could not be kept for checking ({error.strerror or error})") from None
    return path


def _span(first: str, last: str) -> int:
    """Months from one YYYY-MM to another, both counted."""
    (y1, m1), (y2, m2) = (map(int, first.split("-")), map(int, last.split("-")))
    return (y2 - y1) * 12 + m2 - m1 + 1


def smaller_than_in_place(imported, records: dict[str, dict]) -> str | None:
    """Why a downloaded source covers less than the release in place (None when it does not): an earlier
    last month, fewer months, or rows fewer by more than ``SHRINK_TOLERANCE``."""
    for source in imported:
        old = records.get(source.name)
        if not old:
            continue
        months = source.table[E.month]
        first, last, rows = f"{months.min():%Y-%m}", f"{months.max():%Y-%m}", len(source.table)
        try:
            old_first, old_last, old_rows = str(old["first_month"]), str(old["last_month"]), int(old["rows"])
            old_span = _span(old_first, old_last)
        except (KeyError, TypeError, ValueError):
            continue  # a record of another shape: nothing to compare with
        if last < old_last:
            return f"{source.name}: the new file's data ends {last}, earlier than the {old_last} in place"
        if _span(first, last) < old_span:
            return (
                f"{source.name}: the new file covers {_span(first, last)} months ({first} to {last}), fewer than "
                f"the {old_span} of the release in place"
            )
        if rows < SHRINK_TOLERANCE * old_rows:
            return f"{source.name}: the new file has {rows:,} rows, far fewer than the {old_rows:,} in place"
    return None


def update(
    data_dir: Path | str | None = None,
    names: list[str] | None = None,
    *,
    sources: dict[str, Source] = SOURCES,
    timeout: float = TIMEOUT_SECONDS,
    limit: int = MAX_INPUT_BYTES,
    progress: Progress | None = print_progress,
    force: bool = False,
) -> list[str]:
    """Download, check and import the sources (default: those the dataset has) into a scratch folder,
    then hand them to the store, which makes them a new current release of the data folder.

    ``timeout`` bounds the whole download, every page and file; a release that covers less than the one
    in place is refused unless ``force``."""
    present = store.sources_in(store.locate(data_dir))
    names = names or [n for n in sources if n in present] or list(sources)
    unknown = [n for n in names if n not in sources]
    if unknown:
        raise UpdateError(f"unknown source {shown(unknown[0], 60)!r}; known: {', '.join(sources)}")
    deadline = Deadline(timeout)

    def refuse_smaller(in_place: dict[str, dict]) -> None:
        why = None if force else smaller_than_in_place(imported, in_place)
        if why:
            raise UpdateError(f"{why}; not taken (--force takes it anyway)")

    with store.scratch(data_dir) as folder:
        files = [download(n, sources[n], folder, deadline=deadline, limit=limit, progress=progress) for n in names]
        try:
            imported = [read_source_file(path) for path in files]
        except DataImportError as error:
            message = " ".join(str(error).replace(f"{folder}{os.sep}", "").split())
            raise UpdateError(f"downloaded file rejected: {shown(message, 300)}") from None
        wrong = [(n, s.name) for n, s in zip(names, imported) if n != s.name]
        if wrong:
            raise UpdateError(f"the file found for {wrong[0][0]} is a {wrong[0][1]} file")
        release = store.save(imported, data_dir, check=refuse_smaller)
    return [f"{s.name}: {len(s.table):,} rows from {s.file.name}" for s in imported] + [f"current release: {release}"]
