"""What the page shows for a view: control values and options, figures, numbers and citations.

Both the first page load (``layout``) and every later change (``callbacks``) build the page from here,
so a shared link is drawn at once, and the same way a click would draw it.
"""

from __future__ import annotations

import pandas as pd
from dash import html, no_update

from border_dashboard.components import charts, ids
from border_dashboard.components.state import ViewState, from_query, month_range, to_query
from border_dashboard.components.view import ViewBuilder, headline, sentence
from border_dashboard.data import analysis
from border_dashboard.data.schema import ALL, ALL_REGIONS
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.served import ServedTable
from border_dashboard.data.sources import SOURCES
from border_dashboard.data.store import Dataset

FILTERS = {ids.COMPONENT: E.component, ids.DEMOGRAPHIC: E.demographic, ids.AREA: E.area_of_responsibility}
CONTROLS = (
    ids.SOURCE,
    ids.NATIONALITY,
    ids.REGION,
    ids.START,
    ids.END,
    ids.BASIS,
    ids.RISE_FROM,
    ids.RISE_TO,
    ids.EVENTS,
    ids.COMPONENT,
    ids.DEMOGRAPHIC,
    ids.AREA,
)
OPTIONS = (ids.NATIONALITY, ids.REGION, ids.RISE_FROM, ids.RISE_TO, *FILTERS)  # months are fixed
DROPDOWNS = (ids.SOURCE, ids.NATIONALITY, ids.REGION, ids.START, ids.END, ids.RISE_FROM, ids.RISE_TO, *FILTERS)
HIDDEN, SHOWN = {"display": "none"}, {}


def _text(value, default: str) -> str:
    """A control's value as text; anything else (a browser sends whatever it likes) is the default."""
    return value if isinstance(value, str) and value else default


def _year(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def controls_query(values: dict) -> str:
    """The query string the controls describe (validated afterwards, like any URL)."""
    default = ViewState()
    filters = tuple((FILTERS[c], values[c]) for c in FILTERS if isinstance(values.get(c), str) and values[c] != ALL)
    first, second = _year(values.get(ids.RISE_FROM)), _year(values.get(ids.RISE_TO))
    nationalities = values.get(ids.NATIONALITY) or []
    if isinstance(nationalities, str):
        nationalities = [nationalities]
    if not isinstance(nationalities, list):
        nationalities = []
    state = ViewState(
        source=_text(values.get(ids.SOURCE), default.source),
        nationalities=tuple(n for n in nationalities if isinstance(n, str)),
        region=_text(values.get(ids.REGION), default.region),
        start=_text(values.get(ids.START), default.start),
        end=_text(values.get(ids.END), default.end),
        basis=_text(values.get(ids.BASIS), default.basis),
        filters=filters,
        rise=(first, second) if first is not None and second is not None else None,
        events=bool(values.get(ids.EVENTS)),
    )
    return to_query(state)


def controls(dataset: Dataset, search: str | None, values: dict, triggered: str | None) -> dict:
    """URL <-> controls. A control change writes the URL; a URL (load, link, back) sets the controls."""
    from_url = triggered in (None, ids.URL)
    state, notices = from_query(search if from_url else controls_query(values), dataset)
    table = dataset.served(state.source)
    years = analysis.year_of(analysis.window_months(table, state.selection), state.basis)
    rise = analysis.choose_rise_years(years, state.rise) or (None, None)
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
        "state": state,
    }


