"""The page: a shell of controls, headline, charts and citations. Values and options arrive by callback."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from components import ids
from components.charts import CHART_NAMES
from components.state import ViewState
from data import analysis
from data.schema import ALL, ALL_REGIONS, SOURCES, Encounters as E
from data.store import Dataset

EXPORT_FORMATS = ("png", "svg", "pdf")
FILTERS = {ids.COMPONENT: E.component, ids.DEMOGRAPHIC: E.demographic, ids.AREA: E.area_of_responsibility}
CHART_HELP = {
    ids.TREND: "Each line is one nationality; diamonds mark dated events (hover for the event and its source).",
    ids.RISE: "Totals per year. A year with fewer than 12 months in the window or the data says so.",
    ids.PEAK: "Each row a year, each column a month: a peak that recurs every year is seasonal.",
    ids.TOP: "The nationalities with most encounters in the window; the selected ones in blue.",
}


def month_options(table: pd.DataFrame, state: ViewState) -> list[dict]:
    """Every month the source covers (to the end of its last year), plus the window's own ends."""
    first, last = analysis.coverage(table)
    months = pd.date_range(first, pd.Timestamp(year=last.year, month=12, day=1), freq="MS")
    values = sorted({f"{m:%Y-%m}" for m in months} | {state.start, state.end})
    return [{"label": f"{pd.Timestamp(v):%b %Y} ({v})", "value": v} for v in values]


def region_options(table: pd.DataFrame) -> list[dict]:
    return [{"label": ALL_REGIONS, "value": ALL}] + [
        {"label": r, "value": r} for r in analysis.choices(table, E.region)
    ]


def _field(label: str, control, control_id: str, wrapper_id: str | None = None) -> html.Div:
    return html.Div(
        [html.Label(label, htmlFor=control_id, className="field-label"), control],
        className="field",
        **({"id": wrapper_id} if wrapper_id else {}),
    )


def _controls(dataset: Dataset) -> html.Div:
    default = ViewState()
    source_options = [{"label": SOURCES[s].label, "value": s} for s in dataset.sources]
    return html.Div(
        [
            _field("Source", dcc.Dropdown(id=ids.SOURCE, options=source_options, value=default.source,
                                          clearable=False, searchable=False), ids.SOURCE),
            _field("Nationality", dcc.Dropdown(id=ids.NATIONALITY, multi=True, searchable=True,
                                               value=list(default.nationalities),
                                               placeholder="Type a nationality..."), ids.NATIONALITY),
            _field("Region", dcc.Dropdown(id=ids.REGION, value=default.region, clearable=False), ids.REGION),
            _field("From month", dcc.Dropdown(id=ids.START, value=default.start, clearable=False), ids.START),
            _field("To month", dcc.Dropdown(id=ids.END, value=default.end, clearable=False), ids.END),
            _field(
                "Years",
                dcc.RadioItems(
                    id=ids.BASIS,
                    options=[{"label": "Calendar (Jan-Dec)", "value": "calendar"},
                             {"label": "Fiscal (Oct-Sep)", "value": "fiscal"}],
                    value=default.basis,
                    inline=True,
                ),
                ids.BASIS,
            ),
            html.Div(
                [
                    _field("Compare year", dcc.Dropdown(id=ids.RISE_FROM, clearable=False), ids.RISE_FROM),
                    _field("with year", dcc.Dropdown(id=ids.RISE_TO, clearable=False), ids.RISE_TO),
                ],
                className="field-pair",
            ),
            *[
                _field(label, dcc.Dropdown(id=control_id, value=ALL, clearable=False), control_id,
                       ids.FILTER_WRAPPER.format(control_id))
                for control_id, label in ((ids.COMPONENT, "Component"), (ids.DEMOGRAPHIC, "Demographic"),
                                          (ids.AREA, "Area of responsibility"))
            ],
            dcc.Checklist(id=ids.EVENTS, options=[{"label": " Show dated events", "value": "on"}],
                          value=["on"]),
        ],
        className="controls",
        role="search",
    )


def _chart_card(chart: str) -> html.Figure:
    name = CHART_NAMES[chart]
    return html.Figure(
        [
            dcc.Loading(dcc.Graph(id=chart, className="chart", config={"displaylogo": False}), type="dot"),
            html.Figcaption(
                [
                    html.Span(CHART_HELP[chart], className="chart-help"),
                    html.Span(
                        ["Download: "]
                        + [
                            html.Button(fmt.upper(), id={"type": ids.EXPORT_BUTTON, "chart": chart, "format": fmt},
                                        className="export", title=f"Download the {name} chart as {fmt.upper()}")
                            for fmt in EXPORT_FORMATS
                        ],
                        className="exports",
                    ),
                ]
            ),
        ],
        className="chart-card",
    )


def build_layout(dataset: Dataset) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.SELECTION),
            dcc.Download(id=ids.DOWNLOAD_CSV),
            dcc.Download(id=ids.DOWNLOAD_IMAGE),
            html.Header(
                [
                    html.H1("U.S. border encounters"),
                    html.P("Monthly encounters by nationality from the official DHS and CBP files. "
                           "Pick nationalities, a region and a span of months; every number is computed "
                           "from the data and cites its source."),
                ]
            ),
            html.Div(id=ids.NOTICE, className="notice", role="status", **{"aria-live": "polite"}),
            html.Div(
                [
                    _controls(dataset),
                    html.Main(
                        [
                            html.P(id=ids.SENTENCE, className="sentence"),
                            html.Dl(id=ids.HEADLINE, className="headline"),
                            html.Button("Download the data (CSV)", id=ids.DOWNLOAD_CSV_BUTTON, className="csv"),
                            *[_chart_card(chart) for chart in ids.CHARTS],
                            html.Section(id=ids.SOURCE_LINE, className="provenance"),
                        ]
                    ),
                ],
                className="page",
            ),
        ],
        className="app",
    )
