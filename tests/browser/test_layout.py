"""Layout in a real headless Chromium, measured: bounding boxes of chart titles, legends, source lines,
captions and buttons do not overlap, at 1400 and 375 px with 1, 3 and 9 nationalities; typing a month
with the keyboard; "Copy link"; no button that uploads a chart to a third party."""

from __future__ import annotations

import json
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from border_dashboard.components import app as application
from border_dashboard.components import controls as C
from border_dashboard.components import ids
from tests.browser.test_dashboard import query, wait, wait_for_charts

NATIONALITIES = {
    1: "China",
    3: "China,India,Mexico",
    9: "China,India,Mexico,Guatemala,Honduras,Ecuador,Colombia,Venezuela,Peru",
}

# Every chart card's parts as boxes, and what overlaps what. Pairs that may touch by design (the plot
# and its own tick labels, the caption and the buttons inside it) are not compared.
OVERLAPS = """
const box = e => { if (!e) return null; const b = e.getBoundingClientRect();
  return (b.width && b.height) ? {l: b.left, t: b.top, r: b.right, b: b.bottom} : null; };
const hit = (a, b) => a.l < b.r - 1 && b.l < a.r - 1 && a.t < b.b - 1 && b.t < a.b - 1;
const within = (a, o) => a.l >= o.l - 1 && a.r <= o.r + 1 && a.t >= o.t - 1 && a.b <= o.b + 1;
const px = a => [a.l, a.t, a.r, a.b].map(Math.round).join(',');
const problems = [];
for (const card of document.querySelectorAll('.chart-card')) {
  const id = card.querySelector('.dash-graph').id;
  const drawing = box(card.querySelector('.main-svg')), graph = box(card.querySelector('.dash-graph'));
  const parts = {
    title: box(card.querySelector('.g-gtitle .gtitle')), subtitle: box(card.querySelector('.gtitle-subtitle')),
    legend: box(card.querySelector('.legend')), plot: box(card.querySelector('.draglayer .nsewdrag')),
    'x axis title': box(card.querySelector('.g-xtitle')), 'y axis title': box(card.querySelector('.g-ytitle')),
    'x tick labels': box(card.querySelector('.xaxislayer-above')),
    'y tick labels': box(card.querySelector('.yaxislayer-above')), caption: box(card.querySelector('figcaption')),
    toolbar: box(card.querySelector('.modebar')),
  };
  card.querySelectorAll('.annotation').forEach((a, i) => {
    const text = a.textContent;
    const name = text.startsWith('Source') ? 'source line' : text.startsWith('Peak') ? 'peak label' : 'label ' + i;
    parts[name] = box(a.querySelector('.annotation-text-g') || a);
  });
  card.querySelectorAll('figcaption button, figcaption a').forEach((b, i) => parts['button ' + b.textContent] = box(b));
  const links = [...card.querySelectorAll('figcaption a')].map(box);  // "PNG SVG PDF", apart
  links.slice(1).forEach((b, i) => { if (b.t === links[i].t && b.l - links[i].r < 4)
    problems.push(`${id}: download links ${i} and ${i + 1} run together`); });
  const touching = new Set(['plot|x tick labels', 'plot|y tick labels', 'x tick labels|y tick labels',
                            'plot|peak label', 'plot|label 0', 'plot|label 1']);
  const names = Object.keys(parts).filter(k => parts[k]);
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) {
    const [a, b] = [names[i], names[j]];
    if (touching.has(a + '|' + b) || touching.has(b + '|' + a)) continue;
    if ([a, b].includes('caption') && [a, b].some(n => n.startsWith('button'))) continue;
    if ([a, b].includes('toolbar') && ![a, b].some(n => n === 'title' || n === 'subtitle')) continue;
    if (hit(parts[a], parts[b])) problems.push(`${id}: ${a} (${px(parts[a])}) overlaps ${b} (${px(parts[b])})`);
  }
  for (const n of names) {
    if (n !== 'caption' && !n.startsWith('button') && !within(parts[n], drawing))
      problems.push(`${id}: ${n} (${px(parts[n])}) is cut, outside the drawing (${px(drawing)})`);
  }
  if (drawing.b > graph.b + 1)
    problems.push(`${id}: drawn ${Math.round(drawing.b - drawing.t)} px tall`
                  + ` in a ${Math.round(graph.b - graph.t)} px box`);
  if (parts.caption && drawing.b > parts.caption.t + 1) problems.push(`${id}: the drawing covers the caption`);
  const label = parts['peak label'];
  if (label) card.querySelectorAll('.scatterlayer .trace').forEach(trace => {
    if (!trace.querySelector('.textpoint')) return;  // the event markers are the trace with numbers
    trace.querySelectorAll('.point').forEach(p => {
      if (hit(label, box(p))) problems.push(`${id}: peak label on an event marker`);
    });
  });
}
const colours = [...document.querySelectorAll('#trend-chart .js-plotly-plot')].flatMap(g =>
  g._fullData.filter(t => t.name !== 'Events').map(t => t.line.color));
return {problems, colours, scroll: document.documentElement.scrollWidth, width: window.innerWidth,
        narrow: document.querySelector('#trend-chart .js-plotly-plot').layout.title.text.split('<br>')
          .every(line => line.length <= 30)};
"""


