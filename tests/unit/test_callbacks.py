"""Every callback called directly, without a browser, on the real dataset.

Callbacks are plain functions of ``components.callbacks`` that take the triggering input as an argument;
what an app registered is read from its public ``/_dash-dependencies`` answer, as the browser reads it.
"""

from __future__ import annotations

import io
import json
from urllib.parse import parse_qs

import pandas as pd
import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from border_dashboard.components import app as application
from border_dashboard.components import callbacks, ids, page
from border_dashboard.components import controls as C
from border_dashboard.components.state import ViewState, from_query, to_query
from border_dashboard.components.view import ViewBuilder
from border_dashboard.data import store
from border_dashboard.data.schema import ALL
from tests import official

SHOWN = to_query(ViewState())


def _walk(node):
    """Every component of a layout, depth first."""
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


@pytest.fixture(scope="module")
def app():
    return application.create_app()


@pytest.fixture(scope="module")
def builder(dataset):
    return ViewBuilder(dataset)


def _values(dataset, **overrides):
    """The components' values for the default view, with some changed (keys: component ids)."""
    values = page.control_values(dataset, ViewState())
    values.update(overrides)
    return values


def _dependencies(app) -> list[dict]:
    response = app.server.test_client().get("/_dash-dependencies")
    assert response.status_code == 200
    return json.loads(response.data)


def _sync(dataset, search, values, triggered, shown=SHOWN):
    return callbacks.sync_url_and_controls(dataset, search, values, shown, triggered)


def test_sync_from_a_shared_link_sets_the_controls(dataset):
    out = _sync(
        dataset,
        "?nationality=India&nationality=China&region=All&from=2023-01&to=2023-12&basis=fiscal",
        _values(dataset),
        None,
    )
    assert out["search"] is no_update  # the URL already says it; no new history entry
    values = out["values"]
    assert values[C.NATIONALITY.id] == ["India", "China"] and values[C.REGION.id] == ALL
    assert (values[C.START.id], values[C.END.id], values[C.BASIS.id]) == ("2023-01", "2023-12", "fiscal")
    assert parse_qs(out["store"].lstrip("?"))["nationality"] == ["India", "China"]
    assert out["notice"] == []


def test_sync_from_a_control_writes_the_url(dataset):
    changed = _values(dataset, **{C.NATIONALITY.id: ["Ecuador"], C.START.id: "2023-06"})
    out = _sync(dataset, "", changed, C.NATIONALITY.id)
    assert out["search"] == out["store"]
    query = parse_qs(out["search"].lstrip("?"))
    assert query["nationality"] == ["Ecuador"] and query["from"] == ["2023-06"]
    assert "events" not in query  # the toggle is on, its default


def test_sync_sets_only_the_controls_it_changes(dataset):
    """A control change sets back only the values the server changed (a From after the To moves the To, and
    a one-month window has no years to compare); every other control keeps the value it has, untouched
    (no re-render of a long dropdown)."""
    changed = _values(dataset, **{C.START.id: "2024-06", C.END.id: "2024-03"})
    out = _sync(dataset, "", changed, C.START.id)
    set_back = {cid: value for cid, value in out["values"].items() if value is not no_update}
    assert set_back == {C.END.id: "2024-06", **dict.fromkeys(C.RISE.component_ids)}
    out = _sync(dataset, "", _values(dataset, **{C.NATIONALITY.id: ["China", "India"]}), C.NATIONALITY.id)
    assert all(value is no_update for value in out["values"].values())
    assert "nationality=China&nationality=India" in out["store"]


def test_the_month_lists_are_written_once_and_handed_out_as_new_lists(dataset):
    first = C.month_options(dataset, None, ViewState())
    second = C.month_options(dataset, None, ViewState())
    assert first == second and first is not second
    assert first[0]["value"] == C.month_range(dataset)[0] and first[-1]["value"] == C.month_range(dataset)[1]
    assert "Dec 2023" in next(o["search"] for o in first if o["value"] == "2023-12")


