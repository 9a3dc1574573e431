"""Back, Forward and links in the page's first moments, before the page has all it needs to follow them:
on a slow phone that is a second or more. The browser's CPU is slowed six times (Chrome's CPU throttling)
so that a test acts inside that window every time."""

from __future__ import annotations

import time

import pytest

from border_dashboard.components import app as application
from border_dashboard.components import controls as C
from border_dashboard.components import ids
from tests.browser.test_dashboard import query, wait, wait_for_charts

pytestmark = pytest.mark.browser

SLOWER = 6  # Chrome's CPU throttling rate: a slow phone's
LONG = "?nationality=India&nationality=China&from=2021-01&to=2024-06&basis=fiscal"


def _history(driver) -> tuple[int, list[str]]:
    entries = driver.execute_cdp_cmd("Page.getNavigationHistory", {})
    return entries["currentIndex"], [e["url"] for e in entries["entries"]]


def _shown(dash_duo) -> dict:
    """What the page shows: each control's value as the page holds it, and the trend chart's traces."""
    return dash_duo.driver.execute_script(
        """
        const api = window.dash_component_api;
        const value = id => { try { return api.getLayout(id).props.value; } catch (e) { return null; } };
        const trend = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
        return {nationality: value(arguments[1]), start: value(arguments[2]), end: value(arguments[3]),
                traces: trend && trend.data ? trend.data.map(t => t.name) : []};
        """,
        ids.TREND,
        C.NATIONALITY.id,
        C.START.id,
        C.END.id,
    )


def test_h001_back_right_after_a_reload_goes_back(dash_duo):
    """Reload, then Back at once: the popstate came before Dash's dcc.Location listened, the page kept the
    reloaded view, and dcc.Location wrote its address over the entry before (a second Back left the site)."""
    dash_duo.start_server(application.create_app())
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/?nationality=China")
    wait_for_charts(dash_duo)
    driver.execute_script("window.dash_clientside.set_props(arguments[0], {value: ['India']})", C.NATIONALITY.id)
    wait(dash_duo, lambda: query(dash_duo).get("nationality") == ["India"], "the pick did not reach the address")
    wait_for_charts(dash_duo)
    time.sleep(1)
    driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": SLOWER})
    try:
        driver.execute_cdp_cmd("Page.reload", {})
        time.sleep(0.3)
        driver.back()
        time.sleep(1)
        wait_for_charts(dash_duo)
        wait(dash_duo, lambda: _shown(dash_duo)["traces"][:1] == ["China"], "the page did not go back to China")
    finally:
        driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 1})
    assert query(dash_duo)["nationality"] == ["China"] and _shown(dash_duo)["nationality"] == ["China"]
    index, urls = _history(driver)
    assert "nationality=China" in urls[index] and "nationality=India" in urls[index + 1]  # both entries kept


# Acts once dcc.Location listens for the address (its popstate listener; the loader's own, named moved, is
# added before it), before the dropdowns have their full lists: as a link followed from the page (the
# map's click) or Back would, in the page's first moments.
FOLLOW_A_LINK_EARLY = """
(function () {
    var add = window.addEventListener;
    window.addEventListener = function (type, listener) {
        if (type === "popstate" && listener && listener.name !== "moved") {
            window.addEventListener = add;
            setTimeout(function () {
                try {  // whether the lists were in yet: the test must act before they are
                    window.__filled_then = window.dash_component_api.getLayout("%s").props.data;
                } catch (error) {
                    window.__filled_then = "no layout yet";
                }
                window.dash_clientside.set_props("url", {search: "%s"});
            }, 0);
        }
        return add.apply(this, arguments);
    };
})();
"""


def test_h002_a_link_followed_before_the_lists_are_filled_keeps_every_value(dash_duo):
    """A dropdown drawn with only its chosen options dropped a value the address gave it (Dash's dropdown
    keeps only values it has an option for): the months fell back to their defaults, or the view came out
    empty. The URL callback now sends such a dropdown its full list with the value."""
    dash_duo.start_server(application.create_app())
    driver = dash_duo.driver
    actor = FOLLOW_A_LINK_EARLY % (ids.LISTS_FILLED, LONG)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": actor})
    driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": SLOWER})
    try:
        driver.get(dash_duo.server_url + "/?nationality=China")
        wait(dash_duo, lambda: query(dash_duo).get("from") == ["2021-01"], "the link was not followed")
        time.sleep(2)
        wait_for_charts(dash_duo)
        filled = driver.execute_script(
            "return [window.__filled_then, window.dash_component_api.getLayout(arguments[0]).props.data]",
            ids.LISTS_FILLED,
        )
    finally:
        driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 1})
    shown = _shown(dash_duo)
    assert shown["nationality"] == ["India", "China"] and shown["start"] == "2021-01" and shown["end"] == "2024-06"
    assert shown["traces"][:2] == ["India", "China"]
    assert query(dash_duo)["nationality"] == ["India", "China"] and query(dash_duo)["to"] == ["2024-06"]
    assert filled == [False, True]  # followed before the lists were in; page.js said so once they were
