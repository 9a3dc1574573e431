"""The map tab in the browser: the world map draws more than 100 countries with no request outside our
server, a click on a country adds its nationality, and the default view never loads the map's script."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from border_dashboard.components import app as application
from border_dashboard.components import controls as C
from border_dashboard.components import ids
from border_dashboard.components.map_panel import WORLD_MAP
from tests.browser.test_dashboard import query, wait, wait_for_charts

RESOURCES = "return performance.getEntriesByType('resource').map(e => [e.name, e.transferSize]);"
COUNTRIES = f"return document.querySelectorAll('#{WORLD_MAP} path.choroplethlocation').length;"
COUNTRY = (
    f"return [...document.querySelectorAll('#{WORLD_MAP} path.choroplethlocation')]"
    ".find(p => p.__data__.loc === arguments[0]);"
)
MAP_FILES = ("plotly-geo", "topojson")


def map_files(dash_duo) -> list[str]:
    return [name for name, _ in dash_duo.driver.execute_script(RESOURCES) if any(f in name for f in MAP_FILES)]


def test_b401_the_default_view_loads_no_map_script_and_the_map_tab_loads_it(dash_duo):
    dash_duo.start_server(application.create_app())
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.driver.get(dash_duo.server_url + "/?nationality=China")
    wait_for_charts(dash_duo)
    requests = dash_duo.driver.execute_script(RESOURCES)
    assert map_files(dash_duo) == [] and not dash_duo.driver.execute_script("return !!window.PlotlyGeo")
    assert dash_duo.driver.find_element(By.ID, ids.PANELS["map"]).get_attribute("hidden")
    print(f"default view: {len(requests)} requests, {sum(size for _, size in requests):,} bytes over the wire")
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{C.TAB.id} input[value='map']").click()
    wait(dash_duo, lambda: query(dash_duo).get("tab") == ["map"], "the map tab did not open")
    wait(dash_duo, lambda: dash_duo.driver.execute_script(COUNTRIES) > 100, "the map was not drawn")
    assert sorted(name.split("/assets/")[1].split("?")[0] for name in map_files(dash_duo)) == [
        "vendor/plotly-geo.min.js",
        "vendor/topojson/world_50m.json",
    ]


def test_b402_the_map_draws_over_100_countries_from_our_server_only_and_a_click_adds_one(dash_duo):
    dash_duo.start_server(application.create_app())
    dash_duo.driver.set_window_size(1400, 1000)
    ours = dash_duo.server_url.replace("//localhost:", "//127.0.0.1:").rstrip("/") + "/"  # the server's address
    dash_duo.driver.get(ours + "?tab=map&nationality=China")
    wait(dash_duo, lambda: dash_duo.driver.execute_script(COUNTRIES) > 100, "the map was not drawn")
    assert dash_duo.driver.find_element(By.ID, ids.PANELS["chart"]).get_attribute("hidden")
    everything = [name for name, _ in dash_duo.driver.execute_script(RESOURCES)]
    assert ours.startswith("http://127.0.0.1:") and [n for n in everything if not n.startswith(ours)] == []
    assert any("world_50m.json" in n for n in everything)  # the base map, from our assets
    text = dash_duo.driver.find_element(By.ID, WORLD_MAP).text
    assert "Not on the map: Kosovo 350 (no shape on the base map); Unknown 90." in " ".join(text.split())
    # China is outlined; a click on India adds India to the view (address and control), China kept
    india = dash_duo.driver.execute_script(COUNTRY, "IND")
    ActionChains(dash_duo.driver).move_to_element(india).click().perform()
    wait(dash_duo, lambda: query(dash_duo).get("nationality") == ["China", "India"], "the click added nothing")
    assert query(dash_duo).get("tab") == ["map"]
    wait(
        dash_duo,
        lambda: "Outlined: China, India" in dash_duo.driver.find_element(By.ID, WORLD_MAP).text,
        "the map did not follow the selection",
    )
    chosen = dash_duo.driver.find_element(By.ID, C.NATIONALITY.id).text
    assert "China" in chosen and "India" in chosen
