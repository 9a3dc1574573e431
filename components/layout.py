"""The page's structure: controls, headline, charts and citations, filled for one view (see ``page``)."""

from __future__ import annotations

from dash import dcc, html

from border_dashboard.components import about, export, ids, page
from border_dashboard.components import controls as C
from border_dashboard.components.charts import CHART_NAMES
from border_dashboard.components.page import ControlsUpdate, chosen_options, content, controls
from border_dashboard.components.view import ViewBuilder
from border_dashboard.data.store import Dataset

EXPORT_FORMATS = export.IMAGE_FORMATS
CHART_HELP = {
    ids.TREND: "Each line is one nationality; diamonds mark dated events (hover for the event and its source).",
    ids.RISE: "Totals per year (hover or tap a bar for its number). A year with fewer than 12 months in the window "
    "or the data says so.",
    # true of both drawings: years down and months across, and on a phone months down and years across
    ids.PEAK: "One cell for each month of each year, brighter is more: a peak that recurs every year is seasonal.",
    ids.TOP: "The nationalities with most encounters in the window; the selected ones in blue.",
}


def _field(label: str, control, control_id: str, wrapper_id: str | None = None, style: dict | None = None):
    return html.Div(
        [html.Label(label, htmlFor=control_id, id=f"{control_id}-label", className="field-label"), control],
        className="field",
        **({"id": wrapper_id} if wrapper_id else {}),
        **({"style": style} if style is not None else {}),
    )


def _control(control: C.Control, values: dict, lists: dict[str, list[dict]], styles: dict, defer: bool, note: str = ""):
    """One control of the table, drawn by its kind, with its label."""

    def dropdown(component_id: str) -> dcc.Dropdown:
        """With ``defer``, drawn with its chosen options only: a Dash dropdown indexes every option it is
        given for its search box, which for 300 months takes longer than a chart. The full lists follow
        once the charts are drawn (page.js: fill_dropdowns, ``callbacks.ON_LOAD``)."""
        value, options = values[component_id], lists[component_id]
        return dcc.Dropdown(
            id=component_id,
            value=value,
            options=chosen_options(options, value) if defer else options,
            multi=control.kind == "multi",
            **control.props,
        )

    if control.kind == "year-pair":  # with the note that says why they compare nothing, when they do not
        return html.Div(
            [
                html.Div(
                    [
                        _field(label, dropdown(cid), cid)
                        for label, cid in zip(control.part_labels, control.component_ids)
                    ],
                    className="field-pair",
                ),
                html.P(note, id=ids.RISE_NOTE, className="field-note", role="status", **{"aria-live": "polite"}),
            ],
            className="field-group",
        )
    if control.kind == "radio":
        widget = dcc.RadioItems(id=control.id, options=lists[control.id], value=values[control.id], **control.props)
    elif control.kind == "toggle":
        return dcc.Checklist(id=control.id, options=lists[control.id], value=values[control.id], **control.props)
    else:
        widget = dropdown(control.id)
    if control.hideable:
        return _field(control.label, widget, control.id, control.wrapper_id, styles[control.wrapper_id])
    return _field(control.label, widget, control.id)


def _controls(initial: ControlsUpdate, lists: dict[str, list[dict]], defer: bool) -> html.Div:
    return html.Div(
        [
            _control(c, initial.values, lists, initial.styles, defer, initial.rise_note)
            for c in C.CONTROLS
            if c.kind != "tabs"
        ],
        className="controls",
        role="search",
    )


def _tab_strip(initial: ControlsUpdate, lists: dict[str, list[dict]]) -> html.Fieldset:
    """The tab strip: the ``tab`` control, a radio group named by its legend, which the arrow keys move
    along (each move shows that tab), styled as tabs."""
    return html.Fieldset(
        [
            html.Legend(C.TAB.label, className="tab-strip-label"),
            dcc.RadioItems(
                id=C.TAB.id,
                options=lists[C.TAB.id],
                value=initial.values[C.TAB.id],
                className="tab-strip",
                **C.TAB.props,
            ),
        ],
        id=ids.TAB_STRIP,
        className="tabs",
    )


