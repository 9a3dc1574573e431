"""The page's tabs in the browser: the table tab's numbers are the chart's, it sorts, and its grid's script
is loaded only once a tab with a grid is opened (never on the default view)."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from border_dashboard.components import app as application
from border_dashboard.components import controls as C
from border_dashboard.components import ids
from tests.browser.test_dashboard import chart_data, query, wait, wait_for_charts

SCRIPTS = "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('.js'));"
GRID_ROWS = f"""
const rows = [...document.querySelectorAll('#{ids.TABLE_GRID} .ag-center-cols-container .ag-row')];
rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
return rows.map(r => [...r.querySelectorAll('.ag-cell')].map(c => c.getAttribute('col-id') + '=' + c.textContent));
"""
PERIODS = f"""
const rows = [...document.querySelectorAll('#{ids.TABLE_GRID} .ag-pinned-left-cols-container .ag-row')];
rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
return rows.map(r => r.textContent);
"""


def grid_scripts(dash_duo) -> list[str]:
    return [s for s in dash_duo.driver.execute_script(SCRIPTS) if "dash_ag_grid" in s or "async-community" in s]


def test_b301_the_table_tab_shows_the_charts_numbers_sorts_and_loads_its_script_only_when_opened(dash_duo):
    dash_duo.start_server(application.create_app())
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.driver.get(dash_duo.server_url + "/?nationality=China&from=2022-01&to=2024-12")
    wait_for_charts(dash_duo)
    assert grid_scripts(dash_duo) == []  # the default (chart) view asks for no ag-grid script
    assert not dash_duo.driver.find_element(By.ID, ids.PANELS["chart"]).get_attribute("hidden")
    trend = chart_data(dash_duo, ids.TREND)[0]
    chart = {x[:7]: y for x, y in zip(trend["x"], trend["y"])}
    # the tab strip: a radio group, the arrow keys move along it
    chart_tab = dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{C.TAB.id} input[value='chart']")
    chart_tab.send_keys(Keys.ARROW_RIGHT)
    wait(dash_duo, lambda: query(dash_duo).get("tab") == ["table"], "the arrow key did not open the table tab")
    wait(dash_duo, lambda: len(dash_duo.driver.execute_script(GRID_ROWS)) > 5, "the table was not drawn")
    assert dash_duo.driver.find_element(By.ID, ids.PANELS["chart"]).get_attribute("hidden")
    assert grid_scripts(dash_duo)  # loaded now, on opening the tab
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ids.TABLE_GRID} .ag-body-viewport").click()
    rows = dash_duo.driver.execute_script(GRID_ROWS)
    periods = dash_duo.driver.execute_script(PERIODS)
    assert len(periods) == len(chart) == 35  # Jan 2022 to Nov 2024: the months with data
    shown = {p: int(dict(c.split("=") for c in r)["China"].replace(",", "")) for p, r in zip(periods, rows)}
    assert shown == chart
    assert shown["2023-12"] == 5_950
    totals = dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ids.TABLE_GRID} .ag-floating-bottom").text
    assert "37,160" in totals and "3,600" in totals and "sum of 11 of 12 months" in totals
    # sorting: a click on China's header sorts the months by it, largest first after a second click
    header = dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ids.TABLE_GRID} .ag-header-cell[col-id='China']")
    header.find_element(By.CSS_SELECTOR, ".ag-header-cell-label").click()
    header.find_element(By.CSS_SELECTOR, ".ag-header-cell-label").click()

    def first_period():
        got = dash_duo.driver.execute_script(PERIODS)
        return got[0] if got else None

    wait(dash_duo, lambda: first_period() == "2023-12", "sorting by China did not put Dec 2023 first")
    # back to the charts: the chart panel again, the address without tab=
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{C.TAB.id} input[value='chart']").click()
    wait(dash_duo, lambda: "tab" not in query(dash_duo), "the address kept the tab")
    wait(
        dash_duo,
        lambda: not dash_duo.driver.find_element(By.ID, ids.PANELS["chart"]).get_attribute("hidden"),
        "the chart panel did not come back",
    )


def test_b302_a_link_to_the_table_tab_draws_it(dash_duo):
    dash_duo.start_server(application.create_app())
    dash_duo.driver.get(dash_duo.server_url + "/?nationality=China&nationality=Mexico&tab=table&basis=fiscal")
    wait(dash_duo, lambda: len(dash_duo.driver.execute_script(GRID_ROWS)) > 5, "the table was not drawn")
    headers = [h.text for h in dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.TABLE_GRID} .ag-header-cell")]
    assert [h for h in headers if h] == ["Period", "What", "China", "Mexico"]
    totals = dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ids.TABLE_GRID} .ag-floating-bottom").text
    assert "fiscal year, published" in totals and "24,050" in totals  # China FY2023, as published


def test_b303_the_sources_tab_shows_both_figures_their_difference_and_what_it_cannot_compare(dash_duo):
    dash_duo.start_server(application.create_app())
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.driver.get(dash_duo.server_url + "/?nationality=China&nationality=Mexico&from=2023-01&to=2023-12")
    wait_for_charts(dash_duo)
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{C.TAB.id} input[value='sources']").click()
    wait(dash_duo, lambda: query(dash_duo).get("tab") == ["sources"], "the address did not follow the tab")
    cells = f"return [...document.querySelectorAll('#{ids.SOURCES_GRID} .ag-row')].map(r => r.textContent);"
    wait(dash_duo, lambda: len(dash_duo.driver.execute_script(cells)) > 5, "the comparison was not drawn")
    # May 2023, Mexico: the row's cells across the pinned Month column and the others
    script = f"""
    const left = [...document.querySelectorAll('#{ids.SOURCES_GRID} .ag-pinned-left-cols-container .ag-row')];
    const row = left.find(r => r.textContent === '2023-05');
    const index = row.getAttribute('row-index');
    const rest = document.querySelectorAll(
        '#{ids.SOURCES_GRID} .ag-center-cols-container .ag-row[row-index="' + index + '"] .ag-cell');
    return [...rest].map(c => c.textContent);
    """
    assert dash_duo.driver.execute_script(script) == ["Mexico", "43,610", "43,612", "2", "no"]
    panel = dash_duo.driver.find_element(By.ID, ids.PANELS["sources"]).text
    assert "China: CBP's Southwest file does not name China" in panel
    assert "rounds every figure to the nearest 10" in panel
    traces = dash_duo.driver.execute_script(
        f"return document.querySelector('#{ids.SOURCES_CHART} .js-plotly-plot')._fullData.map(t => t.name);"
    )
    assert traces == ["Mexico", "All nationalities"]
    names = dash_duo.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name);")
    assert all(name.startswith(dash_duo.server_url) for name in names)  # no request leaves the server


def test_b304_axe_core_finds_no_violation_in_the_table_and_sources_tabs(dash_duo):
    from axe_core_python.selenium import Axe

    dash_duo.start_server(application.create_app())
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.driver.set_script_timeout(60)
    for tab, grid in (("table", ids.TABLE_GRID), ("sources", ids.SOURCES_GRID)):
        dash_duo.driver.get(dash_duo.server_url + f"/?nationality=China&nationality=Mexico&tab={tab}")
        rows = f"return document.querySelectorAll('#{grid} .ag-row').length;"
        wait(dash_duo, lambda rows=rows: dash_duo.driver.execute_script(rows) > 5, f"the {tab} tab was not drawn")
        dash_duo.driver.execute_script(Axe().axe_script)
        results = dash_duo.driver.execute_async_script(
            "const done = arguments[0]; axe.run(document, {}).then(done, e => done({error: '' + e}));"
        )
        assert "error" not in results, results
        found = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in results["violations"]
        ]
        assert found == [], f"the {tab} tab: {found}"