def test_switching_source_keeps_what_it_has_and_explains_the_rest(dataset, builder):
    result = page.controls(dataset, "", _values(dataset, **{C.SOURCE.id: "cbp-swb"}), C.SOURCE.id)
    assert result.values[C.NATIONALITY.id] == ["China"]  # the reader's choice stays in the URL
    assert "counted in 'Other'" in result.notices[0] and "China" in result.notices[0]
    assert result.styles[C.COMPONENT.wrapper_id] == {} and result.styles[C.AREA.wrapper_id] == {"display": "none"}
    offered = [(o["value"], o["label"]) for o in result.options[C.NATIONALITY.id]]
    assert offered == [("All", "All nationalities (the region's total)")] + [
        (n, n) for n in ("El Salvador", "Guatemala", "Honduras", "Mexico", "Other")
    ] + [("China", "China (in Other here)")]  # no greyed list of what the source lacks
    components = [o["value"] for o in result.options[C.COMPONENT.id]]
    assert components == [ALL, "Office of Field Operations", "U.S. Border Patrol"]
    # What is drawn is CBP's 'Other' group, said so.
    view = builder.build(result.state)
    assert view.nationalities == ("Other",) and view.counted_in == {"China": "Other"}
    assert (
        "nationals of other countries (China among them)"
        in callbacks.render_view(dataset, builder, result.store)["sentence"]
    )
    # Back to OHSS: China again, and no notice.
    back = page.controls(dataset, "", {**result.values, C.SOURCE.id: "ohss-usbp"}, C.SOURCE.id, result.store)
    assert back.values[C.NATIONALITY.id] == ["China"] and back.notices == []


def test_sync_hides_filters_the_default_source_lacks(dataset):
    result = page.controls(dataset, "", {}, None)
    assert all(style == {"display": "none"} for style in result.styles.values())
    assert set(result.styles) == {c.wrapper_id for c in C.FILTERS}
    rise_from, rise_to = C.RISE.component_ids
    assert (result.values[rise_from], result.values[rise_to]) == (2022, 2023)
    assert {"label": "2022", "value": 2022} in result.options[rise_from]


@pytest.mark.parametrize(
    ("link", "says"),
    [
        (
            "?nationality=China&from=2023-12&to=2024-12",
            "Needs two whole calendar years in the window: this one holds "
            "2023 (1 of 12 months), 2024 (11 of 12 months). Pick two of them",
        ),
        (
            "?nationality=China&from=2023-12&to=2023-12",
            "Needs two years in the window: this one holds 2023 (1 of 12 months). Widen the months",
        ),
        (
            "?nationality=China&from=2022-10&to=2024-08&basis=fiscal",
            "Needs two whole fiscal years in the window: this one holds FY2023, FY2024 (11 of 12 months)",
        ),
    ],
)
def test_empty_compare_year_controls_say_why(app, dataset, link, says):
    """Fewer than two whole years and nothing picked: the compare-year controls hold no year, and the note
    beside them (in the page as first drawn and as the URL callback sets it) says why."""
    result = page.controls(dataset, link, {}, None)
    assert [result.values[cid] for cid in C.RISE.component_ids] == [None, None]
    assert result.rise_note.startswith(says), result.rise_note
    layout = application.build_layout(dataset, ViewBuilder(dataset), link.lstrip("?"))
    (note,) = [n for n in _walk(layout) if getattr(n, "id", None) == ids.RISE_NOTE]
    assert note.children == result.rise_note
    out = callbacks.sync_url_and_controls(dataset, link, {}, SHOWN, None)
    assert out["rise_note"] == result.rise_note
    # Two years of the window picked: they are compared, and the note goes.
    picked = page.controls(dataset, link + "&rise=2023:2024", {}, None)
    if "to=2023-12" in link:  # one year only: nothing to pick
        assert picked.rise_note == result.rise_note
    else:
        assert [picked.values[cid] for cid in C.RISE.component_ids] == [2023, 2024] and picked.rise_note == ""


