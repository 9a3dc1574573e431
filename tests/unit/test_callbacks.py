"""Every callback called directly, without a browser, on the real dataset.

The registered functions are reached through ``app.callback_map`` (``__wrapped__`` is the plain function);
callbacks that read ``ctx`` get it through Dash's ``context_value``, as Dash's docs show.
"""

from __future__ import annotations

import base64
import io
from urllib.parse import parse_qs

import pandas as pd
import pytest
from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.exceptions import PreventUpdate

from border_dashboard.components import app as application
from border_dashboard.components import ids, page
from border_dashboard.components.state import ViewState, to_query
from border_dashboard.data import analysis
from border_dashboard.data.schema import ALL


@pytest.fixture(scope="module")
def app():
    return application.create_app()


def _callback(app, output_start: str):
    for key, entry in app.callback_map.items():
        if key.lstrip(".").startswith(output_start):
            return entry["callback"].__wrapped__
    raise KeyError(output_start)


def _triggered(prop_id: str | None):
    triggered = [{"prop_id": prop_id, "value": None}] if prop_id else []
    context_value.set(AttributeDict(triggered_inputs=triggered))


def _values(**overrides):
    defaults = {
        ids.SOURCE: "ohss-usbp",
        ids.NATIONALITY: ["China"],
        ids.REGION: "Southwest Land Border",
        ids.START: "2022-01",
        ids.END: "2024-12",
        ids.BASIS: "calendar",
        ids.RISE_FROM: 2022,
        ids.RISE_TO: 2023,
        ids.EVENTS: ["on"],
        ids.COMPONENT: ALL,
        ids.DEMOGRAPHIC: ALL,
        ids.AREA: ALL,
    }
    defaults.update(overrides)
    return [defaults[c] for c in page.CONTROLS]


def test_sync_from_a_shared_link_sets_the_controls(app):
    _triggered(None)
    sync = _callback(app, f"{ids.URL}.search")
    out = sync(
        "?nationality=India&nationality=China&region=All&from=2023-01&to=2023-12&basis=fiscal",
        *_values(),
        to_query(ViewState()),
    )
    search, store, notice, *rest = out
    values = dict(zip(page.CONTROLS, rest[: len(page.CONTROLS)]))
    assert search is no_update  # the URL already says it; no new history entry
    assert values[ids.NATIONALITY] == ["India", "China"] and values[ids.REGION] == ALL
    assert (values[ids.START], values[ids.END], values[ids.BASIS]) == ("2023-01", "2023-12", "fiscal")
    assert parse_qs(store.lstrip("?"))["nationality"] == ["India", "China"]
    assert notice == []


def test_sync_from_a_control_writes_the_url(app):
    _triggered(f"{ids.NATIONALITY}.value")
    sync = _callback(app, f"{ids.URL}.search")
    search, store, *_ = sync(
        "", *_values(**{ids.NATIONALITY: ["Ecuador"], ids.START: "2023-06"}), to_query(ViewState())
    )
    assert search == store
    assert parse_qs(search.lstrip("?"))["nationality"] == ["Ecuador"]
    assert parse_qs(search.lstrip("?"))["from"] == ["2023-06"]


def test_sync_switching_source_drops_what_it_lacks_and_shows_its_filters(dataset):
    result = page.controls(dataset, "", dict(zip(page.CONTROLS, _values(**{ids.SOURCE: "cbp-swb"}))), ids.SOURCE)
    assert result["values"][ids.NATIONALITY] == []  # China is not broken out by the CBP file
    assert "China" in result["notice"][0].children
    assert result["styles"][ids.COMPONENT] == {} and result["styles"][ids.AREA] == {"display": "none"}
    offered = [o["value"] for o in result["options"][ids.NATIONALITY] if not o["disabled"]]
    assert offered == ["El Salvador", "Guatemala", "Honduras", "Mexico", "Other"]
    assert result["options"][ids.NATIONALITY][5]["label"].endswith("(not in this source)")


def test_sync_hides_filters_the_default_source_lacks(dataset):
    result = page.controls(dataset, "", {}, None)
    assert all(style == {"display": "none"} for style in result["styles"].values())
    assert (result["values"][ids.RISE_FROM], result["values"][ids.RISE_TO]) == (2022, 2023)
    assert {"label": "2022", "value": 2022} in result["options"][ids.RISE_FROM]


def test_sync_invalid_url_shows_a_notice(dataset):
    result = page.controls(dataset, "?from=banana&region=Moon", {}, None)
    texts = " ".join(p.children for p in result["notice"])
    assert "YYYY-MM" in texts and "Unknown region" in texts
    assert result["values"][ids.START] == "2022-01"


