"""The dashboard in a real headless Chromium: what a reader sees, clicks, links and downloads."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from border_dashboard.components import app as application
from border_dashboard.components import controls as C  # noqa: E402
from border_dashboard.components import ids
from border_dashboard.components.state import ViewState, to_query
from tests import official

SCREENSHOT = Path(__file__).with_name("screenshot.png")
TIMEOUT = 20


@pytest.fixture
def dash(dash_duo):
    dash_duo.start_server(application.create_app())
    dash_duo.driver.set_window_size(1400, 1000)
    wait_for_charts(dash_duo)
    return dash_duo


def wait(dash_duo, condition, message: str):
    """Until ``condition()`` holds. An element that React replaced while it was read (stale) is read again
    at the next poll: the condition is asked of the page as it is, not of a node it dropped."""
    from selenium.common.exceptions import StaleElementReferenceException

    waiter = WebDriverWait(
        dash_duo.driver, TIMEOUT, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
    )
    return waiter.until(lambda _: condition(), message)


def chart_data(dash_duo, chart: str) -> list[dict]:
    return dash_duo.driver.execute_script(
        f"const g = document.querySelector('#{chart} .js-plotly-plot');"
        "const row = v => (v && v.length !== undefined && typeof v !== 'string') ? Array.from(v) : v;"
        "const list = a => (a == null ? null : Array.from(a, row));"
        "return g && g._fullData"
        "  ? g._fullData.map(t => ({name: t.name, x: list(t.x), y: list(t.y), z: list(t.z)})) : null;"
    )


def wait_for_charts(dash_duo) -> None:
    def drawn():
        return all(
            dash_duo.driver.execute_script(
                f"const g = document.querySelector('#{chart} .js-plotly-plot');"
                "return !!(g && g._fullData && g._fullData.length && g.querySelector('.main-svg'));"
            )
            for chart in ids.CHARTS
        ) and bool(dash_duo.driver.find_element(By.ID, ids.SENTENCE).text)

    wait(dash_duo, drawn, "charts not drawn")


def headline(dash_duo) -> dict[str, str]:
    pairs = dash_duo.driver.execute_script(  # read in one go: the headline may be re-rendering
        f"return [...document.querySelectorAll('#{ids.HEADLINE} .stat')]"
        ".map(s => [s.querySelector('dt').innerText, s.querySelector('dd').innerText]);"
    )
    return dict(pairs)


def pick(dash_duo, dropdown: str, option: str) -> None:
    """Open a dropdown, type to search, click the option (toggles it in a multi-select), close."""
    dash_duo.driver.find_element(By.ID, dropdown).click()
    wait(dash_duo, lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-content"), "did not open")
    search = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-search")
    if search:  # a searchable dropdown: type to narrow the list
        search[0].send_keys(option)

    def the_option():
        for element in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-content [role=option]"):
            if element.text.strip() == option:
                return element
        return None

    wait(dash_duo, the_option, f"option {option!r} not offered").click()
    if dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-content"):  # a multi-select stays open
        dash_duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(dash_duo, lambda: not dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-content"), "still open")


def query(dash_duo) -> dict:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def workbook_months(citizenship: str, start: str = "2022-01", end: str = "2024-12") -> list[int]:
    """The workbook's Southwest Land Border counts of a citizenship, month by month (the official file)."""
    return official.ohss_monthly(
        "Monthly Rgn and Citp", start, end, Region=official.SOUTHWEST, Citizenship=citizenship
    ).tolist()


def fiscal_years(citizenship: str, start: str, end: str) -> list[int]:
    """The workbook's all-borders counts of a citizenship by fiscal year, for the months of a window."""
    sheet = official.ohss_sheet("Monthly Citizenship")
    rows = sheet[(sheet["Citizenship"] == citizenship) & sheet["month"].between(start, end)]
    return rows.groupby("Fiscal Year")["Quantity"].sum().tolist()


def test_b001_default_view_tells_the_story(dash):
    numbers = headline(dash)
    assert numbers["2023 total"] == "37,160"
    assert numbers["Rise 2022 to 2023"] == "x10.3"
    assert numbers["Peak month (Dec 2023)"] == "5,950"
    sentence = dash.find_element(f"#{ids.SENTENCE}").text
    assert "37,160 nationals of China" in sentence and "December 2023" in sentence
    trend = chart_data(dash, ids.TREND)
    assert trend[0]["name"] == "China" and trend[0]["y"] == workbook_months(official.CHINA)  # 80, 40, 70, ...
    assert [t["y"] for t in chart_data(dash, ids.RISE)][0] == [3_600, 37_160, 25_000]
    assert "Office of Homeland Security Statistics" in dash.find_element(f"#{ids.SOURCE_LINE}").text
    # The figures leave room for their labels: Plotly drew each chart once, without widening a margin.
    widened = dash.driver.execute_script(
        "return [...document.querySelectorAll('.js-plotly-plot')].filter(g =>"
        " ['l', 'r', 't', 'b'].some(k => Math.round(g._fullLayout._size[k]) !== g.layout.margin[k]))"
        ".map(g => g.parentElement.id);"
    )
    assert widened == []
    SCREENSHOT.parent.mkdir(exist_ok=True)  # the README's picture of the page, taken on the way
    dash.driver.set_window_size(1400, 2300)
    wait_for_charts(dash)
    time.sleep(0.5)
    dash.driver.save_screenshot(str(SCREENSHOT))