def test_compare_year_controls_with_a_pair_have_no_note(dataset):
    assert page.controls(dataset, "?nationality=China", {}, None).rise_note == ""


def test_sync_invalid_url_shows_a_notice(dataset):
    result = page.controls(dataset, "?from=banana&region=Moon", {}, None)
    texts = " ".join(result.notices)
    assert "YYYY-MM" in texts and "Unknown region" in texts
    assert result.values[C.START.id] == "2022-01"


def test_render_gives_figures_and_the_headline_from_the_official_numbers(dataset, builder):
    out = callbacks.render_view(dataset, builder, SHOWN)
    trend, rise = out["figures"][ids.TREND], out["figures"][ids.RISE]
    # China at the Southwest Land Border in the OHSS workbook: 80 in January 2022, 40 in February.
    assert list(trend["data"][0]["y"][:2]) == [80, 40]
    assert list(rise["data"][0]["y"]) == [3_600, 37_160, 25_000]
    stats = [item for part in out["headline"] if part.className == "headline" for item in part.children]
    pairs = {item.children[0].children: item.children[1].children for item in stats}
    assert pairs["2023 total"] == "37,160"
    assert pairs["Rise 2022 to 2023"] == "x10.3"
    assert pairs["Peak month (Dec 2023)"] == "5,950"
    assert out["sentence"].startswith(
        "Border Patrol encountered 37,160 nationals of China at the Southwest Land Border"
    )
    assert "December 2023" in out["sentence"]
    assert "cb9723f7503c" in str(out["provenance"]) and "Shenyang" in str(out["provenance"])
    config = out["configs"][ids.TREND]
    assert config["toImageButtonOptions"]["scale"] == 2
    assert config["toImageButtonOptions"]["filename"].startswith("border-encounters-trend-china")


def test_render_any_other_selection_sums_to_its_monthly_series(dataset, builder):
    state = ViewState(nationalities=("Ecuador",), region=ALL, start="2021-01", end="2023-12", basis="fiscal")
    out = callbacks.render_view(dataset, builder, to_query(state))
    trend, rise = out["figures"][ids.TREND], out["figures"][ids.RISE]
    assert list(rise["data"][0]["x"]) == ["FY2021 (9 mo.)", "FY2022", "FY2023", "FY2024 (3 mo.)"]
    # Every month of the window once: partial years are their months' sum, whole fiscal years the figure
    # OHSS publishes for them (rounded once, not month by month).
    months = pd.Series(list(trend["data"][0]["y"]), index=pd.DatetimeIndex(list(trend["data"][0]["x"])))
    fiscal = months.index.year + (months.index.month >= 10)
    published = dataset.served("ohss-usbp").published(ALL, "Ecuador", ())
    expected = [months[fiscal == 2021].sum(), published[2022], published[2023], months[fiscal == 2024].sum()]
    assert list(rise["data"][0]["y"]) == expected
    assert out["sentence"].startswith("Border Patrol encountered") and "all borders" in out["sentence"]


