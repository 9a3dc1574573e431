"""Every component id of the dashboard, so that a typo is an import error and not a dead callback."""

URL = "url"
SELECTION = "selection-store"  # the canonical selection, as the URL states it
DROPDOWN_LISTS = "dropdown-lists-store"  # every dropdown's full list of options, filled in after first paint
NOTICE = "notice"

SOURCE = "source"
NATIONALITY = "nationality"
REGION = "region"
START = "month-from"
END = "month-to"
BASIS = "basis"
RISE_FROM = "rise-from"
RISE_TO = "rise-to"
EVENTS = "events-toggle"
# Filters that only some sources have: id -> wrapper id that hides them.
COMPONENT = "component"
DEMOGRAPHIC = "demographic"
AREA = "area-of-responsibility"
FILTER_WRAPPER = "{}-wrapper"

HEADLINE = "headline"
SENTENCE = "story-sentence"
SOURCE_LINE = "source-line"

TREND = "trend-chart"
RISE = "rise-chart"
PEAK = "peak-chart"
TOP = "top-chart"
CHARTS = (TREND, RISE, PEAK, TOP)

DOWNLOAD_CSV_BUTTON = "download-csv-button"
DOWNLOAD_CSV = "download-csv"
DOWNLOAD_IMAGE = "download-image"
EXPORT_BUTTON = "export-button"  # pattern-matching type: {"type": EXPORT_BUTTON, "chart": ..., "format": ...}