def test_b002_another_nationality_and_window_change_charts_and_numbers(dash):
    pick(dash, C.NATIONALITY.id, "India")
    pick(dash, C.NATIONALITY.id, "China")  # toggles China off
    wait(dash, lambda: query(dash).get("nationality") == ["India"], "URL did not follow the nationality")
    pick(dash, C.START.id, "Jan 2019 (2019-01)")
    pick(dash, C.END.id, "Dec 2021 (2021-12)")
    wait(dash, lambda: query(dash).get("to") == ["2021-12"], "URL did not follow the window")
    # India at the Southwest Land Border in the workbook: 5,810 in 2019, 670 in 2020, 5,060 in 2021.
    india = workbook_months("India", "2019-01", "2021-12")
    assert [sum(india[:12]), sum(india[12:24]), sum(india[24:])] == [5_810, 670, 5_060]
    wait(dash, lambda: (chart_data(dash, ids.RISE) or [{}])[0].get("y") == [5_810, 670, 5_060], "rise not redrawn")
    numbers = headline(dash)
    assert numbers["2021 total"] == "5,060"
    assert numbers["Rise 2020 to 2021"] == "x7.6"  # the two latest whole years: 5,060 / 670 = 7.55
    assert numbers["Peak month (Dec 2021)"] == "1,140" == f"{max(india):,}"
    trend = chart_data(dash, ids.TREND)
    assert trend[0]["name"] == "India" and trend[0]["y"] == india
    dash.driver.back()  # back restores the previous view
    wait(dash, lambda: query(dash).get("to") != ["2021-12"], "back did not change the URL")
    wait(dash, lambda: dash.find_element(f"#{C.END.id}").text.strip().startswith("Dec 2024"), "back did not restore")


def test_b003_a_link_restores_the_view(dash_duo):
    dash_duo.start_server(application.create_app())
    link = "?nationality=Ecuador&nationality=China&region=All&from=2021-01&to=2023-12&basis=fiscal&rise=2022:2023"
    dash_duo.driver.get(dash_duo.server_url + "/" + link)
    wait_for_charts(dash_duo)
    # All borders, January 2021 to December 2023: the partial FY2021 (from January) and FY2024 (to December)
    # are sums of the workbook's 'Monthly Citizenship' months; the whole FY2022 and FY2023 are the figures
    # OHSS publishes in its 'Annual Citizenship' sheet (Ecuador FY2022: 24,040 published, 24,030 summed).
    # China FY2022 1,990 and FY2023 24,130. Combined FY2023: 138,130; FY2022 to FY2023: 138,130 / 26,030 = x5.3.
    months = fiscal_years("Ecuador", "2021-01", "2023-12")
    ecuador = [
        months[0],
        official.ohss_annual("Annual Citizenship", 2022, Citizenship="Ecuador"),
        official.ohss_annual("Annual Citizenship", 2023, Citizenship="Ecuador"),
        months[3],
    ]
    assert ecuador == [87_200, 24_040, 114_000, 41_880]
    china = [official.ohss_annual("Annual Citizenship", year, Citizenship=official.CHINA) for year in (2022, 2023)]
    assert china == [1_990, 24_130]
    wait(dash_duo, lambda: (chart_data(dash_duo, ids.RISE) or [{}])[0].get("y") == ecuador, "rise not restored")
    numbers = headline(dash_duo)
    assert numbers["FY2023 total, combined"] == "138,130"
    assert numbers["Rise FY2022 to FY2023"] == "x5.3"
    chosen = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{C.NATIONALITY.id} .dash-dropdown-value-item")
    assert [c.text for c in chosen] == ["Ecuador", "China"]
    assert "Fiscal" in dash_duo.find_element(f"#{C.BASIS.id} .selected").text


def test_b004_invalid_link_falls_back_with_a_notice(dash_duo):
    dash_duo.start_server(application.create_app())
    dash_duo.driver.get(dash_duo.server_url + "/?nationality=Atlantis&from=2024-99&basis=lunar")
    wait_for_charts(dash_duo)

    def notice():
        return dash_duo.driver.execute_script(f"return document.getElementById('{ids.NOTICE}').innerText")

    wait(dash_duo, lambda: "Atlantis" in notice(), "no notice")
    assert "YYYY-MM" in notice() and "calendar or fiscal" in notice()
    assert headline(dash_duo)["2023 total"] == "37,160"


