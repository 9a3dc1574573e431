"""Downloads: the data behind a view as CSV, and a chart as a PNG, SVG or PDF image."""

from __future__ import annotations

import contextlib
import html
import io
import os
import re
import threading
import warnings

import kaleido
import pandas as pd
import plotly.graph_objects as go
import pypdf

from border_dashboard.components.controls import FILTERS
from border_dashboard.components.view import View
from border_dashboard.data import analysis
from border_dashboard.data.schema import ALL_NATIONALITIES
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


def data_frame(view: View) -> pd.DataFrame:
    """Exactly the rows and totals the view shows: monthly counts, yearly totals, the region's totals."""
    basis = view.state.basis
    monthly = view.series.assign(
        measure="monthly",
        period=view.series[E.month].dt.strftime("%Y-%m"),
        months=1,
    )
    yearly = view.yearly.assign(
        measure=f"{basis} year total",
        period=[analysis.year_label(y, basis) for y in view.yearly["year"]],
    )
    region = view.region_yearly.assign(
        **{E.nationality: ALL_NATIONALITIES},
        measure=f"{basis} year total",
        period=[analysis.year_label(y, basis) for y in view.region_yearly["year"]],
    )
    columns = [E.nationality, "measure", "period", E.encounters, "months"]
    frame = pd.concat([monthly[columns], yearly[columns], region[columns]], ignore_index=True)
    # A rounded source's 0 is not none: the count stays a number, and its note says what it means.
    zero = frame[E.encounters].eq(0) & (SOURCES[view.state.source].rounded_to > 1)
    frame["note"] = ""
    frame.loc[zero, "note"] = "fewer than 5"
    frame.loc[zero & frame["months"].gt(1), "note"] = "fewer than 5 in each month"
    return frame.map(neutralize)


def csv_text(view: View, provenance: dict) -> str:
    """The CSV, with the source and the selection in header comments."""
    state = view.state
    labels = {control.column: control.label for control in FILTERS}
    filters = "; ".join(f"{labels.get(c, c)}={v}" for c, v in state.filters)
    header = [
        "# U.S. border encounters: the data behind the dashboard view",
        f"# {view.source_line}",
        f"# Page: {provenance['page']}; input file {provenance['input_file']} (sha256 {provenance['input_sha256']})",
        f"# Selection: nationality={', '.join(state.nationalities) or 'none'}; "
        f"region={analysis.display(state.region, E.region)}; months={state.start} to {state.end}; "
        f"basis={state.basis}" + (f"; {filters}" if filters else ""),
        "# 'months' counts the months of each period inside the window and the data; 'note' says what a 0 of a "
        "source rounded to tens means.",
    ]
    body = io.StringIO()
    data_frame(view).to_csv(body, index=False, lineterminator="\n")
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