def test_render_gives_figures_and_the_headline_from_the_analysis(app, dataset):
    render = _callback(app, f"{ids.TREND}.figure")
    out = render(to_query(ViewState()))
    trend, rise, peak, top = out[:4]
    headline, sentence, provenance = out[8:]
    assert list(trend["data"][0]["y"][:2]) == [80, 40]
    assert list(rise["data"][0]["y"]) == [3_600, 37_160, 25_000]
    pairs = {item.children[0].children: item.children[1].children for item in headline}
    expected = analysis.summary(dataset.tables["ohss-usbp"], analysis.Selection())
    assert pairs["2023 total"] == f"{expected['yearly'][1]['encounters']:,}"
    assert pairs["Rise 2022 to 2023"] == "x10.3"
    assert pairs["Peak month (Dec 2023)"] == "5,950"
    assert sentence.startswith("Border Patrol encountered 37,160 nationals of China at the Southwest Land Border")
    assert "December 2023" in sentence
    assert "cb9723f7503c" in str(provenance) and "Shenyang" in str(provenance)
    config = out[4]
    assert config["toImageButtonOptions"]["scale"] == 2
    assert config["toImageButtonOptions"]["filename"].startswith("border-encounters-trend-china")


def test_render_any_other_selection(app, dataset):
    render = _callback(app, f"{ids.TREND}.figure")
    state = ViewState(nationalities=("Ecuador",), region=ALL, start="2021-01", end="2023-12", basis="fiscal")
    out = render(to_query(state))
    expected = analysis.summary(dataset.tables["ohss-usbp"], state.selection)
    assert list(out[1]["data"][0]["y"]) == [y["encounters"] for y in expected["yearly"]]
    assert out[9].startswith("Border Patrol encountered") and "all borders" in out[9]


def test_csv_download_has_exactly_the_rows_shown(app):
    _triggered(f"{ids.DOWNLOAD_CSV_BUTTON}.n_clicks")
    download = _callback(app, f"{ids.DOWNLOAD_CSV}.data")
    sent = download(1, to_query(ViewState()))
    assert sent["filename"] == "border-encounters-data-china-southwest-land-border-2022-01-to-2024-12.csv"
    text = sent["content"]
    assert text.startswith("# U.S. border encounters")
    assert "Office of Homeland Security Statistics" in text and "nationality=China" in text
    frame = pd.read_csv(io.StringIO(text), comment="#")
    monthly = frame[frame["measure"] == "monthly"]
    assert len(monthly) == 35 and monthly["encounters"].sum() == 3_600 + 37_160 + 25_000
    yearly = frame[(frame["measure"] == "calendar year total") & (frame["nationality"] == "China")]
    assert yearly.set_index("period")["encounters"].to_dict() == {"2022": 3_600, "2023": 37_160, "2024": 25_000}
    assert (frame["nationality"] == "All nationalities").sum() == 3


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("svg", b"<svg"), ("pdf", b"%PDF")])
def test_image_download_renders_on_the_server(app, fmt, magic):
    _triggered(f'{{"chart":"{ids.RISE}","format":"{fmt}","type":"{ids.EXPORT_BUTTON}"}}.n_clicks')
    download = _callback(app, f"{ids.DOWNLOAD_IMAGE}.data")
    sent, notice = download([None, 1, None], to_query(ViewState()))
    assert notice is no_update
    content = base64.b64decode(sent["content"])
    assert content.lstrip()[: len(magic)] == magic
    assert sent["filename"] == f"border-encounters-rise-china-southwest-land-border-2022-01-to-2024-12.{fmt}"
    if fmt == "svg":
        text = content.decode()
        assert "Encounters per calendar year" in text and "rounded to the nearest 10" in text


def test_image_download_without_a_click_does_nothing(app):
    _triggered(None)
    assert _callback(app, f"{ids.DOWNLOAD_IMAGE}.data")([None, None], "") == (no_update, no_update)


def test_image_export_failure_is_said_on_the_page(app, monkeypatch):
    from border_dashboard.components import export

    def no_browser():
        raise FileNotFoundError("chromium")

    monkeypatch.setattr(export, "start_image_server", no_browser)
    _triggered(f'{{"chart":"{ids.TREND}","format":"pdf","type":"{ids.EXPORT_BUTTON}"}}.n_clicks')
    sent, notice = _callback(app, f"{ids.DOWNLOAD_IMAGE}.data")([1], to_query(ViewState()))
    assert sent is no_update
    assert "needs Chromium" in notice[0].children and "camera button" in notice[0].children


def test_every_app_has_its_own_callbacks():
    first, second = application.create_app(), application.create_app()
    assert first.callback_map is not second.callback_map
    assert first.callback_map.keys() == second.callback_map.keys()


def test_a_dropdown_that_cleared_itself_changes_nothing(app):
    _triggered(f"{ids.COMPONENT}.value")
    with pytest.raises(PreventUpdate):
        _callback(app, f"{ids.URL}.search")("", *_values(**{ids.COMPONENT: None}), "")


def test_a_link_already_drawn_by_the_layout_needs_no_update(app):
    _triggered(None)
    query = to_query(ViewState(nationalities=("India",)))
    with pytest.raises(PreventUpdate):
        _callback(app, f"{ids.URL}.search")(query, *_values(), query)