def _open(dash_duo, width: int, link: str) -> None:
    dash_duo.driver.set_window_size(width, 1000)
    dash_duo.driver.get(dash_duo.server_url + link)
    wait_for_charts(dash_duo)


def _measure(dash_duo) -> dict:
    return dash_duo.driver.execute_script(OVERLAPS)


@pytest.mark.parametrize("width", [1400, 375])
def test_l001_titles_legends_captions_and_buttons_do_not_overlap(dash_duo, width):
    dash_duo.start_server(application.create_app())
    for count, names in NATIONALITIES.items():
        _open(dash_duo, width, f"/?nationality={names}")
        # A phone's charts are redrawn for its width once the page knows it: wait for that, then measure.
        wait(dash_duo, lambda: _measure(dash_duo)["narrow"] == (width < 640), f"not laid out for {width} px")
        time.sleep(0.5)
        measured = _measure(dash_duo)
        assert measured["problems"] == [], f"{count} nationalities at {width} px: {measured['problems']}"
        assert measured["scroll"] <= measured["width"], "the page scrolls sideways"
        assert len(set(measured["colours"])) == count, f"{count} lines, colours {measured['colours']}"
        title = dash_duo.driver.execute_script(
            "return document.querySelector('#trend-chart .js-plotly-plot').layout.title.text"
        )
        if count > 3:
            assert f"{count} nationalities" in title.replace("<br>", " ")
    # After a change made on the page (a callback redraws the charts and sets their boxes), the same.
    dash_duo.driver.execute_script(f"document.getElementById('{ids.FILTERS}').open = true")
    dash_duo.driver.find_element("css selector", f"#{C.BASIS.id} input[value=fiscal]").click()
    wait(dash_duo, lambda: query(dash_duo).get("basis") == ["fiscal"], "the year basis did not change")
    wait(
        dash_duo,
        lambda: (
            "FY"
            in json.dumps(
                dash_duo.driver.execute_script(
                    "return document.querySelector('#rise-chart .js-plotly-plot').layout.xaxis.categoryarray"
                )
            )
        ),
        "not redrawn",
    )
    time.sleep(0.5)
    assert _measure(dash_duo)["problems"] == [], f"after a change at {width} px"


def test_l002_a_phone_shows_the_story_before_the_filters_which_fold_away(dash_duo):
    dash_duo.start_server(application.create_app())
    _open(dash_duo, 375, "/?nationality=China")
    top = dash_duo.driver.execute_script(
        "const top = s => document.querySelector(s).getBoundingClientRect().top;"
        f"return {{sentence: top('#{ids.SENTENCE}'), headline: top('#{ids.HEADLINE}'),"
        f" filters: top('#{ids.FILTERS}'), charts: top('.chart-card'),"
        f" open: document.getElementById('{ids.FILTERS}').open}};"
    )
    assert top["sentence"] < top["headline"] < top["filters"] < top["charts"], top
    assert top["open"] is False
    dash_duo.driver.find_element("css selector", f"#{ids.FILTERS} > summary").click()
    wait(dash_duo, lambda: dash_duo.find_element(f"#{C.NATIONALITY.id}").is_displayed(), "the filters did not open")


