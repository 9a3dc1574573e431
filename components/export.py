"""Downloads: the data behind a view as CSV, and a chart as a PNG, SVG or PDF image."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import threading
import warnings
from pathlib import Path

import kaleido
import pandas as pd
import plotly.graph_objects as go

from border_dashboard.components.controls import FILTERS
from border_dashboard.components.view import View
from border_dashboard.data import analysis
from border_dashboard.data.schema import ALL_NATIONALITIES
from border_dashboard.data.schema import Encounters as E

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 1000, 520, 2
IMAGE_FORMATS = ("png", "svg", "pdf")
# Kaleido's server is not safe to call from two threads at once: it runs one figure at a time, and two
# callers waiting together can take each other's image from its one answer queue. One lock for starting
# it and for each render keeps every answer with its caller, at no cost (it renders one at a time anyway).
_KALEIDO_LOCK = threading.Lock()
_BROWSER = {"running": False, "niced": True}  # whether this module started Kaleido's server (and lowered it)
BROWSER_NICENESS = 10  # Chromium yields the CPU to the server's readers: an export flood never starves them


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
        "# 'months' counts the months of each period inside the window and the data.",
    ]
    body = io.StringIO()
    data_frame(view).to_csv(body, index=False, lineterminator="\n")
    return "\n".join(header) + "\n" + body.getvalue()


class ImageExportError(RuntimeError):
    """The server could not render an image (most often: no Chromium on the machine)."""


def start_image_server() -> None:
    """Keep one headless Chromium for Kaleido in this process (about 2 s to start, ~0.1 s an image after).

    Only Kaleido's public API: ``kaleido.start_sync_server`` holds that browser, one per process, returns at
    once when it already runs, and registers its own close (what ``kaleido.stop_sync_server`` does) at exit.
    """
    with _KALEIDO_LOCK:
        _start_niced()


def _start_niced() -> None:
    """Start Kaleido's server (the lock held) from a thread of lower CPU priority: on Linux a thread's
    niceness passes to the threads and processes it starts, so Kaleido's loop and Chromium, from its launch
    on, yield to the server's readers (the calling thread is left as it was: an unprivileged one could not
    raise it back). Its processes are lowered once more after its first image (Chromium raises some)."""
    if _BROWSER["running"]:
        return

    def start():
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), BROWSER_NICENESS))
        kaleido.start_sync_server(silence_warnings=True)

    starter = threading.Thread(target=start, name="border-dashboard-kaleido-start", daemon=True)
    starter.start()
    starter.join()
    _BROWSER.update(running=True, niced=False)


def stop_image_server(grace: float = 2.0) -> bool:
    """End this process's Chromium while no image is being drawn (``kaleido.stop_sync_server``), so that its
    memory (a few hundred MB) goes back once exports stop; the next image starts a new one. Should Kaleido's
    close not be done within ``grace`` seconds, its browser processes are killed so that it can end.
    Returns whether there was one to end."""
    with _KALEIDO_LOCK:
        if not _BROWSER["running"]:
            return False
        _BROWSER["running"] = False
        stopper = threading.Thread(
            target=kaleido.stop_sync_server,
            kwargs={"silence_warnings": True},
            name="border-dashboard-kaleido-stop",
            daemon=True,
        )
        stopper.start()
        stopper.join(grace)
        if stopper.is_alive():
            for pid in _browser_processes():
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            stopper.join(grace)
        return True


def _browser_processes() -> list[int]:
    """Kaleido's Chromium processes of this process: its children and theirs, with "chrom" in the command."""
    children: dict[int, list[int]] = {}
    commands: dict[int, bytes] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            commands[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, stack = [], list(children.get(os.getpid(), []))
    while stack:
        pid = stack.pop()
        if b"chrom" in commands.get(pid, b""):
            found.append(pid)
            stack.extend(children.get(pid, []))
    return found


def _lower_browser_priority() -> None:
    """Every thread of every Chromium process at ``BROWSER_NICENESS`` at least (Linux sets niceness per
    thread, and Chromium raises some of its own)."""
    for pid in _browser_processes():
        for task in Path(f"/proc/{pid}/task").glob("[0-9]*"):
            with contextlib.suppress(OSError, ValueError):
                tid = int(task.name)
                os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), BROWSER_NICENESS))


def image_bytes(figure: go.Figure, fmt: str) -> bytes:
    """Render through Kaleido (the machine's Chromium): title and source line are part of the figure."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}")
    try:
        with _KALEIDO_LOCK, warnings.catch_warnings():
            _start_niced()  # under the same hold as the render: the idle stop cannot come between them
            # Plotly warns that per-call Kaleido options are unused when a server runs; we pass none.
            warnings.filterwarnings("ignore", message="The kopts argument is ignored", category=UserWarning)
            image = figure.to_image(format=fmt, width=IMAGE_WIDTH, height=IMAGE_HEIGHT, scale=IMAGE_SCALE)
            if not _BROWSER["niced"]:
                _BROWSER["niced"] = True
                _lower_browser_priority()
            return image
    except Exception as error:  # Kaleido and choreographer raise their own types
        raise ImageExportError(
            f"The {fmt.upper()} could not be made on the server ({type(error).__name__}); it needs Chromium "
            "(apt-get install chromium). The chart's own camera button still saves a PNG."
        ) from error
