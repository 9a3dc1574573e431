"""Browser tests drive the real app in Debian's headless Chromium through dash[testing]'s ``dash_duo``."""

from __future__ import annotations

import os
import shutil
import threading

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # one worker runs every browser test (with `-n 2 --dist loadgroup`): dash_duo serves on a fixed port
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session", autouse=True)
def _server_threads_stopped_by_dash_duo():
    """dash_duo stops its server by raising SystemExit in every thread the server started; a request still
    being answered when a test ends (a redraw the test did not wait for) then dies with SystemExit, which
    pytest reports as an unhandled thread exception and fails the test at teardown (seen: a flake of
    test_l003). Python's own threading.excepthook ignores a thread's SystemExit silently, as this does; every other
    exception in a thread still fails the test."""
    report = threading.excepthook

    def ignore_server_stop(args):
        if args.exc_type is not SystemExit:
            report(args)

    threading.excepthook = ignore_server_stop
    yield
    threading.excepthook = report


@pytest.fixture(scope="session", autouse=True)
def _image_browser_first():
    """Start Kaleido's server before any test app. When a test ends, dash_duo raises SystemExit in every
    thread started after its app server; a Kaleido server first started by a download request would be
    among them, and the next test's download would wait on a dead thread (seen: "no PNG downloaded").
    Started here, in the main thread and first, it is never one of them, so no revival is needed."""
    from border_dashboard.components import export

    export.start_image_server()


@pytest.fixture(autouse=True)
def _chromium():
    if not CHROMIUM or not shutil.which("chromedriver"):
        pytest.fail(
            "browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"
        )
    os.environ.setdefault("DASH_TEST_CHROMEPATH", CHROMIUM)


# Console entries a test may leave, each with why it is harmless. None is needed today: a full browser
# run logs no SEVERE entry at all (no favicon 404, no failed callback request, no script error).
ALLOWED_CONSOLE_ERRORS: tuple[str, ...] = ()


@pytest.fixture(autouse=True)
def _no_console_errors(dash_duo):
    """After each browser test, the page's console holds no error: an uncaught exception, a failed
    request (a 4xx or 5xx callback answer, a missing asset) or a console.error from Dash or Plotly."""
    yield
    errors = [
        entry
        for entry in dash_duo.get_logs()  # Chromium's SEVERE entries (dash_duo logs no lower level)
        if entry["level"] == "SEVERE" and not any(allowed in entry["message"] for allowed in ALLOWED_CONSOLE_ERRORS)
    ]
    if errors:
        pytest.fail("the browser console has errors:\n" + "\n".join(e["message"] for e in errors), pytrace=False)
