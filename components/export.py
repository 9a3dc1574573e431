"""Downloads: the data behind a view as CSV, and a chart as a PNG, SVG or PDF image."""

from __future__ import annotations

import atexit
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
_START_LOCK = threading.Lock()
# Kaleido's server takes one task at a time from a shared queue and hands results back on another: two
# threads calling it at once can each get the other's image. One render at a time per process.
_RENDER_LOCK = threading.Lock()
_BROWSER = {"niced": True}
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

    Kaleido holds that browser itself, one per process; starting it twice is harmless.
    """
    server = kaleido._global_server  # noqa: SLF001 - kaleido has no public "is it running" nor "is it alive"
    with _START_LOCK:
        if server.is_running() and server._thread.is_alive():  # noqa: SLF001
            return
        if server.is_running():  # its thread was stopped from outside (a test harness does that): start anew
            server._initialized = False  # noqa: SLF001
        _start_niced()
        atexit.register(_end_image_browser)  # runs before Kaleido's own close (last registered, first run)
        _BROWSER["niced"] = False  # once it has drawn, its processes exist: see image_bytes


def _start_niced() -> None:
    """Start Kaleido's server from a thread of lower CPU priority: on Linux a thread's niceness passes to
    the threads and processes it starts, so Kaleido's loop and Chromium, from its launch on, yield to the
    server's readers (the calling thread is left as it was: an unprivileged one could not raise it back)."""

    def start():
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), BROWSER_NICENESS))
        kaleido.start_sync_server(silence_warnings=True)

    starter = threading.Thread(target=start, name="border-dashboard-kaleido-start", daemon=True)
    starter.start()
    starter.join()


def stop_image_server(grace: float = 2.0) -> bool:
    """End this process's Chromium while no image is being drawn, so that its memory (a few hundred MB)
    goes back once exports stop; the next image starts a new one. Returns whether one was running.

    Kaleido's server loop ends on a ``None`` task and closes its browser; should that close hang (it can,
    started from a server thread), the browser is killed after ``grace`` seconds."""
    server = kaleido._global_server  # noqa: SLF001
    with _RENDER_LOCK, _START_LOCK:
        if not server.is_running():
            return False
        thread = server._thread  # noqa: SLF001
        if thread.is_alive():
            server._task_queue.put(None)  # noqa: SLF001
            thread.join(grace)
        if thread.is_alive():
            _end_image_browser()
            thread.join(grace)
        server._initialized = False  # noqa: SLF001 - as Kaleido's own close leaves it
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


def _end_image_browser() -> None:
    """At exit, end Kaleido's Chromium ourselves: when it was started from a server thread, Kaleido's
    close can wait minutes for it. Only children of this process started with a DevTools pipe."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == os.getpid() and b"chrom" in command and b"--remote-debugging-pipe" in command:
            with contextlib.suppress(OSError):
                os.kill(int(stat.parent.name), signal.SIGKILL)


def image_bytes(figure: go.Figure, fmt: str) -> bytes:
    """Render through Kaleido (the machine's Chromium): title and source line are part of the figure."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}")
    try:
        with _RENDER_LOCK, warnings.catch_warnings():
            start_image_server()
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