def content(dataset: Dataset, builder: ViewBuilder, query: str | None) -> dict:
    """Everything the page shows for the stored selection."""
    state, _ = from_query(query, dataset)
    view = builder.build(state)
    figures = charts.build_charts(view)
    configs = {
        chart: {
            "displaylogo": False,
            "modeBarButtonsToRemove": ["select2d", "lasso2d"],  # selecting points has no use here
            "responsive": True,
            "toImageButtonOptions": {"format": "png", "filename": charts.file_stem(view, chart), "scale": 2},
        }
        for chart in ids.CHARTS
    }
    record = dataset.provenance[state.source]
    provenance = [
        html.H2("Where the numbers come from"),
        html.P(
            [
                f"{record['publisher']}, ",
                html.A(record["title"], href=record["page"]),
                f", {record['release']}: file {record['input_file']} "
                f"(sha256 {record['input_sha256'][:12]}...), {record['first_month']} to {record['last_month']}. ",
                record["rounding"],
            ]
        ),
        html.P(
            "Totals of all nationalities come from the publisher's own totals, never from adding "
            "rounded parts. Year basis: " + view.basis_label + "."
        ),
    ]
    if len(view.events):
        provenance.append(html.H3("Dated events"))
        provenance.append(
            html.Ol(
                [
                    html.Li(f"{row.date:%d %B %Y}: {row.event} (source: {row.source})")
                    for row in view.events.itertuples()
                ]
            )
        )
    return {
        "figures": figures,
        "configs": configs,
        "headline": [html.Div([html.Dt(label), html.Dd(value)], className="stat") for label, value in headline(view)],
        "sentence": sentence(view),
        "provenance": provenance,
    }


def all_values(dataset: Dataset, column: str) -> list[str]:
    """A dimension's values across every source, so a control's options never lose a chosen value.

    (Dash's dropdown drops a value missing from its current options, even when the same update brings
    the new options; so options stay the same set and those the source lacks are only disabled.)
    """
    return sorted({v for table in (dataset.served(s) for s in dataset.tables) for v in analysis.choices(table, column)})


def dropdown_lists(dataset: Dataset, initial: dict) -> dict[str, list[dict]]:
    """Every dropdown's options for the page ``controls`` describes."""
    sources = [{"label": SOURCES[s].label, "value": s} for s in dataset.sources]
    months = month_options(dataset)
    return {ids.SOURCE: sources, ids.START: months, ids.END: months, **initial["options"]}


def same_lists(dataset: Dataset, before: str | None, after: ViewState) -> bool:
    """Whether the dropdowns of the selection ``before`` offer the lists ``after`` needs: those follow the
    source and year basis only. Sending a dropdown the list it has costs the browser a new search index."""
    if not before:
        return False
    old, _ = from_query(before, dataset)
    return (old.source, old.basis) == (after.source, after.basis)


def chosen_options(options: list[dict], value) -> list[dict]:
    """The options a dropdown shows as chosen: all it needs to be drawn (Dash drops a value it lacks)."""
    values = value if isinstance(value, list) else [value]
    return [o for o in options if o["value"] in values]


def month_options(dataset: Dataset) -> list[dict]:
    first, last = month_range(dataset)
    months = pd.date_range(first, last, freq="MS")
    return [{"label": f"{m:%b %Y} ({m:%Y-%m})", "value": f"{m:%Y-%m}"} for m in months]


def year_options(dataset: Dataset, basis: str) -> list[dict]:
    first, last = month_range(dataset)
    years = range(int(first[:4]), int(last[:4]) + 2)
    return [{"label": analysis.year_label(y, basis), "value": y} for y in years]


def nationality_options(dataset: Dataset, table: ServedTable) -> list[dict]:
    present = set(analysis.choices(table, E.nationality))
    ordered = sorted(all_values(dataset, E.nationality), key=lambda n: n not in present)  # present first
    return [
        {"label": n if n in present else f"{n} (not in this source)", "value": n, "disabled": n not in present}
        for n in ordered
    ]


def region_options(dataset: Dataset, table: ServedTable) -> list[dict]:
    present = set(analysis.choices(table, E.region))
    return [{"label": ALL_REGIONS, "value": ALL}] + [
        {"label": r if r in present else f"{r} (not in this source)", "value": r, "disabled": r not in present}
        for r in all_values(dataset, E.region)
    ]
