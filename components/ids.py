"""Component ids of the page's structure, so that a typo is an import error and not a dead callback.

The controls' ids live in their table (``controls.CONTROLS``).
"""

URL = "url"
SELECTION = "selection-store"  # the canonical selection, as the URL states it
ON_LOAD = "on-load-store"  # the clientside functions page.js runs once on load (callbacks.ON_LOAD)
DROPDOWN_LISTS = "dropdown-lists-store"  # every dropdown's full list of options, filled in after first paint
LISTS_FILLED = "lists-filled-store"  # true once every dropdown holds its full list (page.js fill_dropdowns)
NOTICE = "notice"
PAGE_TITLE = "page-title-store"  # the view's title, which a clientside callback gives the browser tab
TITLE_SHOWN = "title-shown-store"  # output of that clientside callback (a placeholder: never set)
VIEWPORT = "viewport-store"  # "narrow" where the chart cards are narrower than a wide figure needs
ADDRESS = "address-store"  # output of the clientside callback that writes the canonical address (never set)

HEADLINE = "headline"
FILTERS = "filters"  # the <details> around the controls, folded on a phone
SENTENCE = "story-sentence"
SOURCE_LINE = "source-line"
RISE_NOTE = "rise-note"  # beside the compare-year controls: why they are empty, when they are
SKIP_LINK = "skip-to-charts"  # the page's first focusable element, to the charts
CHARTS_SECTION = "charts"  # the first chart card, where the skip link lands

TREND = "trend-chart"
RISE = "rise-chart"
PEAK = "peak-chart"
TOP = "top-chart"
CHARTS = (TREND, RISE, PEAK, TOP)

DOWNLOAD_CSV_BUTTON = "download-csv-button"
DOWNLOAD_CSV = "download-csv"
EXPORT_LINK = "export-link"  # pattern-matching type: {"type": EXPORT_LINK, "chart": <route name>, "format": ...}
COPY_LINK_BUTTON = "copy-link-button"
COPY_LINK_STATUS = "copy-link-status"  # says the link was copied (or shows it to copy by hand)

# The views of the page (the tab strip is the ``tab`` control): one panel per tab. Each panel but the chart's
# is drawn by its own callback (``panels``), fed by its gate store: the clientside gate passes it the
# selection only while its tab is shown (and, for a grid, once dash-ag-grid's script is loaded).
TAB_STRIP = "tab-strip"
PANELS = {"chart": "panel-chart", "table": "panel-table", "map": "panel-map", "sources": "panel-sources"}
PANEL_GATES = {tab: f"{panel}-query" for tab, panel in PANELS.items() if tab != "chart"}
TABLE_GRID = "table-grid"
SOURCES_GRID = "sources-grid"
SOURCES_CHART = "sources-chart"
EMBED_CODE = "embed-code"  # the <iframe> snippet of the view's trend chart (page.js: embed_code)
