"""What the page shows for a view: control values and options, figures, numbers and citations.

Both the first page load (``layout``) and every later change (``callbacks``) build the page from here,
so a shared link is drawn at once, and the same way a click would draw it.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dash import html, no_update

from border_dashboard.components import charts, ids
from border_dashboard.components import controls as C
from border_dashboard.components.state import ViewState, from_query, query_from_components, to_query
from border_dashboard.components.view import ViewBuilder, headline, page_title, sentence
from border_dashboard.data import analysis
from border_dashboard.data.sources import SOURCES
from border_dashboard.data.store import Dataset

HIDDEN, SHOWN = {"display": "none"}, {}
CLOUD_BUTTONS = ("sendChartToCloud", "sendDataToCloud", "editInChartStudio")
"""The modebar buttons that would upload a chart to Plotly's servers, by their names in plotly.js 1 to 4."""
PHONE_LESS = ("zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "autoScale2d")


@dataclass(frozen=True)
class ControlsUpdate:
    """What the URL callback sets: the address, the stored selection, notices and every control.

    ``values`` and ``options`` are keyed by component id, ``styles`` by the wrapper id of each control that
    can be hidden; ``options`` holds the lists that follow the view (see ``controls.options_follow``);
    ``rise_note`` says why the compare-year controls are empty, when they are.
    """

    search: Any
    store: str
    notices: list[str]
    values: dict[str, Any]
    options: dict[str, list[dict]]
    styles: dict[str, dict]
    state: ViewState
    rise_note: str = ""


def option_lists(dataset: Dataset, state: ViewState, which=C.CONTROLS) -> dict[str, list[dict]]:
    """The option list of each control (keyed by component id) for a view."""
    lists = {}
    for control in which:
        if control.options is not None:
            follows = tuple(getattr(state, name) for name in control.options_follow)
            options = list(_option_list(dataset, control.id, follows))
            lists.update({cid: options for cid in control.component_ids})
    return lists


_CONTROLS_BY_ID = {control.id: control for control in C.CONTROLS}
_OPTION_LISTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Per release (dataset), its memo of option lists: it goes with the release, which a memo keyed by the
dataset itself would keep alive after ``update`` made another one current."""


def _option_list(dataset: Dataset, control_id: str, follows: tuple) -> tuple[dict, ...]:
    # Memoized on what the list follows (``Control.options_follow``): a control change asks for the lists
    # of the view before it and of the new one, a millisecond each, and most are the same. The function
    # is given a view with only those fields set, so that a list can follow nothing else unseen.
    memo = _OPTION_LISTS.get(dataset)
    if memo is None:
        release = weakref.ref(dataset)  # not the dataset: the memo, the dictionary's value, must not hold it
        memo = _OPTION_LISTS[dataset] = lru_cache(maxsize=1024)(
            lambda control_id, follows: _list_of(release(), control_id, follows)
        )
    return memo(control_id, follows)


def _list_of(dataset: Dataset, control_id: str, follows: tuple) -> tuple[dict, ...]:
    control = _CONTROLS_BY_ID[control_id]
    state = ViewState().with_(**dict(zip(control.options_follow, follows)))
    return tuple(control.options(dataset, dataset.served(state.source), state))


def control_values(dataset: Dataset, state: ViewState) -> dict[str, Any]:
    """Every component's value for a view. The compared years are those the view shows."""
    values = {}
    for control in C.CONTROLS:
        value = control.value_of(state)
        if control is C.RISE:
            years = analysis.window_years(dataset.served(state.source), state.selection)
            value = analysis.choose_rise_years(years, state.rise)
        values.update(control.component_values(value))
    return values


def controls(
    dataset: Dataset, search: str | None, values: dict, triggered: str | None, shown: str | None = None
) -> ControlsUpdate:
    """URL <-> controls. A control change writes the URL; a URL (load, link, back) sets the controls.

    The compare-year dropdowns show the years the view compares, which the reader may not have picked:
    they count as a choice only when the reader changed them; otherwise the shown view's choice stays.
    """
    from_url = triggered in (None, ids.URL)
    if from_url:
        query = search
    else:
        start, end = values.get(C.START.id), values.get(C.END.id)
        if isinstance(start, str) and isinstance(end, str) and start > end:
            # A From picked after the To moves the To (and the other way round): a one-month window.
            values = {**values, C.END.id: start} if triggered == C.START.id else {**values, C.START.id: end}
        if triggered not in C.RISE.component_ids:
            previous, _ = from_query(shown, dataset)
            values = {**values, **dict(zip(C.RISE.component_ids, previous.rise or (None, None)))}
        query = query_from_components(values)
    state, notices = from_query(query, dataset)
    table = dataset.served(state.source)
    counted = analysis.counted_as(table, state.nationalities)
    for asked, group in counted.items():
        if asked != group:
            notices.append(
                f"{asked} is not broken out in this source ({SOURCES[state.source].label}): it is counted in "
                f"'{group}', shown instead."
            )
    missing = [n for n in state.nationalities if n not in counted]
    if missing:
        notices.append(f"Not in this source: {', '.join(missing)}.")
    styles = {}
    lists = option_lists(dataset, state, C.FOLLOWING_THE_VIEW)
    for control in C.CONTROLS:
        if control.hideable:
            # shown where there is something to pick besides its default ("All")
            styles[control.wrapper_id] = SHOWN if len(lists.get(control.id) or ()) > 1 else HIDDEN
    query = to_query(state)
    values = control_values(dataset, state)
    shown_pair = tuple(values[cid] for cid in C.RISE.component_ids)
    return ControlsUpdate(
        search=no_update if from_url else query,
        store=query,
        notices=notices,
        values=values,
        options={cid: lists[cid] for cid in C.LISTS_FOLLOWING_THE_VIEW},
        styles=styles,
        state=state,
        rise_note=C.rise_note(dataset, table, state, None if None in shown_pair else shown_pair),
    )


def content(
    dataset: Dataset, builder: ViewBuilder, query: str | None, narrow: bool = False, *, plain: bool = False
) -> dict:
    """Everything the page shows for the stored selection; ``narrow``: charts laid out for a phone.
    ``plain``: the figures as the JSON-ready dicts they send (a callback's answer), not ``go.Figure``."""
    state, _ = from_query(query, dataset)
    view = builder.build(state)
    figures = charts.build_charts(view, narrow=narrow, plain=plain)
    # Each chart's box is exactly as tall as its figure (which has room for its title, legend and source
    # line): the drawing never spills over the caption and buttons under it.
    heights = {chart: (f["layout"]["height"] if plain else f.layout.height) for chart, f in figures.items()}
    styles = {chart: {"height": f"{heights[chart]}px"} for chart in ids.CHARTS}
    configs = {
        chart: {
            "displaylogo": False,
            # No upload to a third party: plotly.js 4 offers "Share chart..." (it sends the chart and the
            # page's address to Plotly's cloud) unless told not to; the page has its own "Copy link".
            "showSendToCloud": False,
            "showEditInChartStudio": False,
            # selecting points has no use here; on a phone fingers zoom and pan, and a full toolbar would
            # cover the chart's title: the image and "reset" buttons stay
            "modeBarButtonsToRemove": [*CLOUD_BUTTONS, "select2d", "lasso2d", *(PHONE_LESS if narrow else ())],
            "responsive": True,
            "toImageButtonOptions": {
                "format": "png",
                "filename": charts.file_stem(view, chart, as_shown=True),
                "scale": 2,
            },
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
        "styles": styles,
        "headline": headline_items(headline(view)),
        "sentence": sentence(view),
        "provenance": provenance,
        "title": page_title(view),
    }


def headline_items(items: list[tuple[str, str, str]]) -> list:
    """The headline's stats (a <dl>), each note as its tooltip, and the notes together under a disclosure."""
    stats = [
        html.Div([html.Dt(label), html.Dd(value)], className="stat", title=note or None) for label, value, note in items
    ]
    parts = [html.Dl(stats, className="headline")]
    notes = [html.Li(f"{label}: {note}") for label, _, note in items if note]
    if notes:
        parts.append(html.Details([html.Summary("How exact are these numbers?"), html.Ul(notes)], className="notes"))
    return parts


def chosen_options(options: list[dict], value) -> list[dict]:
    """The options a dropdown shows as chosen: all it needs to be drawn (Dash drops a value it lacks)."""
    values = value if isinstance(value, list) else [value]
    return [o for o in options if o["value"] in values]


def dropdown_lists(dataset: Dataset, state: ViewState) -> dict[str, list[dict]]:
    """Every dropdown's full option list for a view, keyed by component id."""
    lists = option_lists(dataset, state)
    return {cid: lists[cid] for cid in C.DROPDOWNS}