def _panels(initial: ControlsUpdate, charts: list) -> list[html.Section]:
    """One panel per tab, all but the one shown hidden. The chart panel holds the chart cards; the others
    are filled by their callbacks once opened (``panels``), never on the default view."""
    shown = initial.values[C.TAB.id]
    return [
        html.Section(
            charts if tab == "chart" else [],
            id=ids.PANELS[tab],
            className="panel panel-charts" if tab == "chart" else "panel",
            hidden=tab != shown,
            **{"aria-label": label},
        )
        for tab, label in C.TABS
    ]


def export_href(name: str, fmt: str, query: str) -> str:
    """The chart image's own URL (``images``: ``/export/<chart>.<format>?<the view's query>``), which the
    page's download links use like any reader may; page.js keeps it following the view."""
    return f"/export/{name}.{fmt}{query}"


def _embed_code(query: str) -> html.Details:
    """The <iframe> snippet that puts this view's trend on another site (``embed``: /embed/<chart>); page.js
    writes the server's address into it and keeps it following the view."""
    return html.Details(
        [
            html.Summary("Embed this chart"),
            html.Label("Code to paste into another site's page", htmlFor=ids.EMBED_CODE),
            dcc.Textarea(id=ids.EMBED_CODE, value=embed_snippet("", query), readOnly=True, rows=3),
            html.P(
                "It shows the trend; for another chart, put rise, peak or top in place of trend.",
                className="embed-help",
            ),
        ],
        className="embed",
    )


def embed_snippet(origin: str, query: str) -> str:
    """As page.js writes it (``embed_code``), with the page's origin."""
    return (
        f'<iframe src="{origin}/embed/trend{query.replace("&", "&amp;")}" title="U.S. border encounters" '
        'width="100%" height="620" style="border:0" loading="lazy"></iframe>'
    )