def test_b005_downloads(dash):
    download_dir = Path(dash.download_path)
    dash.find_element(f"#{ids.DOWNLOAD_CSV_BUTTON}").click()
    csv = wait(dash, lambda: next(download_dir.glob("*.csv"), None), "no CSV downloaded")
    wait(dash, lambda: csv.stat().st_size > 0, "empty CSV")
    frame = pd.read_csv(csv, comment="#")
    monthly = frame[frame["What"] == "month"]  # the table tab's table (export.data_table)
    assert monthly["China"].astype(int).tolist() == workbook_months(official.CHINA)
    assert monthly["China"].astype(int).sum() == 3_600 + 37_160 + 25_000
    assert "rounded to the nearest 10" in csv.read_text()
    link = dash.driver.find_element(By.CSS_SELECTOR, f"#{ids.TREND}").find_element(
        By.XPATH, "ancestor::figure//a[text()='PNG']"
    )
    assert link.get_attribute("href").endswith("/export/trend.png" + to_query(ViewState()))  # the image URL
    link.click()
    png = wait(
        dash, lambda: next((p for p in download_dir.glob("*.png") if p.stat().st_size > 0), None), "no PNG downloaded"
    )
    assert png.name == "border-encounters-trend-china-southwest-land-border-2022-01-to-2024-12-ohss-usbp-calendar.png"
    content = png.read_bytes()
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(content[16:20], "big")
    assert width == 2000  # twice the export width


def test_b006_phone_width_has_no_horizontal_scroll(dash):
    dash.driver.set_window_size(375, 800)
    wait_for_charts(dash)
    time.sleep(0.5)
    inner = dash.driver.execute_script("return window.innerWidth")
    scroll = dash.driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= inner, (scroll, inner)
    widest = dash.driver.execute_script(
        "return Math.max(...[...document.querySelectorAll('.js-plotly-plot .main-svg')]"
        ".map(svg => svg.getBoundingClientRect().right))"
    )
    assert widest <= inner  # the charts themselves fit, not only their boxes


def notice_text(dash_duo) -> str:
    return dash_duo.driver.execute_script(f"return document.getElementById('{ids.NOTICE}').innerText")


def test_b007_a_hand_typed_link_resolves_names_says_what_it_ignored_and_shows_its_address(dash_duo):
    dash_duo.start_server(application.create_app())
    dash_duo.driver.get(dash_duo.server_url + "/?nationality=china&region=northern&bassis=fiscal")
    wait_for_charts(dash_duo)
    wait(dash_duo, lambda: "Did you mean 'basis'?" in notice_text(dash_duo), "no notice for the misspelt parameter")
    # The address bar now states what is shown, rewritten in place (Back still leaves the page).
    wait(dash_duo, lambda: query(dash_duo).get("region") == ["Northern Land Border"], "address not rewritten")
    assert query(dash_duo)["nationality"] == ["China"] and "bassis" not in query(dash_duo)
    assert "at the Northern Land Border" in dash_duo.find_element(f"#{ids.SENTENCE}").text


def test_b008_a_link_longer_than_4_kb_is_drawn_not_replaced_by_the_default(dash_duo):
    """Chromium cuts a referrer of over 4 kB to its origin; the page then reads its own address."""
    dash_duo.start_server(application.create_app())
    padding = "&".join("nationality=India" for _ in range(300))  # repeats collapse to one
    link = f"/?nationality=Ecuador&{padding}&region=All&from=2019-01&to=2021-12"
    assert len(link) > 4096
    dash_duo.driver.get(dash_duo.server_url + link)
    wait_for_charts(dash_duo)
    # 2019, all borders, in the workbook: Ecuador 16,540 and India 6,150.
    wait(
        dash_duo,
        lambda: [t["y"][0] for t in chart_data(dash_duo, ids.RISE)[:2]] == [16_540, 6_150],
        "the long link's view was not drawn",
    )
    assert "Ecuador and India combined" in dash_duo.find_element(f"#{ids.SENTENCE}").text


def test_b009_switching_source_keeps_what_it_has_and_comes_back(dash):
    pick(dash, C.SOURCE.id, "CBP: Southwest border")
    wait(dash, lambda: query(dash).get("source") == ["cbp-swb"], "URL did not follow the source")
    wait(dash, lambda: [t["name"] for t in chart_data(dash, ids.TREND)][:1] == ["Other"], "CBP's Other not drawn")
    assert "counted in 'Other'" in notice_text(dash)
    assert "other countries (China among them)" in dash.find_element(f"#{ids.SENTENCE}").text
    chosen = dash.driver.find_elements(By.CSS_SELECTOR, f"#{C.NATIONALITY.id} .dash-dropdown-value-item")
    assert [c.text for c in chosen] == ["China (in Other here)"]
    pick(dash, C.SOURCE.id, "OHSS: Border Patrol")
    wait(dash, lambda: [t["name"] for t in chart_data(dash, ids.TREND)][:1] == ["China"], "China not back")
    wait(dash, lambda: notice_text(dash).strip() == "", "a notice stayed after coming back")
    assert headline(dash)["2023 total"] == "37,160"
