"""Callbacks: parse the inputs, call the state, view, chart and export functions, return. Nothing more.

``register(app, dataset, builder)`` is called by ``create_app()``, so each app instance has its own.
"""

from __future__ import annotations

from dash import ALL as ALL_MATCH
from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from border_dashboard.components import charts, export, ids
from border_dashboard.components.page import CONTROLS, DROPDOWNS, FILTERS, OPTIONS, content, controls, same_lists
from border_dashboard.components.state import from_query
from border_dashboard.components.view import ViewBuilder
from border_dashboard.data.store import Dataset


def csv_download(dataset: Dataset, builder: ViewBuilder, query: str | None) -> dict:
    state, _ = from_query(query, dataset)
    view = builder.build(state)
    text = export.csv_text(view, dataset.provenance[state.source])
    return dcc.send_string(text, charts.file_stem(view, "data") + ".csv", type="text/csv")


def image_download(dataset: Dataset, builder: ViewBuilder, query: str | None, chart: str, fmt: str) -> dict:
    state, _ = from_query(query, dataset)
    view = builder.build(state)
    figure = charts.build_charts(view)[chart]
    return dcc.send_bytes(export.image_bytes(figure, fmt), f"{charts.file_stem(view, chart)}.{fmt}")


def register(app: Dash, dataset: Dataset, builder: ViewBuilder) -> None:
    filter_ids = list(FILTERS)

    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.SELECTION, "data"),
        Output(ids.NOTICE, "children"),
        *[Output(c, "value") for c in CONTROLS],
        *[Output(c, "options", allow_duplicate=True) for c in OPTIONS],  # first set by fill_dropdowns
        *[Output(ids.FILTER_WRAPPER.format(c), "style") for c in filter_ids],
        Input(ids.URL, "search"),
        *[Input(c, "value") for c in CONTROLS],
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,  # the layout comes drawn for its URL
    )
    def sync_url_and_controls(search, *values_and_shown):
        *values, shown = values_and_shown
        values = dict(zip(CONTROLS, values))
        if ctx.triggered_id in values and values[ctx.triggered_id] is None:
            # A dropdown that cleared itself (Dash drops a value missing from its options) is not a choice.
            raise PreventUpdate
        result = controls(dataset, search, values, ctx.triggered_id)
        if result["store"] == shown and ctx.triggered_id in (None, ids.URL):
            raise PreventUpdate  # the page already shows what the URL asks for (drawn with the layout)
        keep_lists = same_lists(dataset, shown, result["state"])
        return (
            result["search"],
            result["store"],
            result["notice"],
            *[result["values"][c] for c in CONTROLS],
            *[no_update if keep_lists else result["options"][c] for c in OPTIONS],
            *[result["styles"][c] for c in filter_ids],
        )

    # In the browser, once the charts are drawn: each dropdown gets its full list (layout: _controls).
    app.clientside_callback(
        ClientsideFunction(namespace="border", function_name="fill_dropdowns"),
        *[Output(c, "options") for c in DROPDOWNS],
        Input(ids.DROPDOWN_LISTS, "data"),
    )

    @app.callback(
        *[Output(chart, "figure") for chart in ids.CHARTS],
        *[Output(chart, "config") for chart in ids.CHARTS],
        Output(ids.HEADLINE, "children"),
        Output(ids.SENTENCE, "children"),
        Output(ids.SOURCE_LINE, "children"),
        Input(ids.SELECTION, "data"),
        prevent_initial_call=True,  # the layout comes drawn
    )
    def render_view(query):
        result = content(dataset, builder, query)
        return (
            *[result["figures"][c] for c in ids.CHARTS],
            *[result["configs"][c] for c in ids.CHARTS],
            result["headline"],
            result["sentence"],
            result["provenance"],
        )

    @app.callback(
        Output(ids.DOWNLOAD_CSV, "data"),
        Input(ids.DOWNLOAD_CSV_BUTTON, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def download_csv(_clicks, query):
        return csv_download(dataset, builder, query)

    @app.callback(
        Output(ids.DOWNLOAD_IMAGE, "data"),
        Output(ids.NOTICE, "children", allow_duplicate=True),
        Input({"type": ids.EXPORT_BUTTON, "chart": ALL_MATCH, "format": ALL_MATCH}, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def download_image(clicks, query):
        button = ctx.triggered_id
        if not button or not any(clicks or []):
            return no_update, no_update
        if button.get("chart") not in ids.CHARTS or button.get("format") not in export.IMAGE_FORMATS:
            return no_update, no_update
        try:
            return image_download(dataset, builder, query, button["chart"], button["format"]), no_update
        except export.ImageExportError as error:  # say so on the page rather than fail silently
            return no_update, [html.P(str(error))]
