"""The first view over the wire, in the browser: compressed, without the scripts the page does not use,
and without errors for what they gave (Babel's polyfill: regeneratorRuntime)."""

from __future__ import annotations

import time

from border_dashboard.components import app as application
from border_dashboard.components import ids
from tests.browser.test_dashboard import wait_for_charts

RESOURCES = """
return performance.getEntriesByType('resource').map(e => [e.name, e.encodedBodySize, e.decodedBodySize]);
"""


def test_b201_the_first_view_is_compressed_and_loads_only_the_scripts_it_uses(dash_duo):
    dash_duo.start_server(application.create_app())
    dash_duo.driver.execute_cdp_cmd("Network.enable", {})
    dash_duo.driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})  # a first visit
    dash_duo.driver.get(dash_duo.server_url + "/?nationality=China")
    wait_for_charts(dash_duo)
    loaded: dict[str, tuple[int, int]] = {}
    for name, encoded, decoded in dash_duo.driver.execute_script(RESOURCES):  # a preloaded script: twice
        loaded[name.split("?")[0]] = max(loaded.get(name.split("?")[0], (0, 0)), (encoded, decoded))
    scripts = [name for name in loaded if name.endswith(".js")]
    assert not [s for s in scripts if "dash_table" in s or "polyfill" in s]
    for chunk in ("async-dropdown", "async-graph"):  # run with the page, under a fingerprint kept for good
        assert any(f"/dcc/{chunk}.v" in s for s in scripts), chunk
        assert not any(s.endswith(f"/{chunk}.js") for s in scripts), chunk  # never asked for again
    assert dash_duo.driver.execute_script("return typeof window.regeneratorRuntime.mark") == "function"
    for name in scripts:
        encoded, decoded = loaded[name]
        if decoded < 500:  # serving.MIN_SIZE: the loader and the renderer's start, a few lines each
            continue
        assert encoded < decoded / (2.5 if decoded > 10_000 else 1.5), name  # over the wire against the script
    assert [entry for entry in dash_duo.get_logs() if entry["level"] == "SEVERE"] == []


def test_b202_no_anchor_without_href_and_the_clear_button_still_clears(dash_duo):
    from selenium.webdriver.common.by import By

    from border_dashboard.components import controls as C

    dash_duo.start_server(application.create_app())
    dash_duo.driver.get(dash_duo.server_url + "/?nationality=China&nationality=India")
    wait_for_charts(dash_duo)
    # Lighthouse's crawlable-anchors audit fails an anchor with neither href nor role
    script = "return [...document.querySelectorAll('a:not([href]):not([role])')].map(a => a.outerHTML.slice(0, 120))"
    dash_duo.wait_for_element(f"#{C.NATIONALITY.id} a.dash-dropdown-clear[role=button]")
    assert dash_duo.driver.execute_script(script) == []
    description = dash_duo.driver.find_element(By.CSS_SELECTOR, "meta[name=description]").get_attribute("content")
    assert description.startswith("China, India - Southwest Land Border, ")
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{C.NATIONALITY.id} a.dash-dropdown-clear").click()
    dash_duo.wait_for_element(f"#{C.NATIONALITY.id}-value.dash-dropdown-placeholder", timeout=10)
    assert dash_duo.driver.execute_script("return window.location.hash") == ""


def test_b203_the_first_view_is_at_most_650_kb_over_the_wire(dash_duo):
    """The benchmark's ``cold_view_bytes`` (issue 13's target), here as a test: bytes do not depend on the
    machine's load."""
    import importlib.util
    from pathlib import Path
    from urllib.parse import urlsplit

    spec = importlib.util.spec_from_file_location("bench_run", Path(__file__).parents[2] / "bench" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    dash_duo.start_server(application.create_app())
    address = urlsplit(dash_duo.server_url)
    measured = bench.measure_cold_view_bytes(address.port, settle_s=0.5, host=address.hostname)
    paths = [path for path, _, _ in measured["cold_view_requests"]]
    assert any("plotly-dashboard" in p for p in paths) and any(p.startswith("/_dash-layout") for p in paths)
    assert all(encoding == "br" for _, size, encoding in measured["cold_view_requests"] if size > 2_000)
    assert 300_000 < measured["cold_view_bytes"] <= 650_000


def test_b204_a_first_view_asks_for_its_layout_once_and_calls_no_callback(dash_duo):
    """The loader fetches the layout and the callbacks beside the scripts and hands them to the renderer
    (one request each, not a second one once the scripts have run); the page it draws is the one the link
    asks for, so no callback runs on load (a hidden filter keeps its "All", for a source without one too)."""
    dash_duo.start_server(application.create_app())
    requested = "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
    for link, shown in (("/?nationality=China", "37,160"), ("/?source=cbp", None)):
        dash_duo.driver.get(dash_duo.server_url + link)
        wait_for_charts(dash_duo)
        if shown:
            dash_duo.wait_for_contains_text(f"#{ids.HEADLINE}", shown)
        time.sleep(1.0)  # a callback the load set off would have been asked for by now
        paths = dash_duo.driver.execute_script(requested)
        assert paths.count("/_dash-layout") == 1 and paths.count("/_dash-dependencies") == 1, (link, paths)
        assert [p for p in paths if "_dash-update-component" in p] == [], link
        assert [entry for entry in dash_duo.get_logs() if entry["level"] == "SEVERE"] == [], link
