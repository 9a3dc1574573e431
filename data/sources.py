"""The registry of sources: every fact about each official source, in one place.

One frozen ``Source`` per source says who publishes it and where, how to cite it, whom it counts, how its
download link looks on its page, what kind of file it is, which dimensions a reader can filter it by, and
which of its files we know by content (with the month their data runs to). The importers, the store's
provenance records, `border-dashboard update` and the dashboard all read these facts from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from border_dashboard.data.schema import Encounters as E

LICENCE = "U.S. Government work, public domain"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_label(month: str) -> str:
    """'2024-11' -> 'November 2024'."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def data_through_label(month: str) -> str:
    """What a file's data covers, said by its last month: 'data through November 2024'."""
    return f"data through {month_label(month)}"


@dataclass(frozen=True)
class KnownFile:
    """An input file we know by its sha256, and how it is dated.

    The month a file's data runs to is not a release date: OHSS's workbook with data through November
    2024 was made in January 2025. ``created`` is the file's own date where it states one.
    """

    sha256: str
    name: str  # as published
    data_through: str  # YYYY-MM, the last month of data
    created: str = ""  # e.g. "16 January 2025" (the workbook's document properties)
    edition: str = ""  # the publisher's own name for the file, e.g. "FY22-FY25 (FYTD)"

    @property
    def release(self) -> str:
        label = data_through_label(self.data_through)
        return f"{label} (file created {self.created})" if self.created else label


@dataclass(frozen=True)
class Link:
    """How the data file's address looks among the page's links: substrings of its path and how the path
    ends, in any case. Only http and https addresses are followed."""

    contains: tuple[str, ...]
    suffix: str

    def matches(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        path = unquote(parts.path).lower()
        return path.endswith(self.suffix.lower()) and all(part.lower() in path for part in self.contains)


@dataclass(frozen=True)
class Source:
    """Everything known about one official source."""

    name: str  # the source's id in the dataset, the URL and the command line
    title: str
    publisher: str
    page: str  # where the publisher lists the file
    label: str  # short, for a dropdown
    rounding: str  # a note for every citation; empty when the figures are exact
    people: str  # whom the counts are of, as a sentence's subject: "Border Patrol", "CBP"
    link: Link  # the download link's shape on the page
    kind: str  # "xlsx" or "csv"
    filters: tuple[str, ...]  # the dimensions (besides region and nationality) it breaks out
    known_files: tuple[KnownFile, ...] = ()
    # Hosts besides the page's own that `update` may fetch the file from (a link or a redirect to any other
    # host is not followed).
    hosts: tuple[str, ...] = ()
    licence: str = LICENCE
    rounded_to: int = 1  # every published figure is a multiple of this (OHSS: 10)

    def known(self, sha256: str) -> KnownFile | None:
        return next((f for f in self.known_files if f.sha256 == sha256), None)

    def release(self, sha256: str, data_through: str) -> str:
        """What a file of this source holds, for its provenance: a known file's own dating, else the
        last month of its data ('data through August 2025')."""
        known = self.known(sha256)
        return known.release if known else data_through_label(data_through)

    def source_line(self, data_through: str) -> str:
        """The citation under every chart and atop every download: publisher, title, the last month of
        data (a file's full dating is in its provenance record) and the rounding note."""
        line = f"Source: {self.publisher}, {self.title}, {data_through_label(data_through)}."
        return f"{line} {self.rounding}" if self.rounding else line


OHSS_USBP = Source(
    name="ohss-usbp",
    title="Key Homeland Security Metrics: CBP Encounters - USBP",
    publisher="DHS Office of Homeland Security Statistics",
    page="https://ohss.dhs.gov/khsm/cbp-encounters",
    label="OHSS: Border Patrol",
    rounding="Figures rounded to the nearest 10.",
    people="Border Patrol",
    rounded_to=10,
    link=Link(contains=("khsm", "usbp"), suffix=".xlsx"),
    kind="xlsx",
    filters=(E.demographic, E.sector),  # family status and sector, not crossed with citizenship
    known_files=(
        KnownFile(
            sha256="cb9723f7503c2ddc63952ab694e06f21f65e249fcf26964db31968e5099c084f",
            name="ohss-khsm-cbp-encounters-usbp-fy2000-fy2025m02.xlsx",
            data_through="2024-11",  # FY2025 month 2
            created="16 January 2025",
            edition="FY2000 to FY2025 month 2",
        ),
    ),
)
CBP_SWB = Source(
    name="cbp-swb",
    title="Southwest Land Border Encounters",
    publisher="U.S. Customs and Border Protection",
    page="https://www.cbp.gov/document/stats/southwest-land-border-encounters",
    label="CBP: Southwest border",
    rounding="",
    people="CBP",
    link=Link(contains=("sw-land-border-encounters",), suffix=".csv"),
    kind="csv",
    filters=(E.component, E.demographic),
    known_files=(
        KnownFile(
            sha256="644a70518bea08884f29483c4aa6aee5fcceadc85a0bd8f09043fa6d356fedc4",
            name="cbp-sw-land-border-encounters-fy22-fy25-aug.csv",
            data_through="2025-08",
            edition="FY22-FY25 (FYTD)",
        ),
    ),
)
CBP_NATIONWIDE = Source(
    name="cbp-nationwide",
    title="Nationwide Encounters",
    publisher="U.S. Customs and Border Protection",
    page="https://www.cbp.gov/document/stats/nationwide-encounters",
    label="CBP: Nationwide",
    rounding="",
    people="CBP",
    link=Link(contains=("nationwide-encounters",), suffix=".csv"),
    kind="csv",
    filters=(E.component, E.demographic, E.area_of_responsibility),
)

SOURCES: dict[str, Source] = {source.name: source for source in (OHSS_USBP, CBP_SWB, CBP_NATIONWIDE)}
DEFAULT_SOURCE = OHSS_USBP.name
UPDATE_TIMEOUT_SECONDS = 120.0
"""The seconds `border-dashboard update` may take downloading, every page and file, headers and bodies
(here, not in ``update``, so that the command line's help names it without importing the downloader)."""

SOURCE_ALIASES = {"ohss": OHSS_USBP.name, "usbp": OHSS_USBP.name, "cbp": CBP_SWB.name, "swb": CBP_SWB.name}
"""Short names a reader may type for a source on the command line."""


def resolve_source(name: str, available: list[str]) -> str:
    """A typed source name (its id, a unique part of it, or a short name such as 'usbp') among those the
    dataset holds; a ValueError naming them otherwise."""
    wanted = name.strip().lower()
    wanted = SOURCE_ALIASES.get(wanted, wanted)
    if wanted in available:
        return wanted
    if wanted in SOURCES:
        return_hint = ", ".join(available)
        raise ValueError(
            f"source {wanted} is not in the dataset, which has {return_hint}; "
            f"`border-dashboard update --source {wanted}` fetches it"
        )
    partial = [s for s in available if wanted and wanted in s]
    if len(partial) == 1:
        return partial[0]
    return_hint = ", ".join(partial or available)
    raise ValueError(f"unknown source {name!r}; the dataset has {return_hint}")
