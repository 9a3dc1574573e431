"""Views off the default one, in the browser: the trend's measures and scale, the tab's title, the note."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from border_dashboard.components import app as application
from border_dashboard.components import controls as C
from border_dashboard.components import ids
from tests.browser.test_dashboard import chart_data, pick, query, wait, wait_for_charts


def open_link(dash_duo, link: str) -> None:
    dash_duo.start_server(application.create_app())
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.driver.get(dash_duo.server_url + link)
    wait_for_charts(dash_duo)


def test_b101_index_and_log_scale_from_a_link_and_by_the_radio_buttons(dash_duo):
    open_link(dash_duo, "/?nationality=China&measure=index")
    trend = chart_data(dash_duo, ids.TREND)[0]
    assert trend["y"][trend["x"].index("2023-12-01")] == 7437.5  # 5,950 / 80 x 100 (Dec 2023 over Jan 2022)
    axis = dash_duo.driver.execute_script(
        f"return document.querySelector('#{ids.TREND} .js-plotly-plot')._fullLayout.yaxis.title.text;"
    )
    assert axis == "Index, Jan 2022 = 100"
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{C.SCALE.id} input[value='log']").click()
    wait(dash_duo, lambda: query(dash_duo).get("scale") == ["log"], "URL did not follow the scale")
    wait(
        dash_duo,
        lambda: (
            dash_duo.driver.execute_script(
                f"return document.querySelector('#{ids.TREND} .js-plotly-plot')._fullLayout.yaxis.type;"
            )
            == "log"
        ),
        "the trend did not turn logarithmic",
    )
    # the charts' download links follow the view: each is the chart's image URL for what is shown
    wait(
        dash_duo,
        lambda: all(
            "scale=log" in a.get_attribute("href") and "/export/" in a.get_attribute("href")
            for a in dash_duo.driver.find_elements(By.CSS_SELECTOR, "a.export")
        ),
        "download links did not follow the view",
    )
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "a.export")) == 12
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{C.MEASURE.id} input[value='share']").click()
    wait(dash_duo, lambda: query(dash_duo).get("measure") == ["share"], "URL did not follow the measure")

    def december_share():
        data = chart_data(dash_duo, ids.TREND) or [{}]
        x, y = data[0].get("x") or [], data[0].get("y") or []
        return y[x.index("2023-12-01")] if "2023-12-01" in x else None

    wait(dash_duo, lambda: december_share() == 2.38, "share not drawn")  # 5,950 of 249,740
    headline = dash_duo.driver.find_element(By.ID, ids.HEADLINE).text
    assert "37,160" in headline  # the headline stays counts


def test_b102_the_tab_title_names_the_view_and_follows_it(dash_duo):
    open_link(dash_duo, "/?nationality=india&region=northern")
    assert dash_duo.driver.title == "India - Northern Land Border, Jan 2022 to Nov 2024 - U.S. border encounters"
    pick(dash_duo, C.NATIONALITY.id, "Mexico")  # a change on the page: the clientside callback retitles
    wait(
        dash_duo,
        lambda: dash_duo.driver.title.startswith("India, Mexico - Northern Land Border, Jan 2022 to Nov 2024"),
        f"title is {dash_duo.driver.title!r}",
    )
    dash_duo.driver.get(dash_duo.server_url + "/?nationality=Mexico&from=2023-12&to=2023-12")
    wait_for_charts(dash_duo)
    wait(
        dash_duo,
        lambda: dash_duo.driver.title == "Mexico - Southwest Land Border, Dec 2023 - U.S. border encounters",
        f"title is {dash_duo.driver.title!r}",
    )


def test_b103_what_these_numbers_are_opens_under_the_headline(dash_duo):
    open_link(dash_duo, "/?nationality=China")
    note = dash_duo.driver.find_element(By.ID, "about-numbers")
    assert not note.get_attribute("open")
    note.find_element(By.TAG_NAME, "summary").click()
    wait(dash_duo, lambda: "Title 42 expulsion" in note.text, "the note did not open")
    headline = dash_duo.driver.find_element(By.ID, ids.HEADLINE).rect
    assert note.rect["y"] >= headline["y"] + headline["height"]  # under the numbers, not over them


def test_b104_the_chart_toolbars_add_no_tab_stops(dash_duo):
    open_link(dash_duo, "/?nationality=China")
    script = (
        "return [...document.querySelectorAll('.modebar-btn')]"
        ".filter(b => b.tabIndex >= 0).length + ':' + document.querySelectorAll('.modebar-btn').length"
    )
    wait(
        dash_duo, lambda: dash_duo.driver.execute_script(script).startswith("0:"), "toolbar buttons still in Tab order"
    )
    assert int(dash_duo.driver.execute_script(script).split(":")[1]) >= 4  # the toolbars are there, for the mouse
    links = dash_duo.driver.find_elements(By.CSS_SELECTOR, "a.export")
    assert len(links) == 12 and all(link.get_attribute("tabindex") in (None, "0") for link in links)