def _chart_card(chart: str, shown: dict, query: str) -> html.Figure:
    name = CHART_NAMES[chart]
    # The first card is where the skip link lands (focusable by it, not by Tab).
    landing = {"id": ids.CHARTS_SECTION, "tabIndex": "-1"} if chart == ids.CHARTS[0] else {}
    return html.Figure(
        [
            dcc.Graph(
                id=chart,
                className="chart",
                figure=shown["figures"][chart],
                config=shown["configs"][chart],
                style=shown["styles"][chart],
                responsive=True,
            ),  # follow the card's width (a figure with a height is not, by default)
            html.Figcaption(
                [
                    html.Span(CHART_HELP[chart], className="chart-help"),
                    html.Span(
                        ["Download: "]
                        + [
                            html.A(
                                fmt.upper(),
                                id={"type": ids.EXPORT_LINK, "chart": name, "format": fmt},
                                href=export_href(name, fmt, query),
                                download="",  # the server names the file (Content-Disposition)
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
        **landing,
    )


def build_layout(
    dataset: Dataset, builder: ViewBuilder, query: str | None = None, *, narrow: bool = False, on_load=()
) -> html.Div:
    """The whole page for the view a URL's query string asks for, drawn without waiting for a callback.

    ``query`` None: the page's address is not known; the URL callback brings the page to it once the
    browser reports it. Otherwise the address bar is given its own query, so the browser reports no change.
    ``narrow``: the charts drawn for a phone (the request said it came from one, see ``app``), so that a
    phone's first paint is its last; page.js corrects a guess that was wrong, with one redraw.
    ``on_load``: the clientside functions page.js runs once on load (``callbacks.ON_LOAD``).
    """
    initial = controls(dataset, query, {}, None)
    lists = page.option_lists(dataset, initial.state)
    shown = content(dataset, builder, initial.store, narrow=narrow)
    location = {} if query is None else {"search": f"?{query}" if query else ""}
    # The full dropdown lists come after the charts, unless the URL callback may bring others on load.
    deferred = None
    if query is not None:
        # A list two dropdowns share (From and To: 300 months, most of the layout) is sent once; one the
        # dropdown is drawn with whole (its chosen options are all it has) is not sent.
        sent, same_as = {}, {}
        for cid in C.DROPDOWNS:
            if chosen_options(lists[cid], initial.values[cid]) == lists[cid]:
                continue
            earlier = next((other for other, options in sent.items() if options == lists[cid]), None)
            if earlier is None:
                sent[cid] = lists[cid]
            else:
                same_as[cid] = earlier
        deferred = {
            "ids": list(C.DROPDOWNS),  # filled in this order
            "lists": sent,
            "same_as": same_as,  # a dropdown whose list is another's: id -> that one's id
            "filled": ids.LISTS_FILLED,  # the store page.js sets to true once every list is in
            # what each listed dropdown is drawn with (its chosen options' values): one that holds another
            # list once filled in got it from the URL callback, and keeps it
            "drawn": {
                cid: [o["value"] for o in chosen_options(lists[cid], initial.values[cid])] for cid in [*sent, *same_as]
            },
        }
    story = [
        html.P(shown["sentence"], id=ids.SENTENCE, className="sentence"),
        html.Div(shown["headline"], id=ids.HEADLINE, className="headline-block"),
        about.what_these_numbers_are(),
        html.Div(
            [
                html.Button("Download the data (CSV)", id=ids.DOWNLOAD_CSV_BUTTON, className="csv"),
                html.Button(
                    "Copy link",
                    id=ids.COPY_LINK_BUTTON,
                    className="copy-link",
                    title="Copy the address of this view, to share it",
                ),
                html.Span(id=ids.COPY_LINK_STATUS, className="copy-status", role="status", **{"aria-live": "polite"}),
                html.A(
                    "Download all (zip)",
                    id={"type": ids.EXPORT_LINK, "chart": "all", "format": "zip"},  # follows the view (page.js)
                    href=export_href("all", "zip", initial.store),
                    download="",
                    className="export-all",
                    title="Every chart of this view as PNG and SVG, and its data as CSV, in one zip file",
                ),
                _embed_code(initial.store),
            ],
            className="actions",
        ),
    ]
    return html.Div(
        [
            # The first stop of Tab, shown when focused: past the filters to the charts, for a keyboard.
            html.A("Skip to the charts", href=f"#{ids.CHARTS_SECTION}", id=ids.SKIP_LINK, className="skip-link"),
            dcc.Location(id=ids.URL, refresh=False, **location),
            dcc.Store(id=ids.SELECTION, data=initial.store),
            dcc.Store(id=ids.DROPDOWN_LISTS, data=deferred),
            dcc.Store(id=ids.LISTS_FILLED, data=deferred is None),
            dcc.Store(id=ids.ON_LOAD, data=list(on_load)),
            dcc.Store(id=ids.ADDRESS),
            dcc.Store(id=ids.PAGE_TITLE, data=shown["title"]),
            dcc.Store(id=ids.TITLE_SHOWN),
            # how the layout's charts are drawn; page.js says so where the chart cards say otherwise
            dcc.Store(id=ids.VIEWPORT, data="narrow" if narrow else "wide"),
            dcc.Download(id=ids.DOWNLOAD_CSV),
            *[dcc.Store(id=ids.PANEL_GATES[tab]) for tab, _ in C.TABS if tab != "chart"],
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
            html.Div(
                [html.P(n) for n in initial.notices],
                id=ids.NOTICE,
                className="notice",
                role="status",
                **{"aria-live": "polite"},
            ),
            # The story first: on a phone the sentence and the numbers come before the filters, which fold
            # away (page.js); on a wide screen the filters stand in their own column at the left.
            html.Main(
                [
                    *story,
                    html.Details(
                        [
                            html.Summary("Filters: nationality, region, months, years", className="filters-summary"),
                            _controls(initial, lists, defer=deferred is not None),
                        ],
                        id=ids.FILTERS,
                        className="filters",
                        open=True,
                        # the story, the tab strip, the tab shown (the others are hidden) and the sources
                        style={"gridRow": f"1 / span {len(story) + 3}"},
                    ),
                    _tab_strip(initial, lists),
                    *_panels(initial, [_chart_card(chart, shown, initial.store) for chart in ids.CHARTS]),
                    html.Section(shown["provenance"], id=ids.SOURCE_LINE, className="provenance"),
                ],
                className="page",
            ),
        ],
        className="app",
    )
