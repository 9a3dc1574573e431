"""The page's views other than the charts: one panel per tab of the ``tab`` control, each drawn by its own
function ``(dataset, builder, state) -> children`` (``PANELS``) and callback (``callbacks``), only while
its tab is shown. The chart tab's panel holds the chart cards (``layout``).

The tables are dash-ag-grid grids: sortable, filterable, keyboard-navigable, their text selectable to copy.
Its script (1.3 MB) is not in the first page: ``assets/tabs.js`` loads it when a tab with a grid is first
opened, and only then lets the panel's callback draw (``serving`` takes it out of the page's scripts).
"""

from __future__ import annotations

from collections.abc import Callable

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from border_dashboard.components import export, figures, ids, map_panel
from border_dashboard.components.state import ViewState
from border_dashboard.components.view import ViewBuilder
from border_dashboard.data import analysis, compare
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.sources import SOURCES
from border_dashboard.data.store import Dataset

GRID_TABS = ("table", "sources")
"""The tabs whose panel holds a grid: opening one first loads dash-ag-grid's script (``assets/tabs.js``)."""


def grid(grid_id: str, frame, *, numbers: tuple[str, ...], rounded: bool, pinned=None) -> dag.AgGrid:
    """A grid of ``frame``: every column sortable and filterable (numbers as numbers), cells focusable with
    the arrow keys, text selectable to copy; ``pinned``: rows kept under the others (totals), which sorting
    and filters leave in place. A month's 0 of a rounded source reads '<5' (``tabs.js``: borderCount)."""
    counts = {"function": f"borderCount(params, {'true' if rounded else 'false'})"}
    number = {"type": "numericColumn", "filter": "agNumberColumnFilter", "valueFormatter": counts}
    column_defs = [
        {"field": c, "headerName": c, **number}
        if c in numbers
        else {"field": c, "headerName": c, "filter": "agTextColumnFilter", **({"pinned": "left"} if i == 0 else {})}
        for i, c in enumerate(frame.columns)
    ]
    options = {
        "enableCellTextSelection": True,  # select and copy the text (ag-grid's clipboard is not free)
        "ensureDomOrder": True,  # what a screen reader and a copy read follows the rows on screen
        "suppressColumnVirtualisation": True,
        "domLayout": "autoHeight" if len(frame) <= 40 else "normal",
    }
    if pinned is not None and len(pinned):
        options["pinnedBottomRowData"] = pinned.to_dict("records")
    return dag.AgGrid(
        id=grid_id,
        rowData=frame.to_dict("records"),
        columnDefs=column_defs,
        defaultColDef={"sortable": True, "resizable": True, "floatingFilter": True, "minWidth": 110, "flex": 1},
        dashGridOptions=options,
        className="grid",
        style={} if len(frame) <= 40 else {"height": "560px"},
    )


def table_panel(dataset: Dataset, builder: ViewBuilder, state: ViewState) -> list:
    """The table tab: the numbers the charts show, a row per month and the years' totals under them; the
    CSV download is the same table (``export.data_table``)."""
    view = builder.build(state)
    if view.empty_message:
        return [html.P(view.empty_message, className="panel-empty")]
    table = export.data_table(view)
    label = f"Monthly encounters and yearly totals: {view.title_suffix}"
    return [
        html.H2(label, className="panel-title"),
        html.P(
            "Click a column's name to sort it, type in the box under it to filter; arrow keys move between "
            "cells, and selected text copies. The yearly totals stay at the bottom: "
            + (
                "a whole fiscal year is the publisher's own figure (published), others the sum of their months."
                if view.state.basis == "fiscal"
                else "each is the sum of its months in the window."
            )
            + (" '<5': a month published as 0 (fewer than 5)." if table.rounded else ""),
            className="panel-help",
        ),
        html.Div(
            grid(ids.TABLE_GRID, table.months, numbers=table.columns, rounded=table.rounded, pinned=table.years),
            role="region",
            **{"aria-label": label},
        ),
        html.P(view.source_line, className="panel-source"),
    ]