def test_csv_download_has_exactly_the_rows_shown(dataset, builder):
    sent = callbacks.download_csv(dataset, builder, SHOWN)
    assert (
        sent["filename"]
        == "border-encounters-data-china-southwest-land-border-2022-01-to-2024-12-ohss-usbp-calendar.csv"
    )
    text = sent["content"]
    assert text.startswith("# U.S. border encounters")
    assert "Office of Homeland Security Statistics" in text and "nationality=China" in text
    frame = pd.read_csv(io.StringIO(text), comment="#", dtype={"Period": str})
    assert list(frame.columns) == ["Period", "What", "China"]  # the table tab's columns
    monthly = frame[frame["What"] == "month"]
    assert len(monthly) == 35 and monthly["China"].astype(int).sum() == 3_600 + 37_160 + 25_000
    yearly = frame[frame["What"] != "month"].set_index("Period")
    assert yearly["China"].astype(int).to_dict() == {"2022": 3_600, "2023": 37_160, "2024": 25_000}
    assert yearly.loc["2024", "What"] == "calendar year, sum of 11 of 12 months"
    # with the region's total chosen, it is a column of its own
    both = callbacks.download_csv(
        dataset, builder, SHOWN.replace("nationality=China", "nationality=China&nationality=All")
    )
    frame = pd.read_csv(io.StringIO(both["content"]), comment="#", dtype=str)
    assert list(frame.columns) == ["Period", "What", "China", "All nationalities"]
    assert frame.loc[frame["Period"] == "2023-12", "All nationalities"].tolist() == ["249740"]


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("svg", b"<svg"), ("pdf", b"%PDF")])
def test_the_download_links_are_the_image_urls_and_render_on_the_server(dataset, fmt, magic):
    app = application.create_app(dataset=dataset)
    wanted = {"type": ids.EXPORT_LINK, "chart": "rise", "format": fmt}
    with app.server.test_request_context("/_dash-layout", headers={"Referer": f"http://localhost/{SHOWN}"}):
        link = next(c for c in _walk(app.layout()) if getattr(c, "id", None) == wanted)
    assert link.href == f"/export/rise.{fmt}{SHOWN}"
    answer = app.server.test_client().get(link.href)
    assert answer.status_code == 200
    content = answer.get_data()
    assert content.lstrip()[: len(magic)] == magic
    if fmt == "png":  # 1000 x 520 at scale 2: what the reader's file measures
        assert (int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")) == (2000, 1040)
    stem = "border-encounters-rise-china-southwest-land-border-2022-01-to-2024-12-ohss-usbp-calendar"
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{stem}.{fmt}"'
    if fmt == "svg":
        text = content.decode()
        assert 'width="1000" height="520"' in text[:300]  # its real size, that of its viewBox
        assert "Encounters per calendar year" in text and "rounded to the nearest 10" in text


def test_every_app_answers_from_its_own_dataset(dataset):
    """Two apps in one process: each one's callbacks use its own dataset (none is registered globally)."""
    only_ohss = store.Dataset(
        {"ohss-usbp": dataset.tables["ohss-usbp"]}, {"ohss-usbp": dataset.provenance["ohss-usbp"]}
    )
    full, partial = application.create_app(dataset=dataset), application.create_app(dataset=only_ohss)
    sync = next(d for d in _dependencies(full) if d["output"].startswith(f"..{ids.URL}.search"))
    body = {
        "output": sync["output"],
        "outputs": [
            {"id": o.split(".")[0], "property": o.split(".")[1]} for o in sync["output"].strip(".").split("...")
        ],
        "inputs": [
            {**i, "value": "?source=cbp-swb&nationality=Mexico" if i["id"] == ids.URL else None} for i in sync["inputs"]
        ],
        "state": [{**s, "value": SHOWN} for s in sync["state"]],
        "changedPropIds": [f"{ids.URL}.search"],
    }
    answers = {}
    for name, app in (("full", full), ("partial", partial)):
        response = app.server.test_client().post("/_dash-update-component", json=body)
        assert response.status_code == 200, response.data
        answers[name] = json.loads(response.data)["response"]
    assert answers["full"][ids.SELECTION]["data"].startswith("?source=cbp-swb")
    assert "Unknown source 'cbp-swb'" in json.dumps(answers["partial"][ids.NOTICE])


def test_a_dropdown_that_cleared_itself_changes_nothing(dataset):
    with pytest.raises(PreventUpdate):
        _sync(dataset, "", _values(dataset, **{C.COMPONENT.id: None}), C.COMPONENT.id, shown="")


def test_a_link_already_drawn_by_the_layout_needs_no_update(dataset):
    query = to_query(ViewState(nationalities=("India",)))
    with pytest.raises(PreventUpdate):
        _sync(dataset, query, _values(dataset), None, shown=query)


def test_the_layout_is_drawn_for_the_link_being_opened(app):
    with app.server.test_request_context(
        "/_dash-layout", headers={"Referer": "http://127.0.0.1/?nationality=India&from=2019-01&to=2021-12"}
    ):
        page_layout = app.layout()
    stored = page_layout[ids.SELECTION].data
    assert "nationality=India" in stored and "from=2019-01" in stored
    assert page_layout[C.NATIONALITY.id].value == ["India"] and page_layout[C.START.id].value == "2019-01"
    assert "nationals of India" in str(page_layout[ids.SENTENCE].children)
    with app.server.test_request_context("/_dash-layout"):
        assert "nationality=China" in app.layout()[ids.SELECTION].data


def test_a_page_drawn_for_its_address_makes_no_request_when_it_opens(app, dataset):
    """The address bar's query is in the layout, so the browser reports no change and no callback runs;
    without a known address (no referrer) the browser reports it and the URL callback draws the link."""
    link = "?nationality=India&from=2019-01&to=2021-12"
    with app.server.test_request_context("/_dash-layout", headers={"Referer": "http://127.0.0.1/" + link}):
        location = app.layout()[ids.URL]
    assert location.search == link
    # A referrer without a query may be a long link cut to its origin: the browser reports the address.
    with app.server.test_request_context("/_dash-layout", headers={"Referer": "http://127.0.0.1/"}):
        assert getattr(app.layout()[ids.URL], "search", None) is None
    with app.server.test_request_context("/_dash-layout"):
        assert getattr(app.layout()[ids.URL], "search", None) is None
    server_side = [d for d in _dependencies(app) if not d.get("clientside_function")]
    assert server_side and all(d["prevent_initial_call"] for d in server_side)
    result = _sync(dataset, link, _values(dataset), ids.URL)  # what the browser sends when it reports it
    assert "nationality=India" in result["store"] and result["values"][C.NATIONALITY.id] == ["India"]


def test_dropdowns_open_with_their_chosen_options_and_get_their_lists_in_the_browser(app):
    """Dash's dropdown indexes all the options it is given before the page can draw; the layout gives
    each only its chosen ones and a store the full lists, which page.js fills in once the charts are drawn."""
    with app.server.test_request_context("/_dash-layout", headers={"Referer": "http://h/?nationality=India"}):
        page_layout = app.layout()
    stored = page_layout[ids.DROPDOWN_LISTS].data
    # what each listed dropdown is drawn with: its chosen options (page.js keeps a list the server sent since)
    assert stored["drawn"][C.NATIONALITY.id] == ["India"] and set(stored["drawn"]) == set(stored["lists"]) | set(
        stored["same_as"]
    )
    # page.js says when every list is in (until then the URL callback sends a list with each new value)
    assert stored["filled"] == ids.LISTS_FILLED and page_layout[ids.LISTS_FILLED].data is False
    # each list once: a dropdown whose list another has names that one; one drawn whole is not there
    assert not set(stored["lists"]) & set(stored["same_as"]) and stored["same_as"][C.END.id] == C.START.id
    whole = set(stored["ids"]) - set(stored["lists"]) - set(stored["same_as"])
    assert whole == {c.id for c in C.FILTERS}  # OHSS breaks none of them out: "All" is all they offer
    assert all(page_layout[cid].options == [{"label": "All", "value": "All"}] for cid in whole)
    lists = {cid: stored["lists"][stored["same_as"].get(cid, cid)] for cid in stored["ids"] if cid not in whole}
    # Every month from the workbook's first (October 1999) to the end of the year of the last month any
    # source has (CBP's August 2025): 26 years and 3 months. Every citizenship the workbook names.
    months = [o["value"] for o in lists[C.START.id]]
    assert (months[0], months[-1], len(months)) == ("1999-10", "2025-12", 26 * 12 + 3)
    nationalities = lists[C.NATIONALITY.id]
    assert nationalities[0] == {"label": "All nationalities (the region's total)", "value": "All"}
    assert len(nationalities[1:]) == official.ohss_sheet("Monthly Citizenship")["Citizenship"].nunique() == 136
    for component_id in lists:
        dropdown = page_layout[component_id]
        chosen = dropdown.value if isinstance(dropdown.value, list) else [dropdown.value]
        assert [o["value"] for o in dropdown.options] == [
            o["value"] for o in lists[component_id] if o["value"] in chosen
        ]
    assert page_layout[C.NATIONALITY.id].options == [{"label": "India", "value": "India"}]
    # page.js fills them once on load (the layout's list of what it runs then), from this store
    assert {"function": "border.fill_dropdowns", "arguments": [[ids.DROPDOWN_LISTS, "data"]], "outputs": []} in (
        page_layout[ids.ON_LOAD].data
    )
    assert stored["ids"] == list(C.DROPDOWNS)
    # Without a known address the URL callback may send other lists on load: the page has them all.
    with app.server.test_request_context("/_dash-layout"):
        unknown = app.layout()
    assert unknown[ids.DROPDOWN_LISTS].data is None and unknown[C.START.id].options == lists[C.START.id]
    assert unknown[ids.LISTS_FILLED].data is True


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?nationality=India&nationality=China&region=All&from=2021-01&to=2024-06&basis=fiscal",
        "?source=cbp-swb&nationality=Mexico&component=Office%20of%20Field%20Operations&basis=fiscal",
        "?from=2024-11&to=2024-11&measure=share&scale=log&tab=table",
        "?nationality=Ecuador&from=2001-03&to=2009-12&rise=2003:2007",
        "?source=cbp-swb&from=2019-01&to=2020-06&events=off",
    ],
)
def test_option_lists_are_memoized_on_only_what_they_follow(dataset, query):
    """Each control's list, memoized on the view fields it declares it follows (``options_follow``), is the
    list its function gives for the whole view: a list that followed anything else would differ here."""
    state, _ = page.from_query(query, dataset)
    lists = page.option_lists(dataset, state)
    table = dataset.served(state.source)
    for control in C.CONTROLS:
        if control.options is not None:
            for cid in control.component_ids:
                assert lists[cid] == control.options(dataset, table, state), (query, control.id)
    assert page.option_lists(dataset, state) == lists  # the second time, from the memo


