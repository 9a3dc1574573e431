"""The page's structure: controls, headline, charts and citations, filled for one view (see ``page``)."""

from __future__ import annotations

from dash import dcc, html

from border_dashboard.components import export, ids
from border_dashboard.components.charts import CHART_NAMES
from border_dashboard.components.page import DROPDOWNS, OPTIONS, chosen_options, content, controls, dropdown_lists
from border_dashboard.components.view import ViewBuilder
from border_dashboard.data.store import Dataset

EXPORT_FORMATS = export.IMAGE_FORMATS
CHART_HELP = {
    ids.TREND: "Each line is one nationality; diamonds mark dated events (hover for the event and its source).",
    ids.RISE: "Totals per year. A year with fewer than 12 months in the window or the data says so.",
    ids.PEAK: "Each row a year, each column a month, brighter is more: a peak that recurs every year is seasonal.",
    ids.TOP: "The nationalities with most encounters in the window; the selected ones in blue.",
}


def _field(label: str, control, control_id: str, wrapper_id: str | None = None) -> html.Div:
    return html.Div(
        [html.Label(label, htmlFor=control_id, className="field-label"), control],
        className="field",
        **({"id": wrapper_id} if wrapper_id else {}),
    )


def _controls(initial: dict, lists: dict[str, list[dict]], defer: bool) -> html.Div:
    def dropdown(control_id: str, **props) -> dcc.Dropdown:
        """With ``defer``, drawn with its chosen options only: a Dash dropdown indexes every option it is
        given for its search box, which for 300 months takes longer than a chart. The full lists follow
        once the charts are drawn (``callbacks``: fill_dropdowns)."""
        value, options = initial["values"][control_id], lists[control_id]
        return dcc.Dropdown(
            id=control_id, value=value, options=chosen_options(options, value) if defer else options, **props
        )

    return html.Div(
        [
            _field("Source", dropdown(ids.SOURCE, clearable=False, searchable=False), ids.SOURCE),
            _field(
                "Nationality",
                dropdown(ids.NATIONALITY, multi=True, searchable=True, placeholder="Type a nationality..."),
                ids.NATIONALITY,
            ),
            _field("Region", dropdown(ids.REGION, clearable=False), ids.REGION),
            _field("From month", dropdown(ids.START, clearable=False), ids.START),
            _field("To month", dropdown(ids.END, clearable=False), ids.END),
            _field(
                "Years",
                dcc.RadioItems(
                    id=ids.BASIS,
                    options=[
                        {"label": "Calendar (Jan-Dec)", "value": "calendar"},
                        {"label": "Fiscal (Oct-Sep)", "value": "fiscal"},
                    ],
                    value=initial["values"][ids.BASIS],
                    inline=True,
                ),
                ids.BASIS,
            ),
            html.Div(
                [
                    _field("Compare year", dropdown(ids.RISE_FROM, clearable=False), ids.RISE_FROM),
                    _field("with year", dropdown(ids.RISE_TO, clearable=False), ids.RISE_TO),
                ],
                className="field-pair",
            ),
            *[
                html.Div(
                    [
                        html.Label(label, htmlFor=control_id, className="field-label"),
                        dropdown(control_id, clearable=False),
                    ],
                    className="field",
                    id=ids.FILTER_WRAPPER.format(control_id),
                    style=initial["styles"][control_id],
                )
                for control_id, label in (
                    (ids.COMPONENT, "Component"),
                    (ids.DEMOGRAPHIC, "Demographic"),
                    (ids.AREA, "Area of responsibility"),
                )
            ],
            dcc.Checklist(
                id=ids.EVENTS,
                options=[{"label": " Show dated events", "value": "on"}],
                value=initial["values"][ids.EVENTS],
            ),
        ],
        className="controls",
        role="search",
    )


def _chart_card(chart: str, shown: dict) -> html.Figure:
    name = CHART_NAMES[chart]
    return html.Figure(
        [
            dcc.Graph(
                id=chart,
                className="chart",
                figure=shown["figures"][chart],
                config=shown["configs"][chart],
                responsive=True,
            ),  # follow the card's width (a figure with a height is not, by default)
            html.Figcaption(
                [
                    html.Span(CHART_HELP[chart], className="chart-help"),
                    html.Span(
                        ["Download: "]
                        + [
                            html.Button(
                                fmt.upper(),
                                id={"type": ids.EXPORT_BUTTON, "chart": chart, "format": fmt},
                                className="export",
                                title=f"Download the {name} chart as {fmt.upper()}",
                            )
                            for fmt in EXPORT_FORMATS
                        ],
                        className="exports",
                    ),
                ]
            ),
        ],
        className="chart-card",
    )


def build_layout(dataset: Dataset, builder: ViewBuilder, query: str | None = None) -> html.Div:
    """The whole page for the view a URL's query string asks for, drawn without waiting for a callback.

    ``query`` None: the page's address is not known; the URL callback brings the page to it once the
    browser reports it. Otherwise the address bar is given its own query, so the browser reports no change.
    """
    initial = controls(dataset, query, {}, None)
    lists = dropdown_lists(dataset, initial)
    shown = content(dataset, builder, initial["store"])
    location = {} if query is None else {"search": f"?{query}" if query else ""}
    # The full dropdown lists come after the charts, unless the URL callback may bring others on load.
    deferred = None
    if query is not None:
        deferred = {
            "search": location["search"],  # the address the lists are for
            "lists": [lists[c] for c in DROPDOWNS],
            "follow_url": [c in OPTIONS for c in DROPDOWNS],  # lists the URL callback sets as well
        }
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False, **location),
            dcc.Store(id=ids.SELECTION, data=initial["store"]),
            dcc.Store(id=ids.DROPDOWN_LISTS, data=deferred),
            dcc.Download(id=ids.DOWNLOAD_CSV),
            dcc.Download(id=ids.DOWNLOAD_IMAGE),
            html.Header(
                [
                    html.H1("U.S. border encounters"),
                    html.P(
                        "Monthly encounters by nationality from the official DHS and CBP files. "
                        "Pick nationalities, a region and a span of months; every number is computed "
                        "from the data and cites its source."
                    ),
                ]
            ),
            html.Div(initial["notice"], id=ids.NOTICE, className="notice", role="status", **{"aria-live": "polite"}),
            html.Div(
                [
                    _controls(initial, lists, defer=deferred is not None),
                    html.Main(
                        [
                            html.P(shown["sentence"], id=ids.SENTENCE, className="sentence"),
                            html.Dl(shown["headline"], id=ids.HEADLINE, className="headline"),
                            html.Button("Download the data (CSV)", id=ids.DOWNLOAD_CSV_BUTTON, className="csv"),
                            *[_chart_card(chart, shown) for chart in ids.CHARTS],
                            html.Section(shown["provenance"], id=ids.SOURCE_LINE, className="provenance"),
                        ]
                    ),
                ],
                className="page",
            ),
        ],
        className="app",
    )