def _type_month(dash_duo, control: str, text: str) -> None:
    """Keyboard only: Tab onto the control from the one before it, type the month, press Enter."""
    before = {C.START.id: C.REGION.id, C.END.id: C.START.id}[control]
    dash_duo.driver.execute_script(f"document.getElementById('{before}').focus()")
    ActionChains(dash_duo.driver).send_keys(Keys.TAB).perform()
    wait(dash_duo, lambda: dash_duo.driver.switch_to.active_element.get_attribute("id") == control, "Tab missed it")
    ActionChains(dash_duo.driver).send_keys(text).perform()
    wait(
        dash_duo,
        lambda: dash_duo.driver.execute_script(
            "const s = document.querySelector('.dash-dropdown-content .dash-dropdown-search');"
            "return s && s.value === arguments[0] &&"
            " document.querySelectorAll('.dash-dropdown-content [role=option]').length === 1;",
            text,
        ),
        f"{text!r} not typed or not found alone",
    )
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()


@pytest.mark.parametrize("spelling", ["2023-12", "Dec 2023", "December 2023", "12/2023"])
def test_l003_typing_a_month_in_any_spelling_picks_it(dash_duo, spelling):
    dash_duo.start_server(application.create_app())
    _open(dash_duo, 1400, "/?nationality=China")
    time.sleep(0.5)  # the dropdowns get their full lists just after the charts are drawn (page.js)
    _type_month(dash_duo, C.START.id, spelling)
    wait(dash_duo, lambda: query(dash_duo).get("from") == ["2023-12"], f"{spelling!r} did not pick December 2023")
    assert query(dash_duo).get("to") == ["2024-12"]


def test_l004_a_from_after_the_to_moves_the_to(dash_duo):
    dash_duo.start_server(application.create_app())
    _open(dash_duo, 1400, "/?nationality=China&from=2022-01&to=2022-06")
    time.sleep(0.5)
    _type_month(dash_duo, C.START.id, "2023-12")
    wait(dash_duo, lambda: query(dash_duo).get("from") == ["2023-12"], "From not picked")
    assert query(dash_duo).get("to") == ["2023-12"]  # moved with it, not reset to the default


def test_l005_copy_link_copies_the_address_and_says_so(dash_duo):
    dash_duo.start_server(application.create_app())
    _open(dash_duo, 1400, "/?nationality=china,india")
    wait(dash_duo, lambda: query(dash_duo).get("nationality") == ["China", "India"], "address not canonical")
    dash_duo.driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": dash_duo.server_url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    dash_duo.find_element(f"#{ids.COPY_LINK_BUTTON}").click()
    wait(dash_duo, lambda: dash_duo.find_element(f"#{ids.COPY_LINK_STATUS}").text == "Link copied.", "no confirmation")
    dash_duo.driver.set_script_timeout(10)
    copied = dash_duo.driver.execute_async_script(
        "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('failed: ' + e));"
    )
    assert copied == dash_duo.driver.current_url
    dash_duo.driver.find_element("css selector", f"#{C.BASIS.id} input[value=fiscal]").click()  # another view
    wait(dash_duo, lambda: dash_duo.find_element(f"#{ids.COPY_LINK_STATUS}").text == "", "stale 'Link copied.'")


def test_l006_no_chart_offers_to_upload_itself(dash_duo):
    dash_duo.start_server(application.create_app())
    _open(dash_duo, 1400, "/?nationality=China")
    found = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.js-plotly-plot')].map(g => ({"
        " cloud: g._context.showSendToCloud, studio: g._context.showEditInChartStudio,"
        " buttons: [...g.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title'))}));"
    )
    assert len(found) == len(ids.CHARTS)
    for chart in found:
        assert chart["cloud"] is False and not chart["studio"]  # plotly.js 4 has no Chart Studio button
        titles = json.dumps(chart["buttons"]).lower()
        assert "share" not in titles and "cloud" not in titles and "studio" not in titles
        assert chart["buttons"], "the toolbar itself is still there"