def test_the_option_lists_memo_goes_with_its_release():
    """A release the app no longer serves (``update`` made another current) is not kept by the memo."""
    import gc
    import weakref

    release = store.load()
    assert page.option_lists(release, ViewState())[C.NATIONALITY.id]
    gone = weakref.ref(release)
    del release
    gc.collect()
    assert gone() is None


def test_sync_sends_dropdown_lists_only_when_they_change(dataset):
    """The lists follow the source and the year basis; a new nationality or window keeps them."""
    same = _sync(dataset, SHOWN, _values(dataset, **{C.NATIONALITY.id: ["India"]}), C.NATIONALITY.id)
    assert same["options"] and all(x is no_update for x in same["options"].values())
    other = _sync(dataset, SHOWN, _values(dataset, **{C.BASIS.id: "fiscal"}), C.BASIS.id)
    years = other["options"][C.RISE.component_ids[0]]
    assert years[0]["label"].startswith("FY")


def test_before_the_lists_are_filled_a_dropdown_given_a_value_gets_its_list_with_it(dataset):
    """A link or Back in the page's first moments, while each dropdown holds only the options it was drawn
    with (Dash's dropdown drops a value it has no option for, and the view came out empty): each dropdown
    whose value the address changes gets its full list in the same answer, and only then."""
    drawn = page.control_values(dataset, from_query(SHOWN, dataset)[0])
    link = "?nationality=India&nationality=China&region=All&from=2021-01&to=2024-06&basis=fiscal"
    early = callbacks.sync_url_and_controls(dataset, link, drawn, SHOWN, ids.URL, filled=False)
    later = callbacks.sync_url_and_controls(dataset, link, drawn, SHOWN, ids.URL, filled=True)
    assert early["values"][C.START.id] == "2021-01" and early["values"][C.END.id] == "2024-06"
    for cid in (C.NATIONALITY.id, C.START.id, C.END.id):
        held = {o["value"] for o in early["options"][cid]}
        new = early["values"][cid]
        assert set(new if isinstance(new, list) else [new]) <= held, cid
        assert early["options"][cid] == page.option_lists(dataset, from_query(link, dataset)[0])[cid]
    assert later["options"][C.START.id] is no_update and later["options"][C.NATIONALITY.id] is no_update
    assert early["options"][C.SOURCE.component_ids[0]] is no_update  # the same source: its drawn list holds it
    assert early["values"] == later["values"] and early["store"] == later["store"]
    assert set(early["options"]) == set(C.DROPDOWNS)


PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)
DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.mark.parametrize(
    ("headers", "narrow"),
    [
        ({"User-Agent": PHONE_UA}, True),
        ({"User-Agent": DESKTOP_UA, "Sec-CH-UA-Mobile": "?1"}, True),  # the client hint decides
        ({"User-Agent": PHONE_UA, "Sec-CH-UA-Mobile": "?0"}, False),
        ({"User-Agent": DESKTOP_UA}, False),
        ({}, False),
    ],
)
def test_a_phones_layout_comes_drawn_for_a_phone(app, dataset, builder, headers, narrow):
    """The layout a phone asks for has its charts drawn narrow (and says so in the viewport store), so that
    the page need not ask for them again once it knows its width."""
    link = "?nationality=China&nationality=India"
    with app.server.test_request_context("/_dash-layout", headers={"Referer": "http://127.0.0.1/" + link, **headers}):
        page_layout = app.layout()
    assert page_layout[ids.VIEWPORT].data == ("narrow" if narrow else "wide")
    drawn = page_layout[ids.RISE].figure
    assert drawn == page.content(dataset, builder, page_layout[ids.SELECTION].data, narrow=narrow)["figures"][ids.RISE]
    assert (drawn.layout.legend.x == 0) == narrow  # a phone: the legend under the plot, not beside it
    answer = app.server.test_client().get("/_dash-layout", headers={"Referer": "http://127.0.0.1/" + link, **headers})
    assert {"sec-ch-ua-mobile", "user-agent"} <= {v.strip().lower() for v in answer.headers["Vary"].split(",")}


