"""Callbacks: parse the inputs, call the state, view, chart and export functions, return. Nothing more.

Each callback is a plain function of this module that takes what it needs as arguments, the triggering
input included, so that a test calls it directly. ``register(app, current)`` (called by ``create_app()``)
wires them to one app instance; ``current()`` gives the release to serve (``live.Served``), taken once per
request. Their inputs and outputs are dicts generated from the control table (``controls.CONTROLS``), not
positions.
"""

from __future__ import annotations

from collections.abc import Callable

from dash import ALL as ALL_MATCH
from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from border_dashboard.components import charts, export, ids, panels
from border_dashboard.components import controls as C
from border_dashboard.components.live import Served
from border_dashboard.components.page import content, controls, option_lists
from border_dashboard.components.state import from_query
from border_dashboard.components.view import ViewBuilder
from border_dashboard.data.store import Dataset

HIDEABLE = tuple(c.wrapper_id for c in C.CONTROLS if c.hideable)


def sync_url_and_controls(
    dataset: Dataset, search, values: dict, shown: str | None, triggered, filled: bool = True
) -> dict:
    """URL <-> controls: a control change writes the address; an address (load, link, back) sets the
    controls. ``triggered``: the id of the component that changed (None on load).

    ``filled``: whether every dropdown holds its full list yet (page.js fills them in after the charts).
    Before, a dropdown holds only the options it was drawn with, and Dash's dropdown drops a value it has
    no option for: a link or Back in the page's first moments (seconds, on a slow phone) came out as an
    empty view. Until then a dropdown given a new value is given its full list with it."""
    if triggered in values and values[triggered] is None:
        # A dropdown that cleared itself (Dash drops a value missing from its options) is not a choice.
        raise PreventUpdate
    result = controls(dataset, search, values, triggered, shown)
    if result.store == shown and triggered in (None, ids.URL):
        raise PreventUpdate  # the page already shows what the URL asks for (drawn with the layout)
    # the lists the shown view had, of the controls whose lists follow the view (what ``controls`` sends)
    before = option_lists(dataset, from_query(shown, dataset)[0], C.FOLLOWING_THE_VIEW) if shown else {}
    # the dropdowns given a new value while they may hold only the options they were drawn with
    changed = [cid for cid in C.DROPDOWNS if cid in result.values and values.get(cid) != result.values[cid]]
    given = {} if filled or not changed else {cid: option_lists(dataset, result.state)[cid] for cid in changed}
    return {
        "search": result.search,
        "store": result.store,
        "notice": [html.P(n) for n in result.notices],
        # Only the values that changed: setting a control to the value it has re-renders it all the same
        # (a dropdown of 200 nationalities among them), before the redraw is even asked for.
        "values": {cid: no_update if values.get(cid) == new else new for cid, new in result.values.items()},
        # Only the lists that changed: a dropdown given a list builds its search index anew.
        "options": {
            cid: given[cid] if cid in given else no_update if before.get(cid) == new else new
            for cid, new in {**dict.fromkeys(C.DROPDOWNS), **result.options}.items()
        },
        "styles": result.styles,
        "rise_note": result.rise_note,
    }


def render_view(dataset: Dataset, builder: ViewBuilder, query: str | None, viewport=None) -> dict:
    """The charts, numbers and citations of the stored selection; ``viewport`` "narrow": for a phone. The
    figures come as the JSON-ready dicts Dash sends (``figures._builder``), not as ``go.Figure``."""
    result = content(dataset, builder, query, narrow=viewport == "narrow", plain=True)
    return {
        "figures": result["figures"],
        "configs": result["configs"],
        "styles": result["styles"],
        "headline": result["headline"],
        "sentence": result["sentence"],
        "provenance": result["provenance"],
        "title": result["title"],
    }


