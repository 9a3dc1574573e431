"""Callbacks: parse the inputs, call the state, view, chart and export functions, return. Nothing more.

``register(app, dataset, builder)`` is called by ``create_app()``, so each app instance has its own.
"""

from __future__ import annotations

from dash import ALL as ALL_MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import charts, export, ids
from components.layout import FILTERS, nationality_options, region_options, year_options
from components.state import ViewState, from_query, to_query
from components.view import ViewBuilder, headline, sentence
from data import analysis
from data.schema import ALL, Encounters as E
from data.store import Dataset

CONTROLS = (ids.SOURCE, ids.NATIONALITY, ids.REGION, ids.START, ids.END, ids.BASIS, ids.RISE_FROM, ids.RISE_TO,
            ids.EVENTS, ids.COMPONENT, ids.DEMOGRAPHIC, ids.AREA)
OPTIONS = (ids.NATIONALITY, ids.REGION, ids.RISE_FROM, ids.RISE_TO, *FILTERS)  # months are fixed
HIDDEN, SHOWN = {"display": "none"}, {}


def controls_query(values: dict) -> str:
    """The query string the controls describe (validated afterwards, like any URL)."""
    filters = tuple((FILTERS[c], values[c]) for c in FILTERS if values.get(c) not in (None, ALL))
    rise = None
    if values.get(ids.RISE_FROM) and values.get(ids.RISE_TO):
        rise = (int(values[ids.RISE_FROM]), int(values[ids.RISE_TO]))
    nationalities = values.get(ids.NATIONALITY) or []
    if isinstance(nationalities, str):
        nationalities = [nationalities]
    state = ViewState(
        source=values.get(ids.SOURCE) or ViewState().source,
        nationalities=tuple(str(n) for n in nationalities),
        region=values.get(ids.REGION) or ViewState().region,
        start=values.get(ids.START) or ViewState().start,
        end=values.get(ids.END) or ViewState().end,
        basis=values.get(ids.BASIS) or "calendar",
        filters=filters,
        rise=rise,
        events=bool(values.get(ids.EVENTS)),
    )
    return to_query(state)


def sync(dataset: Dataset, search: str | None, values: dict, triggered: str | None) -> dict:
    """URL <-> controls. A control change writes the URL; a URL (load, link, back) sets the controls."""
    from_url = triggered in (None, ids.URL)
    state, notices = from_query(search if from_url else controls_query(values), dataset)
    table = dataset.served(state.source)
    years = sorted(set(analysis.year_of(analysis.window_months(table, state.selection), state.basis)))
    rise = state.rise if state.rise and set(state.rise) <= set(years) else (
        (years[0], years[1]) if len(years) >= 2 else (None, None))
    chosen = dict(state.filters)
    filter_values, filter_options, filter_styles = {}, {}, {}
    for control_id, column in FILTERS.items():
        values_of = analysis.filterable(table, column)
        filter_options[control_id] = [{"label": "All", "value": ALL}] + [{"label": v, "value": v} for v in values_of]
        filter_values[control_id] = chosen.get(column, ALL)
        filter_styles[control_id] = SHOWN if values_of else HIDDEN
    query = to_query(state)
    return {
        "search": no_update if from_url else query,
        "store": query,
        "notice": [html.P(n) for n in notices],
        "values": {
            ids.SOURCE: state.source,
            ids.NATIONALITY: list(state.nationalities),
            ids.REGION: state.region,
            ids.START: state.start,
            ids.END: state.end,
            ids.BASIS: state.basis,
            ids.RISE_FROM: rise[0],
            ids.RISE_TO: rise[1],
            ids.EVENTS: ["on"] if state.events else [],
            **filter_values,
        },
        "options": {
            ids.NATIONALITY: nationality_options(dataset, table),
            ids.REGION: region_options(dataset, table),
            ids.RISE_FROM: year_options(dataset, state.basis),
            ids.RISE_TO: year_options(dataset, state.basis),
            **filter_options,
        },
        "styles": filter_styles,
    }


def render(dataset: Dataset, builder: ViewBuilder, query: str | None) -> dict:
    """Everything the page shows for the stored selection."""
    state, _ = from_query(query, dataset)
    view = builder.build(state)
    figures = charts.build_charts(view)
    configs = {
        chart: {
            "displaylogo": False,
            "responsive": True,
            "toImageButtonOptions": {"format": "png", "filename": charts.file_stem(view, chart), "scale": 2},
        }
        for chart in ids.CHARTS
    }
    record = dataset.provenance[state.source]
    provenance = [
        html.H2("Where the numbers come from"),
        html.P([
            f"{record['publisher']}, ",
            html.A(record["title"], href=record["page"]),
            f", {record['release']}: file {record['input_file']} "
            f"(sha256 {record['input_sha256'][:12]}...), {record['first_month']} to {record['last_month']}. ",
            record["rounding"],
        ]),
        html.P("Totals of all nationalities come from the publisher's own totals, never from adding "
               "rounded parts. Year basis: " + view.basis_label + "."),
    ]
    if len(view.events):
        provenance.append(html.H3("Dated events"))
        provenance.append(html.Ol([
            html.Li(f"{row.date:%d %B %Y}: {row.event} (source: {row.source})") for row in view.events.itertuples()
        ]))
    return {
        "figures": figures,
        "configs": configs,
        "headline": [html.Div([html.Dt(label), html.Dd(value)], className="stat") for label, value in headline(view)],
        "sentence": sentence(view),
        "provenance": provenance,
    }


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
        *[Output(c, "options") for c in OPTIONS],
        *[Output(ids.FILTER_WRAPPER.format(c), "style") for c in filter_ids],
        Input(ids.URL, "search"),
        *[Input(c, "value") for c in CONTROLS],
    )
    def sync_url_and_controls(search, *values):
        values = dict(zip(CONTROLS, values))
        if ctx.triggered_id in values and values[ctx.triggered_id] is None:
            # A dropdown that cleared itself (Dash drops a value missing from its options) is not a choice.
            raise PreventUpdate
        result = sync(dataset, search, values, ctx.triggered_id)
        return (
            result["search"], result["store"], result["notice"],
            *[result["values"][c] for c in CONTROLS],
            *[result["options"][c] for c in OPTIONS],
            *[result["styles"][c] for c in filter_ids],
        )

    @app.callback(
        *[Output(chart, "figure") for chart in ids.CHARTS],
        *[Output(chart, "config") for chart in ids.CHARTS],
        Output(ids.HEADLINE, "children"),
        Output(ids.SENTENCE, "children"),
        Output(ids.SOURCE_LINE, "children"),
        Input(ids.SELECTION, "data"),
    )
    def render_view(query):
        result = render(dataset, builder, query)
        return (
            *[result["figures"][c] for c in ids.CHARTS],
            *[result["configs"][c] for c in ids.CHARTS],
            result["headline"], result["sentence"], result["provenance"],
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
        Input({"type": ids.EXPORT_BUTTON, "chart": ALL_MATCH, "format": ALL_MATCH}, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def download_image(clicks, query):
        if not ctx.triggered_id or not any(clicks):
            return no_update
        return image_download(dataset, builder, query, ctx.triggered_id["chart"], ctx.triggered_id["format"])
