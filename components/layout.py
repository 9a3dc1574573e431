"""The page: a shell of controls, headline, charts and citations. Values and options arrive by callback."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from components import ids
from components.charts import CHART_NAMES
from components.state import ViewState, month_range
from data import analysis
from data.schema import ALL, ALL_REGIONS, SOURCES, Encounters as E
from data.served import ServedTable
from data.store import Dataset

EXPORT_FORMATS = ("png", "svg", "pdf")
FILTERS = {ids.COMPONENT: E.component, ids.DEMOGRAPHIC: E.demographic, ids.AREA: E.area_of_responsibility}
CHART_HELP = {
    ids.TREND: "Each line is one nationality; diamonds mark dated events (hover for the event and its source).",
    ids.RISE: "Totals per year. A year with fewer than 12 months in the window or the data says so.",
    ids.PEAK: "Each row a year, each column a month: a peak that recurs every year is seasonal.",
    ids.TOP: "The nationalities with most encounters in the window; the selected ones in blue.",
}


def all_values(dataset: Dataset, column: str) -> list[str]:
    """A dimension's values across every source, so a control's options never lose a chosen value.

    (Dash's dropdown drops a value missing from its current options, even when the same update brings
    the new options; so options stay the same set and those the source lacks are only disabled.)
    """
    return sorted({v for table in (dataset.served(s) for s in dataset.tables) for v in analysis.choices(table, column)})


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
                                               value=list(default.nationalities), options=nationality_options(
                                                   dataset, dataset.served(default.source)),
                                               placeholder="Type a nationality..."), ids.NATIONALITY),
            _field("Region", dcc.Dropdown(id=ids.REGION, value=default.region, clearable=False,
                                          options=region_options(dataset, dataset.served(default.source))), ids.REGION),
            _field("From month", dcc.Dropdown(id=ids.START, value=default.start, clearable=False,
                                                options=month_options(dataset)), ids.START),
            _field("To month", dcc.Dropdown(id=ids.END, value=default.end, clearable=False,
                                              options=month_options(dataset)), ids.END),
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
                    _field("Compare year", dcc.Dropdown(id=ids.RISE_FROM, clearable=False,
                                                              options=year_options(dataset, default.basis)), ids.RISE_FROM),
                    _field("with year", dcc.Dropdown(id=ids.RISE_TO, clearable=False,
                                                           options=year_options(dataset, default.basis)), ids.RISE_TO),
                ],
                className="field-pair",
            ),
            *[
                _field(label, dcc.Dropdown(id=control_id, value=ALL, clearable=False,
                                           options=[{"label": "All", "value": ALL}]), control_id,
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