def download_csv(dataset: Dataset, builder: ViewBuilder, query: str | None) -> dict:
    """The data behind the view, as the CSV file the browser saves."""
    state, _ = from_query(query, dataset)
    view = builder.build(state)
    text = export.csv_text(view, dataset.provenance[state.source])
    return dcc.send_string(text, charts.file_stem(view, "data") + ".csv", type="text/csv")


def render_panel(dataset: Dataset, builder: ViewBuilder, tab: str, query: str | None) -> list:
    """The panel of tab ``tab`` for the stored selection (its gate passes the selection only while the tab
    is shown: see ``register``)."""
    state, _ = from_query(query, dataset)
    return panels.panel_contents(tab, dataset, builder, state)


PANEL_TABS = tuple(tab for tab, _ in C.TABS if tab in panels.PANELS)
"""The tabs whose panel a callback draws (all but the chart's)."""

FOLLOW_SELECTION = {
    "function": "border.follow_selection",
    # the selection, then what the function compares it with: [component id, property] each
    "arguments": [
        [ids.SELECTION, "data"],
        [ids.VIEWPORT, "data"],
        [ids.EMBED_CODE, "value"],
        *[[ids.PANELS[tab], "id"] for tab in PANEL_TABS],
        *[[ids.PANEL_GATES[tab], "data"] for tab in PANEL_TABS],
    ],
    "outputs": [
        [ids.ADDRESS, "data"],
        [ids.VIEWPORT, "data"],
        [ids.EMBED_CODE, "value"],
        *[[ids.PANEL_GATES[tab], "data"] for tab in PANEL_TABS],
    ],
}
"""What follows the selection in the browser, in one clientside function: the address bar shows the
view's canonical address (a hand-typed or corrected link is rewritten in place, without a new history
entry); the viewport is "narrow" where the chart cards are narrow (a phone), which redraws the charts
for it (a change of the window's width sets it too); the <iframe> snippet gets the server's address; the
gate of each tab's panel passes the selection to the panel's callback only while the tab is shown (once
dash-ag-grid's script, left out of the page, is loaded, for a tab with a grid), so that the chart tab
makes no request for the others."""

ON_LOAD = (
    {"function": "border.fill_dropdowns", "arguments": [[ids.DROPDOWN_LISTS, "data"]], "outputs": []},
    FOLLOW_SELECTION,
)
"""The clientside functions page.js runs once on load, when the charts on screen are drawn, reading their
arguments from the layout and setting their outputs (``set_props``): each dropdown gets its full list,
and what follows the selection follows it. Not as Dash callbacks run on load: Dash's renderer has every
component check each step of every callback it runs (nine of them on load held the first view back by
a tenth); the page sends the list in its store ``ids.ON_LOAD``."""


