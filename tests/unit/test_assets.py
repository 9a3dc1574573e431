"""The page's own scripts: the vendored plotly.js bundle is the release plotly.py was built for, and is served."""

from __future__ import annotations

import re
from pathlib import Path

import plotly

from border_dashboard.components import app as application

VENDOR = Path(application.ASSETS) / "vendor"
BUNDLE = VENDOR / "plotly-cartesian.min.js"
VERSION = "4.1.1"


def _version(script: Path) -> str:
    return re.search(r"plotly\.js \(?[a-z -]*\)? ?v(\d+\.\d+\.\d+)", script.read_text(encoding="utf-8")[:400]).group(1)


def test_the_bundle_is_the_plotly_js_release_plotly_py_draws_for():
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert _version(BUNDLE) == VERSION
    assert VERSION in (VENDOR / "README.md").read_text()
    # Same major release: the attributes our figures use mean the same in both (a minor bump is fine).
    assert _version(BUNDLE).split(".")[0] == re.search(r"plotly\.js v(\d+)", bundled.read_text()[:400]).group(1)


def test_the_page_loads_the_bundle_and_not_the_full_plotly_js():
    client = application.create_app().server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'src="/assets/vendor/plotly-cartesian\.min\.js\?m=[\d.]+"', page)
    assert "package_data/plotly.min.js" not in page
    with client.get("/assets/vendor/plotly-cartesian.min.js") as served:  # a file response: close it
        assert served.status_code == 200 and served.data == BUNDLE.read_bytes()