# axe-core's default rules, and its experimental label-content-name-mismatch (WCAG 2.5.3: a control's name
# holds its visible label): the dropdowns are named by their labels and described by their values.
AXE_OPTIONS = "{rules: {'label-content-name-mismatch': {enabled: true}}}"


@pytest.mark.parametrize("width", [1400, 375])
def test_l007_axe_core_finds_no_violation(dash_duo, width):
    """axe-core (from axe-core-python) on the page as drawn, with one and with nine nationalities."""
    from axe_core_python.selenium import Axe

    dash_duo.start_server(application.create_app())
    dash_duo.driver.set_script_timeout(60)
    for count in (1, 9):
        _open(dash_duo, width, f"/?nationality={NATIONALITIES[count]}")
        wait(dash_duo, lambda: _measure(dash_duo)["narrow"] == (width < 640), f"not laid out for {width} px")
        time.sleep(0.5)  # the dropdowns' full lists, and page.js's fixes of Dash's components
        dash_duo.driver.execute_script(Axe().axe_script)
        results = dash_duo.driver.execute_async_script(
            f"const done = arguments[0]; axe.run(document, {AXE_OPTIONS}).then(done, e => done({{error: '' + e}}));"
        )
        assert "error" not in results, results
        found = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in results["violations"]
        ]
        assert found == [], f"{count} nationalities at {width} px: {found}"
        ran = {rule["id"] for part in ("passes", "inapplicable", "incomplete") for rule in results[part]}
        assert "label-content-name-mismatch" in ran
        # What a screen reader hears, from Chromium's own accessibility tree: the label, then the value
        # (on a phone once the filters are unfolded: folded, they are not in the tree).
        dash_duo.driver.execute_script(f"document.getElementById('{ids.FILTERS}').open = true")
        name, description = accessible(dash_duo, C.NATIONALITY.id)
        assert name == C.NATIONALITY.label
        names = NATIONALITIES[count].split(",")
        assert description == ", ".join(names + ([f"{count} selected"] if count > 1 else [])), description


def accessible(dash_duo, element_id: str) -> tuple[str, str]:
    """The name and description Chromium computes for an element (its accessibility tree, over CDP)."""
    found = dash_duo.driver.execute_cdp_cmd(
        "Runtime.evaluate", {"expression": f"document.getElementById({json.dumps(element_id)})"}
    )
    (node, *_) = dash_duo.driver.execute_cdp_cmd(
        "Accessibility.getPartialAXTree", {"objectId": found["result"]["objectId"], "fetchRelatives": False}
    )["nodes"]
    return node.get("name", {}).get("value", ""), node.get("description", {}).get("value", "")


@pytest.mark.parametrize(
    ("link", "says"),
    [
        ("from=2023-12&to=2023-12", "Needs two years in the window: this one holds 2023 (1 of 12 months)."),
        ("from=2023-12&to=2024-12", "Needs two whole calendar years in the window"),
    ],
)
def test_l008_empty_compare_year_controls_say_why(dash_duo, link, says):
    """Fewer than two whole years and nothing picked: the compare-year controls show "No year", the note
    under them says why, and a screen reader hears it with each of them."""
    dash_duo.start_server(application.create_app())
    _open(dash_duo, 1400, f"/?nationality=China&{link}")
    time.sleep(0.5)
    note = dash_duo.find_element(f"#{ids.RISE_NOTE}")
    assert note.is_displayed() and note.text.startswith(says), note.text
    first, second = (dash_duo.find_element(f"#{cid}") for cid in C.RISE.component_ids)
    assert first.text == second.text == "No year"
    # the note sits right under the two controls, inside the filters' column
    under = dash_duo.driver.execute_script(
        "const n = arguments[0].getBoundingClientRect(), a = arguments[1].getBoundingClientRect(),"
        " b = arguments[2].getBoundingClientRect();"
        "return n.top >= Math.max(a.bottom, b.bottom) && n.top - Math.max(a.bottom, b.bottom) < 20"
        " && n.left <= a.left + 1;",
        note,
        first,
        second,
    )
    assert under
    for cid in C.RISE.component_ids:
        name, description = accessible(dash_duo, cid)
        assert name in C.RISE.part_labels and description == f"No year {note.text}", (name, description)
    # Two years picked: they are compared and the note goes.
    if "to=2024-12" in link:
        _open(dash_duo, 1400, f"/?nationality=China&{link}&rise=2023:2024")
        assert dash_duo.find_element(f"#{C.RISE.component_ids[0]}").text.startswith("2023")
        assert not dash_duo.find_element(f"#{ids.RISE_NOTE}").is_displayed()


