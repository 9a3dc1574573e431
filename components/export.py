"""Downloads: the data behind a view as CSV, and a chart as a PNG, SVG or PDF image."""

from __future__ import annotations

import contextlib
import html
import io
import os
import re
import threading
import warnings
from dataclasses import dataclass

import kaleido
import pandas as pd
import plotly.graph_objects as go
import pypdf

from border_dashboard.components.controls import FILTERS
from border_dashboard.components.view import View
from border_dashboard.data import analysis
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.sources import SOURCES

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 1000, 520, 2
IMAGE_FORMATS = ("png", "svg", "pdf")
# Kaleido's server is not safe to call from two threads at once: it runs one figure at a time, and two
# callers waiting together can take each other's image from its one answer queue. One lock around each
# render (and the server's start) keeps every answer with its caller, at no cost: it renders one at a time.
_KALEIDO_LOCK = threading.Lock()
_chromium_works = _server_started = False  # set under the lock: an image was made; Kaleido's server runs


def neutralize(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


FEWER_THAN_5 = "<5"  # an OHSS month published as 0: fewer than 5 (it rounds to the nearest 10)
PERIOD, WHAT = "Period", "What"


@dataclass(frozen=True)
class DataTable:
    """The numbers the charts show for a view, as a table: one row per month with a column per nationality
    (as the source counts them; the region's total as 'All nationalities' where chosen), then one row per
    year of the window with its total, saying what the total is (the publisher's figure or a sum).

    Cells are counts; ``rounded``: a month's 0 is a rounded one, written ``FEWER_THAN_5`` (``month_text``).
    The table tab shows it (``panels``) and the CSV download is it (``csv_text``): one table, two forms.
    """

    months: pd.DataFrame  # Period (YYYY-MM), What ("month"), one column per nationality
    years: pd.DataFrame  # Period (2023, FY2023), What (its kind and months), one column per nationality
    columns: tuple[str, ...]  # the nationality columns, in the view's order
    rounded: bool

    def month_text(self, count: int) -> str:
        """A month's count as the table writes it: a rounded 0 is ``FEWER_THAN_5``."""
        return FEWER_THAN_5 if self.rounded and count == 0 else f"{int(count)}"

    def as_text(self) -> pd.DataFrame:
        """The months, then the years, every cell as it is written (the CSV's body)."""
        months = self.months.copy()
        for column in self.columns:
            months[column] = months[column].map(self.month_text)
        return pd.concat([months, self.years.astype({c: "str" for c in self.columns})], ignore_index=True)


def _kind_text(kinds: set[str], months: int, basis: str) -> str:
    """'calendar year, sum of 12 months'; 'fiscal year, published' (the publisher's annual figure);
    'fiscal year, published (sum where none is published)' when the nationalities differ."""
    what = f"{basis} year"
    summed = f"sum of {months} months" if months >= 12 else f"sum of {months} of 12 months"
    if kinds == {"published"}:
        return f"{what}, published"
    if "published" in kinds:
        return f"{what}, published where given, else the {summed}"
    return f"{what}, {summed}"


def data_table(view: View) -> DataTable:
    """The table of a view's numbers (see ``DataTable``): the trend's monthly counts and the yearly
    totals the rise chart draws (``View.yearly``: a whole fiscal year at the publisher's own figure)."""
    state = view.state
    names = {n: analysis.display(n, E.nationality) for n in view.nationalities}
    columns = tuple(names.values())
    if view.series.empty:
        empty = pd.DataFrame({PERIOD: pd.Series([], dtype="str"), WHAT: pd.Series([], dtype="str")})
        for column in columns:
            empty[column] = pd.Series([], dtype="int64")
        return DataTable(empty, empty.copy(), columns, SOURCES[state.source].rounded_to > 1)
    wide = view.series.pivot(index=E.month, columns=E.nationality, values=E.encounters)
    wide = wide[list(names)].rename(columns=names).sort_index()
    months = wide.reset_index(drop=True).rename_axis(columns=None)
    months.insert(0, WHAT, "month")
    months.insert(0, PERIOD, [f"{m:%Y-%m}" for m in wide.index])
    totals = view.yearly.pivot(index="year", columns=E.nationality, values="encounters")
    totals = totals[list(names)].rename(columns=names).sort_index()
    months_in = view.yearly.groupby("year")["months"].max()
    kinds = _year_kinds(view)
    years = totals.reset_index(drop=True).rename_axis(columns=None).astype("int64")
    years.insert(0, WHAT, [_kind_text(kinds.get(y, {"sum"}), int(months_in[y]), state.basis) for y in totals.index])
    years.insert(0, PERIOD, [analysis.year_label(int(y), state.basis) for y in totals.index])
    return DataTable(months, years, columns, SOURCES[state.source].rounded_to > 1)


def _year_kinds(view: View) -> dict[int, set[str]]:
    """Each year's kinds of total over the view's nationalities: 'published' where the total is the
    publisher's own figure (``View.published``), else 'sum'."""
    kinds: dict[int, set[str]] = {}
    for year in view.yearly["year"].unique():
        for nationality in view.nationalities:
            published = int(year) in view.published.get(nationality, ())
            kinds.setdefault(int(year), set()).add("published" if published else "sum")
    return kinds


def csv_text(view: View, provenance: dict) -> str:
    """The CSV, with the source and the selection in header comments."""
    state = view.state
    table = data_table(view)
    labels = {control.column: control.label for control in FILTERS}
    filters = "; ".join(f"{labels.get(c, c)}={v}" for c, v in state.filters)
    header = [
        "# U.S. border encounters: the data behind the dashboard view",
        f"# {view.source_line}",
        f"# Page: {provenance['page']}; input file {provenance['input_file']} (sha256 {provenance['input_sha256']})",
        f"# Selection: nationality={', '.join(state.nationalities) or 'none'}; "
        f"region={analysis.display(state.region, E.region)}; months={state.start} to {state.end}; "
        f"basis={state.basis}" + (f"; {filters}" if filters else ""),
        "# One row per month; then each year's total: its kind says whether it is the publisher's own figure "
        "(published) or the sum of its months inside the window and the data.",
        f"# {FEWER_THAN_5}: a month published as 0 (fewer than 5; figures rounded to the nearest 10)."
        if table.rounded
        else "# Counts as published.",
    ]
    body = io.StringIO()
    table.as_text().map(neutralize).to_csv(body, index=False, lineterminator="\n")
    return "\n".join(header_line(line) for line in header) + "\n" + body.getvalue()


def header_line(text: str) -> str:
    """A header comment a spreadsheet reads as one text cell starting with '#' (and pandas skips with
    ``comment="#"``), whatever a file name or a value holds: commas (which would start a cell of their own,
    '=cmd|...' among them) become semicolons, double quotes single ones, control characters spaces."""
    text = "".join(ch if ch.isprintable() else " " for ch in text).replace(",", ";").replace('"', "'")
    return text if text.startswith("#") else "# " + text


class ImageExportError(RuntimeError):
    """The server could not render an image (most often: no Chromium on the machine)."""


def start_image_server() -> None:
    """Have Kaleido's server running from now on, not from the second download (raises ImageExportError
    without Chromium). The browser tests call it before any app starts."""
    image_bytes(go.Figure(), "svg", keep_server=True)


BROWSER_NICENESS = 10  # Chromium yields the CPU to the server's readers: an export flood never starves them


def _start_server() -> None:
    """Start Kaleido's server once (called under the lock), from a thread of lower CPU priority: on Linux
    a thread's niceness passes to the threads and processes it starts, so Kaleido's loop and its Chromium
    yield to the server's readers (the calling thread keeps its own priority)."""
    global _server_started
    if _server_started:
        return

    def start():
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), BROWSER_NICENESS))
        kaleido.start_sync_server(silence_warnings=True)

    starter = threading.Thread(target=start, name="border-dashboard-kaleido-start", daemon=True)
    starter.start()
    starter.join()
    _server_started = True