def test_no_callback_runs_on_load_and_page_js_runs_what_follows_the_selection_as_its_callback_would(app):
    """Every callback waits for a change (each one Dash's renderer runs on load held the first view back);
    what the page needs on load it runs itself (``callbacks.ON_LOAD``): the same clientside function the
    selection's callback calls, with that callback's arguments and outputs."""
    registered = _dependencies(app)
    assert [d["output"] for d in registered if not d.get("prevent_initial_call")] == []
    clientside = [d for d in registered if d.get("clientside_function")]
    follow = next(d for d in clientside if d["clientside_function"]["function_name"] == "follow_selection")
    spec = callbacks.FOLLOW_SELECTION
    assert spec in callbacks.ON_LOAD
    assert (
        follow["clientside_function"]["namespace"] + "." + follow["clientside_function"]["function_name"]
        == (spec["function"])
    )
    assert follow["output"] == ".." + "...".join(f"{cid}.{prop}" for cid, prop in spec["outputs"]) + ".."
    arguments = [[i["id"], i["property"]] for i in follow["inputs"] + follow["state"]]
    assert arguments == spec["arguments"]
    with app.server.test_request_context("/_dash-layout", headers={"Referer": "http://127.0.0.1/?nationality=China"}):
        page_layout = app.layout()
    assert page_layout[ids.ON_LOAD].data == [dict(routine) for routine in callbacks.ON_LOAD]
    for routine in callbacks.ON_LOAD:  # every argument is in the layout for page.js to read
        for cid, _ in routine["arguments"]:
            assert page_layout[cid] is not None