@pytest.mark.parametrize("width", [1400, 375])
def test_l009_a_skip_link_takes_the_keyboard_to_the_charts(dash_duo, width):
    """The first Tab stop is "Skip to the charts", out of sight until focused; Enter moves the focus to the
    charts (the trend's card), so that the next Tab is the trend's first download link."""
    dash_duo.start_server(application.create_app())
    _open(dash_duo, width, "/?nationality=China")
    time.sleep(0.5)
    link = dash_duo.find_element(f"#{ids.SKIP_LINK}")
    seen = "const b = arguments[0].getBoundingClientRect(); return b.bottom > 0 && b.top >= 0 && b.width > 1;"
    assert not dash_duo.driver.execute_script(seen, link), "the skip link shows before it is focused"
    dash_duo.driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    ActionChains(dash_duo.driver).send_keys(Keys.TAB).perform()
    active = dash_duo.driver.switch_to.active_element
    assert active.get_attribute("id") == ids.SKIP_LINK and active.text == "Skip to the charts"
    assert dash_duo.driver.execute_script(seen, link), "the focused skip link is not in sight"
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    wait(
        dash_duo,
        lambda: dash_duo.driver.switch_to.active_element.get_attribute("id") == ids.CHARTS_SECTION,
        "Enter did not move the focus to the charts",
    )
    assert dash_duo.driver.execute_script(
        f"return document.getElementById('{ids.CHARTS_SECTION}').contains(document.getElementById('{ids.TREND}'))"
    )
    ActionChains(dash_duo.driver).send_keys(Keys.TAB).perform()
    assert dash_duo.driver.switch_to.active_element.get_attribute("title") == "Download the trend chart as PNG"


BAR_LABELS = """
const card = document.getElementById(arguments[0]).closest('.chart-card');
const box = e => { const b = e.getBoundingClientRect(); return {l: b.left, t: b.top, r: b.right, b: b.bottom}; };
const hit = (a, b) => a.l < b.r - 1 && b.l < a.r - 1 && a.t < b.b - 1 && b.t < a.b - 1;
const drawing = box(card.querySelector('.main-svg'));
const labels = [], problems = [];
for (const text of card.querySelectorAll('.bartext')) {
  const b = text.getBoundingClientRect();
  if (!b.width || !b.height) continue;  // hidden by Plotly (uniformtext): it would have been too small
  const m = text.getScreenCTM();  // the size it is drawn at: its font size, scaled by its transform
  const px = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
  labels.push({text: text.textContent, px, box: box(text)});
  if (px < 11) problems.push(`${text.textContent} drawn at ${px.toFixed(1)} px`);
}
labels.forEach((a, i) => labels.slice(i + 1).forEach(b => {
  if (hit(a.box, b.box)) problems.push(`${a.text} overlaps ${b.text}`);
}));
const others = ['.g-gtitle .gtitle', '.gtitle-subtitle', '.legend', '.annotation'];
for (const a of labels) {
  const b = a.box;
  if (b.l < drawing.l || b.r > drawing.r || b.t < drawing.t || b.b > drawing.b) problems.push(`${a.text} cut`);
  for (const sel of others) card.querySelectorAll(sel).forEach(o => {
    if (hit(b, box(o))) problems.push(`${a.text} overlaps ${sel}`);
  });
}
const g = card.querySelector('.js-plotly-plot');
return {shown: labels.length, bars: card.querySelectorAll('.bars .point').length, problems,
        hover: g._fullData.every(t => (t.hovertemplate || '').includes('%{y:,}')),
        help: card.querySelector('.chart-help').textContent};
"""


