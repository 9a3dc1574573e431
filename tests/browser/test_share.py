"""Sharing in the browser: the embed page drawn in an iframe of another site (and the dashboard refusing to
be framed), the download-all link and the embed code following the view, the trend's one hover label."""

from __future__ import annotations

import io
import threading
import urllib.request
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By

from border_dashboard.components import app as application
from border_dashboard.components import controls as C
from border_dashboard.components import ids
from tests.browser.test_dashboard import pick, query, wait, wait_for_charts


@pytest.fixture
def other_site():
    """Another origin (127.0.0.1 on a free port, the app being at localhost:8050) serving one page: the
    HTML each test puts in ``pages["/"]``."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            body = pages.get(self.path, "").encode()
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", pages
    server.shutdown()
    server.server_close()


def test_s001_the_embed_page_draws_inside_an_iframe_of_another_site(dash_duo, other_site):
    dash_duo.start_server(application.create_app())
    site, pages = other_site
    assert not site.startswith(dash_duo.server_url)
    pages["/"] = (
        '<!DOCTYPE html><title>Another site</title><link rel="icon" href="data:,"><h1>An article</h1>'
        f'<iframe id="embedded" src="{dash_duo.server_url}/embed/trend?nationality=China" width="1000" height="620">'
        "</iframe>"
    )
    driver = dash_duo.driver
    driver.set_window_size(1200, 900)
    driver.get(site + "/")
    driver.switch_to.frame(driver.find_element(By.ID, "embedded"))

    def drawn():
        return driver.execute_script(
            "var g = document.getElementById('chart');"
            "return !!(g && g._fullData && g._fullData.length && g.querySelector('.main-svg .scatterlayer path'));"
        )

    wait(dash_duo, drawn, "the embedded chart was not drawn")
    title = driver.execute_script("return document.querySelector('#chart .gtitle').textContent")
    # the figure's own title (drawn in lines, so without their spaces) and the page's, whole
    assert title.startswith("Monthly encounters: China - Southwest Land Border") and title.endswith("Nov 2024")
    assert driver.execute_script("return document.title") == (
        "Monthly encounters: China - Southwest Land Border (OHSS: Border Patrol), Jan 2022 to Nov 2024"
    )
    y = driver.execute_script("var t = document.getElementById('chart')._fullData[0]; return [t.x, t.y]")
    assert y[1][y[0].index("2023-12-01")] == 5950  # the peak month: the data, not a picture of it
    footer = driver.find_element(By.TAG_NAME, "footer").text
    assert "Where the numbers come from" in footer and "rounded" in footer
    link = driver.find_element(By.ID, "open-in-dashboard")
    assert link.get_attribute("href").startswith(dash_duo.server_url + "/?nationality=China&region=")
    # every request of the frame went to the app's own server (the bundle is the vendored one)
    requests = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert requests and all(r.startswith(dash_duo.server_url) for r in requests), requests
    assert any("/assets/vendor/plotly-dashboard.min.js" in r for r in requests)
    driver.switch_to.default_content()


def test_s002_the_dashboard_itself_refuses_to_be_framed(dash_duo, other_site):
    dash_duo.start_server(application.create_app())
    site, pages = other_site
    pages["/"] = (
        '<!DOCTYPE html><title>Framing</title><link rel="icon" href="data:,">'
        f'<iframe id="framed" src="{dash_duo.server_url}/?nationality=China"></iframe>'
        f'<iframe id="embedded" src="{dash_duo.server_url}/embed/rise?nationality=China"></iframe>'
    )
    driver = dash_duo.driver
    driver.get(site + "/")
    driver.switch_to.frame(driver.find_element(By.ID, "embedded"))  # the embed beside it is drawn
    wait(dash_duo, lambda: driver.execute_script("return !!document.querySelector('#chart .main-svg')"), "no embed")
    driver.switch_to.default_content()
    driver.switch_to.frame(driver.find_element(By.ID, "framed"))
    # Chromium shows its own error page in place of a page that refuses to be framed
    wait(
        dash_duo,
        lambda: driver.execute_script("return location.href").startswith("chrome-error://"),
        "the dashboard was framed",
    )
    assert not driver.find_elements(By.ID, ids.TREND)
    driver.switch_to.default_content()
    dash_duo.get_logs()  # read (and so cleared): Chromium may log the refusal, which is what is tested


def test_s003_the_download_all_link_and_the_embed_code_follow_the_view(dash_duo):
    dash_duo.start_server(application.create_app())
    driver = dash_duo.driver
    driver.set_window_size(1400, 1000)
    driver.get(dash_duo.server_url + "/?nationality=China&from=2023-01&to=2023-12")
    wait_for_charts(dash_duo)
    zip_link = driver.find_element(By.CSS_SELECTOR, "a.export-all")
    code = driver.find_element(By.ID, ids.EMBED_CODE)
    wait(dash_duo, lambda: dash_duo.server_url + "/embed/trend?" in code.get_attribute("value"), "no embed code")
    pick(dash_duo, C.NATIONALITY.id, "India")
    wait(dash_duo, lambda: query(dash_duo).get("nationality") == ["China", "India"], "URL did not follow")
    search = driver.execute_script("return window.location.search")
    wait(dash_duo, lambda: zip_link.get_attribute("href") == f"{dash_duo.server_url}/export/all.zip{search}", "zip")
    snippet = code.get_attribute("value")
    assert f'src="{dash_duo.server_url}/embed/trend{search.replace("&", "&amp;")}"' in snippet
    with urllib.request.urlopen(zip_link.get_attribute("href"), timeout=120) as answer:  # what the link gives
        assert answer.headers["Content-Type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(answer.read())).namelist()
    assert len(names) == 9 and all("china-india" in name for name in names)


def test_s004_one_hover_label_a_month_lists_every_nationality(dash_duo):
    dash_duo.start_server(application.create_app())
    driver = dash_duo.driver
    driver.set_window_size(1400, 1000)
    three = "nationality=China&nationality=Albania&nationality=India"
    driver.get(f"{dash_duo.server_url}/?{three}&from=2022-01&to=2022-06")
    wait_for_charts(dash_duo)
    plot = driver.find_element(By.CSS_SELECTOR, f"#{ids.TREND} .nsewdrag")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", plot)
    left, top, height = driver.execute_script(
        "var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.height]", plot
    )
    x = driver.execute_script(
        f"return document.querySelector('#{ids.TREND} .js-plotly-plot')._fullLayout.xaxis.d2p('2022-01-01')"
    )
    hover = ActionBuilder(driver)
    hover.pointer_action.move_to_location(int(left + x + 2), int(top + height * 0.6))
    hover.perform()

    def label():
        return driver.execute_script(
            f"var l = document.querySelector('#{ids.TREND} .hoverlayer'); return l ? l.textContent : '';"
        )

    text = wait(dash_duo, label, "no hover label")
    assert text.startswith("January 2022")
    for line in ("China: 80", "Albania: <5", "India: "):
        assert line in text, text
    assert text.count(": ") == 3  # one label: the three nationalities of the month, and nothing else