def sources_panel(dataset: Dataset, builder: ViewBuilder, state: ViewState, narrow: bool = False) -> list:
    """The sources tab: where OHSS and CBP count the same thing (Border Patrol at the Southwest border, for
    Mexico, Guatemala, Honduras, El Salvador and the total), each month's two figures and their difference,
    why they differ, a chart of the difference, and the picked nationalities that cannot be compared."""
    heading = html.H2(
        "The two sources side by side: Border Patrol encounters at the Southwest Land Border", className="panel-title"
    )
    missing = [name for name in (compare.OHSS, compare.CBP) if name not in dataset.tables]
    if missing:
        return [heading, html.P(f"This dataset lacks {', '.join(SOURCES[m].title for m in missing)}.")]
    ohss, cbp = dataset.served(compare.OHSS), dataset.served(compare.CBP)
    names = compare.comparable(state.nationalities)
    frame = compare.side_by_side(ohss, cbp, names, state.start, state.end)
    margin = compare.rounding_margin()
    records = {name: dataset.provenance[name] for name in (compare.OHSS, compare.CBP)}
    why = html.Div(
        [
            html.P(
                "Both count U.S. Border Patrol encounters at the Southwest Land Border: OHSS in its workbook, "
                "CBP as the Border Patrol rows of its Southwest file. CBP's "
                "file names four citizenships (Mexico, Guatemala, Honduras, El Salvador) and counts all others "
                "in 'Other'; so these four and the total are what both count."
            ),
            html.P(
                f"Why the figures differ: OHSS rounds every figure to the nearest {SOURCES[compare.OHSS].rounded_to}, "
                f"so a month can be off CBP's exact count by up to {margin} for that alone (the grey band). A "
                f"larger difference is not rounding: the files were made at different times (OHSS's "
                f"{records[compare.OHSS]['release']}; CBP's {records[compare.CBP]['release']}), and a figure "
                "corrected in between would differ so."
            ),
        ],
        className="panel-help",
    )
    notes = []
    if state.region != compare.REGION:
        notes.append(f"CBP's file covers the {compare.REGION} only: the comparison is there, whatever the region.")
    if state.source != compare.OHSS or state.filters:
        notes.append("The comparison is of all Border Patrol encounters, whatever the source and filters chosen.")
    unlike = compare.not_comparable(tuple(n for n in state.nationalities if n not in names))
    if unlike:
        notes.append(html.Span(["Not compared: ", html.Ul([html.Li(f"{n}: {w}") for n, w in unlike.items()])]))
    parts = [heading, why, *[html.Div(n, className="panel-note") for n in notes]]
    if frame.empty:
        months = compare.shared_months(ohss, cbp, "1900-01", "2999-12")
        covered = f"{months[0]} to {months[1]}" if months else "no month"
        parts.append(html.P(f"The two files share no month of {state.start} to {state.end}: they share {covered}."))
        return parts
    beyond = frame[~frame["within_rounding"]]
    first, last = frame[E.month].min(), frame[E.month].max()
    parts.append(
        html.P(
            f"{first:%b %Y} to {last:%b %Y}: {len(frame):,} monthly figures compared, "
            + (
                f"all within {margin} of each other."
                if beyond.empty
                else f"{len(beyond)} differing by more than {margin}: "
                + "; ".join(
                    f"{analysis.display(r.nationality, E.nationality)} in {r.month:%B %Y} "
                    f"(OHSS {r.ohss:,}, CBP {r.cbp:,})"
                    for r in beyond.head(5).itertuples()
                )
                + "."
            ),
            className="panel-summary",
        )
    )
    title = f"CBP minus OHSS, Border Patrol at the {compare.REGION}, {first:%b %Y} to {last:%b %Y}"
    line = f"{dataset.source_line(compare.OHSS)} {dataset.source_line(compare.CBP)}"
    shown = frame.assign(**{E.nationality: [analysis.display(n, E.nationality) for n in frame[E.nationality]]})
    figure = figures.difference_figure(shown, title=title, source_line=line, margin=margin, narrow=narrow)
    parts.append(
        dcc.Graph(
            id=ids.SOURCES_CHART,
            figure=figure,
            config={"displaylogo": False, "showSendToCloud": False, "showEditInChartStudio": False},
            style={"height": f"{figure.layout.height}px"},
            responsive=True,
        )
    )
    table = pd.DataFrame(
        {
            "Month": [f"{m:%Y-%m}" for m in frame[E.month]],
            "Nationality": shown[E.nationality],
            "OHSS": frame["ohss"],
            "CBP": frame["cbp"],
            "CBP minus OHSS": frame["difference"],
            "Beyond rounding": ["yes" if not w else "no" for w in frame["within_rounding"]],
        }
    )
    label = f"OHSS and CBP, each month: {title}"
    parts.append(
        html.Div(
            grid(ids.SOURCES_GRID, table, numbers=("OHSS", "CBP", "CBP minus OHSS"), rounded=False),
            role="region",
            **{"aria-label": label},
        )
    )
    return parts


PANELS: dict[str, Callable[[Dataset, ViewBuilder, ViewState], list]] = {
    "table": table_panel,
    "map": map_panel.map_panel,  # the world map, drawn by assets/page.js with the map's own plotly.js
    "sources": sources_panel,
}
"""Each tab's panel (but the chart's)."""


def panel_contents(tab: str, dataset: Dataset, builder: ViewBuilder, state: ViewState) -> list:
    """What tab ``tab`` shows for a view."""
    return PANELS[tab](dataset, builder, state)