def register(app: Dash, current: Callable[[], Served]) -> None:
    """Wire the callbacks above to ``app``: each app instance gets its own. Each request reads the release
    ``current()`` gives at its start, and that one only."""

    @app.callback(
        output={
            "search": Output(ids.URL, "search"),
            "store": Output(ids.SELECTION, "data"),
            "notice": Output(ids.NOTICE, "children"),
            "values": {cid: Output(cid, "value") for cid in C.COMPONENT_IDS},
            # first set by page.js's fill_dropdowns (``ON_LOAD``)
            "options": {cid: Output(cid, "options", allow_duplicate=True) for cid in C.DROPDOWNS},
            "styles": {wrapper: Output(wrapper, "style") for wrapper in HIDEABLE},
            "rise_note": Output(ids.RISE_NOTE, "children"),
        },
        inputs={
            "search": Input(ids.URL, "search"),
            "values": {cid: Input(cid, "value") for cid in C.COMPONENT_IDS},
            "shown": State(ids.SELECTION, "data"),
            "filled": State(ids.LISTS_FILLED, "data"),
        },
        prevent_initial_call=True,  # the layout comes drawn for its URL
    )
    def _sync(search, values, shown, filled):
        return sync_url_and_controls(current().dataset, search, values, shown, ctx.triggered_id, filled is not False)

    # In the browser: the tab's title names the view (placeholder output, never set).
    app.clientside_callback(
        ClientsideFunction(namespace="border", function_name="show_title"),
        Output(ids.TITLE_SHOWN, "data"),
        Input(ids.PAGE_TITLE, "data"),
        prevent_initial_call=True,  # the first HTML has the view's title
    )

    # In the browser, whenever the selection changes (and once on load, ``ON_LOAD``): what follows it
    # there (page.js: follow_selection).
    app.clientside_callback(
        ClientsideFunction(*FOLLOW_SELECTION["function"].split(".")),
        [Output(cid, prop) for cid, prop in FOLLOW_SELECTION["outputs"]],
        Input(*FOLLOW_SELECTION["arguments"][0]),
        *[State(cid, prop) for cid, prop in FOLLOW_SELECTION["arguments"][1:]],
        prevent_initial_call=True,
    )

    # In the browser: "Copy link" puts the view's address on the clipboard and says so (or shows it);
    # another view clears the message, which was about the link before.
    app.clientside_callback(
        ClientsideFunction(namespace="border", function_name="copy_link"),
        Output(ids.COPY_LINK_STATUS, "children"),
        Input(ids.COPY_LINK_BUTTON, "n_clicks"),
        Input(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        output={
            "figures": {chart: Output(chart, "figure") for chart in ids.CHARTS},
            "configs": {chart: Output(chart, "config") for chart in ids.CHARTS},
            "styles": {chart: Output(chart, "style") for chart in ids.CHARTS},
            "headline": Output(ids.HEADLINE, "children"),
            "sentence": Output(ids.SENTENCE, "children"),
            "provenance": Output(ids.SOURCE_LINE, "children"),
            "title": Output(ids.PAGE_TITLE, "data"),
        },
        inputs={"query": Input(ids.SELECTION, "data"), "viewport": Input(ids.VIEWPORT, "data")},
        prevent_initial_call=True,  # the layout comes drawn
    )
    def _render(query, viewport):
        served = current()
        return render_view(served.dataset, served.builder, query, viewport)

    @app.callback(
        Output(ids.DOWNLOAD_CSV, "data"),
        Input(ids.DOWNLOAD_CSV_BUTTON, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def _download_csv(_clicks, query):
        served = current()
        return download_csv(served.dataset, served.builder, query)

    # In the browser: the panel of the tab in the selection is shown, the others hidden.
    app.clientside_callback(
        ClientsideFunction(namespace="border_tabs", function_name="show_panels"),
        [Output(ids.PANELS[tab], "hidden") for tab, _ in C.TABS],
        Input(ids.SELECTION, "data"),
        [State(ids.PANELS[tab], "id") for tab, _ in C.TABS],
        prevent_initial_call=True,  # the layout comes with the right one shown
    )

    for tab in PANEL_TABS:
        _register_panel(app, current, tab)

    # In the browser: each chart's download links point at its image URL for the view shown (the same
    # /export route any reader may use, bounded by the app's renderer; see ``images``).
    app.clientside_callback(
        ClientsideFunction(namespace="border", function_name="export_links"),
        Output({"type": ids.EXPORT_LINK, "chart": ALL_MATCH, "format": ALL_MATCH}, "href"),
        Input(ids.SELECTION, "data"),
        State({"type": ids.EXPORT_LINK, "chart": ALL_MATCH, "format": ALL_MATCH}, "id"),
        prevent_initial_call=True,  # the layout comes with them
    )


def _register_panel(app: Dash, current: Callable[[], Served], tab: str) -> None:
    """The callback drawing tab ``tab``'s panel from its gate (one function per tab, for its own tab)."""

    @app.callback(
        Output(ids.PANELS[tab], "children"),
        Input(ids.PANEL_GATES[tab], "data"),
        prevent_initial_call=True,
    )
    def _panel(query):
        served = current()
        return render_panel(served.dataset, served.builder, tab, query)
