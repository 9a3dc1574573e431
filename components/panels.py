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
from dash import html

from border_dashboard.components import export, ids, map_panel
from border_dashboard.components.state import ViewState
from border_dashboard.components.view import ViewBuilder
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


PANELS: dict[str, Callable[[Dataset, ViewBuilder, ViewState], list]] = {
    "table": table_panel,
    "map": map_panel.map_panel,  # the world map, drawn by assets/page.js with the map's own plotly.js
}
"""Each tab's panel (but the chart's); ``sources`` follows."""


def panel_contents(tab: str, dataset: Dataset, builder: ViewBuilder, state: ViewState) -> list:
    """What tab ``tab`` shows for a view."""
    return PANELS[tab](dataset, builder, state)