def test_the_layout_is_drawn_for_the_link_being_opened(app):
    import flask

    with app.server.test_request_context(
        "/_dash-layout", headers={"Referer": "http://127.0.0.1/?nationality=India&from=2019-01&to=2021-12"}
    ):
        page_layout = app.layout()
    store = page_layout[ids.SELECTION]
    assert store.id == ids.SELECTION and "nationality=India" in store.data and "from=2019-01" in store.data
    sentence = str(page_layout)
    assert "nationals of India" in sentence
    with app.server.test_request_context("/_dash-layout"):
        assert "nationality=China" in app.layout()[ids.SELECTION].data
    assert flask.has_request_context() is False


def test_a_page_drawn_for_its_address_makes_no_request_when_it_opens(app):
    """The address bar's query is in the layout, so the browser reports no change and no callback runs;
    without a known address (no referrer) the browser reports it and the URL callback draws the link."""
    link = "?nationality=India&from=2019-01&to=2021-12"
    with app.server.test_request_context("/_dash-layout", headers={"Referer": "http://127.0.0.1/" + link}):
        location = app.layout()[ids.URL]
    assert location.id == ids.URL and location.search == link
    with app.server.test_request_context("/_dash-layout", headers={"Referer": "http://127.0.0.1/"}):
        assert app.layout()[ids.URL].search == ""
    with app.server.test_request_context("/_dash-layout"):
        assert getattr(app.layout()[ids.URL], "search", None) is None
    callback = next(c for c in app._callback_list if c["output"].startswith(f"..{ids.URL}.search"))
    assert callback["prevent_initial_call"] is True
    _triggered(f"{ids.URL}.search")  # what the browser sends when it reports the address
    result = _callback(app, f"{ids.URL}.search")(link, *_values(), to_query(ViewState()))
    assert "nationality=India" in result[1] and result[3 + page.CONTROLS.index(ids.NATIONALITY)] == ["India"]


def test_dropdowns_open_with_their_chosen_options_and_get_their_lists_in_the_browser(app):
    """Dash's dropdown indexes all the options it is given before the page can draw; the layout gives
    each only its chosen ones and a store the full lists, which a clientside callback fills in."""
    with app.server.test_request_context("/_dash-layout", headers={"Referer": "http://h/?nationality=India"}):
        page_layout = app.layout()
    stored = page_layout[ids.DROPDOWN_LISTS].data
    assert stored["search"] == "?nationality=India"  # the address the lists are for
    assert stored["follow_url"] == [c in page.OPTIONS for c in page.DROPDOWNS]
    lists = dict(zip(page.DROPDOWNS, stored["lists"]))
    assert len(lists[ids.START]) > 300 and len(lists[ids.NATIONALITY]) > 100
    for control in page.DROPDOWNS:
        dropdown = page_layout[control]
        chosen = dropdown.value if isinstance(dropdown.value, list) else [dropdown.value]
        assert [o["value"] for o in dropdown.options] == [o["value"] for o in lists[control] if o["value"] in chosen]
    assert page_layout[ids.NATIONALITY].options == [{"label": "India", "value": "India", "disabled": False}]
    fill = next(c for c in app._callback_list if c.get("clientside_function"))
    assert fill["clientside_function"] == {"namespace": "border", "function_name": "fill_dropdowns"}
    assert fill["output"] == ".." + "...".join(f"{c}.options" for c in page.DROPDOWNS) + ".."
    assert fill["prevent_initial_call"] is False  # it runs as the page opens
    assert fill["inputs"] == [{"id": ids.DROPDOWN_LISTS, "property": "data"}]
    script = (application.ASSETS / "dropdowns.js").read_text()
    assert "fill_dropdowns" in script and "resolve(lists())" in script
    # Without a known address the URL callback may send other lists on load: the page has them all.
    with app.server.test_request_context("/_dash-layout"):
        unknown = app.layout()
    assert unknown[ids.DROPDOWN_LISTS].data is None and len(unknown[ids.START].options) > 300


def test_sync_sends_dropdown_lists_only_when_they_change(app):
    """The lists follow the source and the year basis; a new nationality or window keeps them."""
    sync = _callback(app, f"{ids.URL}.search")
    shown = to_query(ViewState())
    _triggered(f"{ids.NATIONALITY}.value")
    same = sync(f"?{shown}", *_values(**{ids.NATIONALITY: ["India"]}), shown)
    lists = same[3 + len(page.CONTROLS) : 3 + len(page.CONTROLS) + len(page.OPTIONS)]
    assert all(x is no_update for x in lists)
    _triggered(f"{ids.BASIS}.value")
    other = sync(f"?{shown}", *_values(**{ids.BASIS: "fiscal"}), shown)
    years = other[3 + len(page.CONTROLS) + page.OPTIONS.index(ids.RISE_FROM)]
    assert years[0]["label"].startswith("FY")