@pytest.mark.parametrize("width", [1400, 375])
def test_l010_the_rise_charts_numbers_are_legible_or_left_to_the_hover(dash_duo, width):
    """Each bar's number is drawn at 11 px or more, apart from the others and from the title, subtitle,
    legend and ratio, or not drawn (a bar too thin for it) and given by the hover, as the caption says."""
    dash_duo.start_server(application.create_app())
    views = {
        "9 nationalities": f"nationality={NATIONALITIES[9]}",
        "3 nationalities": f"nationality={NATIONALITIES[3]}",
        "one, 3 years": "nationality=China",
        "one, 20 years": "nationality=China&from=2005-01&to=2024-11",
        "one, 26 years": "nationality=China&from=1999-10&to=2024-11",
    }
    shown = {}
    for name, link in views.items():
        _open(dash_duo, width, f"/?{link}")
        wait(dash_duo, lambda: _measure(dash_duo)["narrow"] == (width < 640), f"not laid out for {width} px")
        time.sleep(0.5)
        measured = dash_duo.driver.execute_script(BAR_LABELS, ids.RISE)
        assert measured["problems"] == [], f"{name} at {width} px: {measured['problems']}"
        assert measured["hover"] and "hover or tap a bar for its number" in measured["help"]
        shown[name] = (measured["shown"], measured["bars"])
    assert shown["one, 3 years"] == (3, 3), shown  # where they fit, every bar has its number
    if width == 1400:
        assert shown["3 nationalities"] == (9, 9) and shown["one, 20 years"] == (20, 20), shown


PHONE = {
    "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0"
    " Mobile Safari/537.36",
    "userAgentMetadata": {
        "brands": [{"brand": "Chromium", "version": "131"}],
        "fullVersion": "131.0.0.0",
        "platform": "Android",
        "platformVersion": "14",
        "architecture": "",
        "model": "Pixel 8",
        "mobile": True,  # Sec-CH-UA-Mobile: ?1
    },
}
# Every callback request the page sends whose outputs hold the charts (the render callback), recorded
# from the page's first script on.
COUNT_RENDERS = """
window.__renders = [];
const fetched = window.fetch;
window.fetch = function (input, init) {
  try {
    const body = init && typeof init.body === 'string' ? JSON.parse(init.body) : null;
    if (body && String(input).includes('_dash-update-component') && body.output.includes('rise-chart.figure'))
      window.__renders.push(body.inputs.map(i => i.id + '=' + JSON.stringify(i.value)).join(' '));
  } catch (e) {}
  return fetched.apply(this, arguments);
};
"""


def test_l011_a_phone_gets_its_charts_drawn_for_it_at_once(dash_duo):
    """A phone (375 px, saying so by its client hint and User-Agent) is sent the charts drawn for its width:
    after the page is loaded it asks for no chart at all, and the charts fit its screen. A desktop browser
    in a 375 px window is sent wide charts, and redraws them once (what every phone did before)."""
    dash_duo.start_server(application.create_app())
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_RENDERS})
    for agent, renders in (
        (PHONE, 0),
        ({"userAgent": dash_duo.driver.execute_script("return navigator.userAgent")}, 1),
    ):
        dash_duo.driver.execute_cdp_cmd("Emulation.setUserAgentOverride", agent)
        _open(dash_duo, 375, f"/?nationality={NATIONALITIES[3]}")
        wait(dash_duo, lambda: _measure(dash_duo)["narrow"], "not laid out for a phone")
        time.sleep(2)  # any request the page would still make
        sent = dash_duo.driver.execute_script("return window.__renders")
        assert len(sent) == renders, (agent["userAgent"], sent)
        measured = _measure(dash_duo)
        assert measured["problems"] == [] and measured["scroll"] <= measured["width"], measured
        boxes = dash_duo.driver.execute_script(
            "return [...document.querySelectorAll('.main-svg, .g-gtitle .gtitle')].map(e => {"
            " const b = e.getBoundingClientRect(); return [b.left, b.right]; })"
        )
        width = dash_duo.driver.execute_script("return window.innerWidth")
        assert boxes and all(left >= 0 and right <= width for left, right in boxes), (width, boxes)