def stop_image_server(grace: float = 5.0) -> bool:
    """End this process's Chromium while no image is being drawn, so that its memory (a few hundred MB)
    goes back once exports stop; the next image starts another. Returns whether one was running.

    Only Kaleido's public API (``kaleido.stop_sync_server``), waited for at most ``grace`` seconds."""
    global _server_started
    with _KALEIDO_LOCK:
        if not _server_started:
            return False
        closer = threading.Thread(
            target=kaleido.stop_sync_server, kwargs={"silence_warnings": True}, name="border-dashboard-kaleido-stop"
        )
        closer.daemon = True
        closer.start()
        closer.join(grace)
        _server_started = False
        return True


def image_bytes(figure: go.Figure, fmt: str, *, keep_server: bool = False) -> bytes:
    """Render through Kaleido (the machine's Chromium): title and source line are part of the figure.

    Only Kaleido's public API. The first image of a process is made as Plotly makes one without a server:
    a Chromium for that image alone (about 2 s), which raises if none can start, and a process that makes
    one image exits at once. From the second on, ``kaleido.start_sync_server`` keeps one headless Chromium
    for every image (a fraction of a second each) and closes it at exit itself. Starting the server before
    any image worked would hide a missing Chromium: its thread ends, and every image asked of it waits for
    good.
    """
    global _chromium_works
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}")
    try:
        with _KALEIDO_LOCK, warnings.catch_warnings():
            # Plotly warns that per-call Kaleido options are unused when a server runs; we pass none.
            warnings.filterwarnings("ignore", message="The kopts argument is ignored", category=UserWarning)
            if _chromium_works:
                _start_server()
            # A vector image declares its real size (1000 x 520); only the PNG is drawn at twice it.
            scale = 1 if fmt in ("svg", "pdf") else IMAGE_SCALE
            # at least IMAGE_HEIGHT, taller where the figure needs it (the trend's file with its event key)
            height = max(IMAGE_HEIGHT, int(figure.layout.height or 0))
            image = figure.to_image(format=fmt, width=IMAGE_WIDTH, height=height, scale=scale)
            _chromium_works = True
            if fmt == "pdf":
                image = titled_pdf(image, figure_title(figure))
            if keep_server:
                _start_server()
            return image
    except Exception as error:  # Kaleido and choreographer raise their own types
        raise ImageExportError(
            f"The {fmt.upper()} could not be made on the server ({type(error).__name__}); it needs Chromium "
            "(apt-get install chromium). The chart's own camera button still saves a PNG."
        ) from error


def figure_title(figure: go.Figure) -> str:
    """The title a figure draws, as one line of plain text (its line breaks and markup taken out)."""
    text = figure.layout.title.text or ""
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def titled_pdf(data: bytes, title: str) -> bytes:
    """The PDF with ``title`` as its document title (Info /Title, what a PDF reader shows in its title bar).

    Kaleido prints every figure from one page of its own, whose <title> ("Kaleido-fier") Chromium writes
    into each PDF's Info dictionary, and it has no option for it; pypdf rewrites that entry (and keeps
    the pages as they are)."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/Title": title or "U.S. border encounters"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
