"""The reader's first paint (issue 13): the first HTML holds the story's numbers and a sketch of each
chart, before any script; the interactive page replaces it without moving anything."""

from __future__ import annotations

import time

import pytest

from border_dashboard.components import app as application
from border_dashboard.components import ids
from tests.browser.test_dashboard import wait_for_charts

# Layout shifts from the page's start, as the browser's Layout Instability API reports them (buffered:
# those before this script ran count too).
CLS = """
const done = arguments[arguments.length - 1];
let total = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
}).observe({type: 'layout-shift', buffered: true});
setTimeout(() => done(total), 300);
"""
BOXES = """
window.boxes = function (root) {
  return [...document.querySelectorAll(['.chart-card', '.sentence', '.stat', '.tabs', '.filters', '.filters .field']
                                        .map(s => root + ' ' + s).join(', '))]
    .filter(e => e.checkVisibility())  // a folded <details> keeps boxes for what it hides
    .map(e => { const r = e.getBoundingClientRect();
                return [e.className, ...[r.x, r.y + scrollY, r.width, r.height].map(Math.round)]; });
};
// the first paint as the first HTML laid it out, before the page's scripts ran
document.addEventListener('DOMContentLoaded', () => { window.firstBoxes = window.boxes('#first-paint'); });
"""


@pytest.mark.parametrize("width", [1400, 412])
def test_b301_before_plotly_the_first_html_shows_the_numbers_and_a_chart_image_each(dash_duo, width):
    from selenium.webdriver.common.by import By

    dash_duo.start_server(application.create_app())
    driver = dash_duo.driver
    driver.set_window_size(width, 1000)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*plotly*"]})  # no chart can be drawn
    try:
        driver.get(dash_duo.server_url + "/?nationality=China")
        time.sleep(1.5)
        first = driver.find_element(By.ID, "first-paint")
        assert "37,160" in first.find_element(By.CSS_SELECTOR, ".sentence").text
        assert "37,160" in first.find_element(By.CSS_SELECTOR, ".headline").text
        images = first.find_elements(By.CSS_SELECTOR, ".fp-graph[role=img]")
        assert len(images) == len(ids.CHARTS)
        for image in images:  # each one drawn, as tall as its chart, and shown
            shown = [s for s in image.find_elements(By.CSS_SELECTOR, ".fp-chart") if s.is_displayed()]
            assert len(shown) == 1 and shown[0].size["height"] > 300
            assert shown[0].find_elements(By.CSS_SELECTOR, "svg rect, svg path")
        assert driver.find_element(By.CSS_SELECTOR, ".fp .headline").is_displayed()
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    # the interactive page could not draw its charts: its own console says so, which is not the app's error
    dash_duo.get_logs()


# 700 px: the filters open above the story, with their summary (page.js folds them only from 640 px down)
@pytest.mark.parametrize("width", [1400, 700, 412])
def test_b302_the_interactive_page_replaces_the_first_paint_without_a_layout_shift(dash_duo, width):
    dash_duo.start_server(application.create_app())
    driver = dash_duo.driver
    driver.set_window_size(width, 1000)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": BOXES})
    driver.get(dash_duo.server_url + "/?nationality=China")
    wait_for_charts(dash_duo)
    dash_duo.wait_for_no_elements("#first-paint", timeout=15)
    before = driver.execute_script("return window.firstBoxes")
    after = driver.execute_script("return window.boxes('#react-entry-point')")
    # every card, the sentence, each number, the tab strip and the filters where the first paint had them
    assert len(before) >= len(ids.CHARTS) + 1 + 7 + 2 and before == after
    driver.set_script_timeout(10)
    assert driver.execute_async_script(CLS) < 0.05
    assert len(driver.find_elements("css selector", "#react-entry-point .js-plotly-plot .main-svg")) >= len(ids.CHARTS)


def test_b303_each_chart_is_drawn_in_a_task_of_its_own_and_the_lists_fill_in(dash_duo):
    """page.js queues Plotly.react (one chart per task) and fills the dropdowns one per task: the page's
    longest tasks, which Lighthouse counts as blocking time. Both still end with every chart drawn and
    every dropdown holding its full list."""
    dash_duo.start_server(application.create_app())
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/?nationality=China")
    wait_for_charts(dash_duo)
    assert driver.execute_script("return window.Plotly.react.queued") is True
    counts = """const out = {};
      const walk = n => { if (!n || typeof n !== 'object') return; if (Array.isArray(n)) return n.forEach(walk);
        if (n.type === 'Dropdown' && n.props) out[n.props.id] = (n.props.options || []).length;
        Object.values(n.props || {}).forEach(walk); };
      walk(window.store.getState().layout.components); return out;"""
    deadline = time.time() + 10
    while time.time() < deadline:
        lists = driver.execute_script(counts)
        if lists["nationality"] > 100 and lists["month-from"] > 300 and lists["month-to"] > 300:
            break
        time.sleep(0.2)
    assert lists["nationality"] > 100 and lists["month-from"] > 300 and lists["month-to"] > 300, lists
    assert len(driver.find_elements("css selector", "#react-entry-point .js-plotly-plot .main-svg")) >= len(ids.CHARTS)
