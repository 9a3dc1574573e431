"""The dashboard's controls, declared once.

Each entry of ``CONTROLS`` is one control a reader sets: its component id, its URL parameter, the view
field (or the data column) it sets, its label and kind, its default, the small parser that reads its URL
value (falling back to the default with a notice), and where its options come from. Everything else is
generated from this table: the URL parsing and writing (``state``), the control values and option lists
of a view (``page``), the page's controls (``layout``) and the callbacks' inputs and outputs
(``callbacks``). Adding a filter is one entry here, plus whatever analysis it needs.

Parsers never raise: a browser, a hand-typed link or a fuzzer may send anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from border_dashboard.data import analysis, measures
from border_dashboard.data.schema import ALL, ALL_NATIONALITIES, ALL_REGIONS
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.served import ServedTable
from border_dashboard.data.sources import DEFAULT_SOURCE, SOURCES
from border_dashboard.data.store import Dataset

MAX_NATIONALITIES = 12
"""Lines one view draws at most; beyond it the view keeps those with most encounters (``state.parse``)."""
MAX_ASKED = 200  # names read from one link (every nationality of every source, with room)


@dataclass
class ParseContext:
    """What a parser may consult: the dataset, the source chosen so far, and the notices written so far."""

    dataset: Dataset
    source: str = DEFAULT_SOURCE
    notices: list[str] = field(default_factory=list)

    @property
    def table(self) -> ServedTable:
        return self.dataset.served(self.source)


Parser = Callable[[list[str] | None, ParseContext], Any]
"""URL values of a parameter (None: absent) -> the control's value."""


@dataclass(frozen=True)
class Control:
    """One control of the page.

    Attributes:
        id: the component id (a year pair also has ``<id>-from`` and ``<id>-to``).
        parameter: its URL query parameter.
        label: the visible label, which also names it for screen readers.
        kind: ``select`` (one value from a list), ``multi`` (several), ``radio``, ``toggle`` (on/off),
            ``year-pair`` (two years), ``tabs`` (one of the page's views: drawn as the strip above the
            charts, not among the filters).
        field: the ``ViewState`` field it sets; ``filters`` for a filter of a data column.
        default: its value when the URL does not set it.
        parse: URL values -> value; falls back to the default and adds a notice.
        column: for a filter, the ``Encounters`` column it narrows.
        always_in_url: written into the URL even at its default (so an old link keeps its meaning).
        options: the control's option list for a view, given the dataset and the view's source table.
        options_follow: the view fields its option list depends on; () for a fixed list.
        hideable: hidden where the view's source has nothing to pick (a filter the source lacks).
        props: further properties of the Dash component.
        part_labels: for a year pair, the label of each of its two dropdowns.
    """

    id: str
    parameter: str
    label: str
    kind: str
    field: str
    default: Any
    parse: Parser
    column: str | None = None
    always_in_url: bool = False
    options: Callable[[Dataset, ServedTable, Any], list[dict]] | None = None
    options_follow: tuple[str, ...] = ()
    hideable: bool = False
    props: dict = field(default_factory=dict)
    part_labels: tuple[str, ...] = ()

    @property
    def component_ids(self) -> tuple[str, ...]:
        """The ids of the Dash components that hold this control's value."""
        return (f"{self.id}-from", f"{self.id}-to") if self.kind == "year-pair" else (self.id,)

    @property
    def wrapper_id(self) -> str:
        """The element around the control and its label (hidden for a filter the source lacks)."""
        return f"{self.id}-wrapper"

    @property
    def has_dropdown(self) -> bool:
        return self.kind in ("select", "multi", "year-pair")

    # --- the value, between URL, view and component -------------------------------------------

    def value_of(self, state) -> Any:
        """This control's value in a view."""
        if self.field == "filters":
            return dict(state.filters).get(self.column, ALL)
        return getattr(state, self.field)

    def apply(self, state, value):
        """The view ``state`` with this control set to ``value``."""
        if self.field == "filters":
            others = tuple((c, v) for c, v in state.filters if c != self.column)
            return state.with_(filters=others + (((self.column, value),) if value != ALL else ()))
        return state.with_(**{self.field: value})

    def to_url(self, value) -> list[str]:
        """The URL values that state ``value``; [] leaves the parameter out."""
        if value == self.default and not self.always_in_url:
            return []
        if self.kind == "multi":
            return list(value) or [""]  # present but blank: the reader cleared the choice
        if self.kind == "year-pair":
            return [f"{value[0]}:{value[1]}"] if value else []
        if self.kind == "toggle":
            return ["on" if value else "off"]
        return [str(value)]

    def component_values(self, value) -> dict[str, Any]:
        """The values of this control's components for a value (a year pair: see ``page``)."""
        if self.kind == "multi":
            return {self.id: list(value)}
        if self.kind == "toggle":
            return {self.id: ["on"] if value else []}
        if self.kind == "year-pair":
            first, second = value or (None, None)
            return dict(zip(self.component_ids, (first, second)))
        return {self.id: value}

    def url_from_components(self, values: dict[str, Any]) -> list[str] | None:
        """What the components hold, as URL values (None: nothing usable, the default applies)."""
        if self.kind == "year-pair":
            years = [values.get(c) for c in self.component_ids]
            if all(isinstance(y, int) and not isinstance(y, bool) for y in years):
                return [f"{years[0]}:{years[1]}"]
            return None
        value = values.get(self.id)
        if self.kind == "toggle":
            return ["on" if value else "off"]
        if self.kind == "multi":
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list):
                return None
            return [v for v in value if isinstance(v, str)] or [""]
        return [value] if isinstance(value, str) and value else None


# --- parsers: one per parameter, each falling back to the default with a notice ------------------


def _last(values: list[str] | None) -> str | None:
    return values[-1] if values else None


def parse_source(values, context: ParseContext) -> str:
    name = _last(values) or DEFAULT_SOURCE
    if name not in context.dataset.tables:
        context.notices.append(f"Unknown source {name!r}; showing {SOURCES[DEFAULT_SOURCE].title}.")
        name = DEFAULT_SOURCE
    context.source = name  # the controls after this one are read against this source
    return name


def _names_in(value: str, known: list[str]) -> list[str]:
    """One URL value as names: itself, or a comma-separated list ('China,India'). Official spellings have
    commas too ('CHINA, PEOPLES REPUBLIC OF', 'Korea, South'): the longest run of parts (up to three) that
    is one name is taken as one."""
    if "," not in value:
        return [value.strip()]
    parts = [p.strip() for p in value.split(",")][: 4 * MAX_NATIONALITIES]  # a hostile link may be long
    names, start = [], 0
    while start < len(parts):
        for end in range(min(len(parts), start + 3), start, -1):
            candidate = ", ".join(parts[start:end])
            if end == start + 1 or _is_one_name(candidate, known):
                names.append(candidate)
                start = end
                break
    return names


def _is_one_name(text: str, known: list[str]) -> bool:
    try:
        analysis.resolve_nationality(text, known)
    except analysis.UnknownNameError:
        return False
    return True


def parse_nationalities(values, context: ParseContext) -> tuple[str, ...]:
    """Names as a hand-typed link may write them ('china', the official spelling, a unique part of one;
    repeated or comma-separated); a name no source has is dropped with a notice naming the closest. More
    than ``MAX_NATIONALITIES`` are cut down once the window is known (``state.parse``)."""
    if values is None:
        return analysis.DEFAULT_NATIONALITIES
    # Any nationality of any source: one the chosen source does not break out is counted in its 'Other'
    # group (``analysis.counted_as``), and comes back when the reader returns to a source that has it.
    known = all_values(context.dataset, E.nationality)
    asked = list(dict.fromkeys(n for value in values for n in _names_in(value, known) if n))[:MAX_ASKED]
    kept, dropped = [], []
    for name in asked:
        if name in known:  # the page's own values: no need to look further
            kept.append(name)
            continue
        if len(dropped) >= 5:  # a hostile link: the first few unknown names are named, the rest dropped
            continue
        try:
            kept.append(analysis.resolve_nationality(name, known))
        except analysis.UnknownNameError as error:
            hint = str(error).partition("; ")[2]
            dropped.append(f"{name} ({hint})" if hint else name)
    kept = list(dict.fromkeys(kept))
    if dropped:
        notice = f"Not in this source: {', '.join(dropped[:5])}."
        if not kept:
            kept = list(analysis.DEFAULT_NATIONALITIES)
            notice += " Showing the default nationality instead."
        context.notices.append(notice)
    return tuple(kept)


def parse_region(values, context: ParseContext) -> str:
    """A region, or a word of one ('northern'); 'all' for every region."""
    text = _last(values)
    if not text:
        return analysis.DEFAULT_REGION
    regions = analysis.choices(context.table, E.region)
    if text == ALL or text in regions:
        return text
    try:
        return analysis.resolve(text, regions, "region")
    except analysis.UnknownNameError as error:
        message = str(error)
        context.notices.append(f"{message[:1].upper()}{message[1:]}; showing {analysis.DEFAULT_REGION}.")
        return analysis.DEFAULT_REGION


def month_parser(parameter: str, default: str) -> Parser:
    def parse(values, context: ParseContext) -> str:
        text = _last(values)
        if not text:
            return default
        first, last = month_range(context.dataset)
        try:
            month = f"{analysis.parse_month(text):%Y-%m}"
        except ValueError:
            context.notices.append(f"'{parameter}' must be a month written YYYY-MM, not {text!r}.")
            return default
        if not first <= month <= last:
            covers = " to ".join(f"{m:%Y-%m}" for m in analysis.coverage(context.table))
            context.notices.append(f"'{parameter}' {text} is outside the data: this source covers {covers}.")
            return default
        return month

    return parse


def parse_rise(values, context: ParseContext) -> tuple[int, int] | None:
    text = _last(values)
    if not text:
        return None
    try:
        return analysis.year_pair(text)
    except ValueError:
        context.notices.append(f"'rise' must be written YEAR:YEAR, not {text[:40]!r}.")
        return None


def choice_parser(parameter: str, allowed: tuple[str, ...]) -> Parser:
    """One of a fixed set of words (the first is the default), in any case."""

    def parse(values, context: ParseContext) -> str:
        text = (_last(values) or allowed[0]).strip().lower()
        if text not in allowed:
            context.notices.append(
                f"'{parameter}' must be {' or '.join(allowed)}, not {text[:40]!r}; showing {allowed[0]}."
            )
            return allowed[0]
        return text

    return parse


def parse_toggle(values, context: ParseContext) -> bool:
    return _last(values) != "off"


def filter_parser(parameter: str, column: str) -> Parser:
    def parse(values, context: ParseContext) -> str:
        value = _last(values)
        if value is None or value == ALL:
            return ALL
        if value in analysis.choices(context.table, column):
            return value
        context.notices.append(f"Unknown {parameter} {value!r} in this source; showing all.")
        return ALL

    return parse


# --- options ---------------------------------------------------------------------------------------


def month_range(dataset: Dataset) -> tuple[str, str]:
    """First month any source covers, and December of the last year any source covers."""
    firsts, lasts = zip(*(analysis.coverage(dataset.served(s)) for s in dataset.tables))
    return f"{min(firsts):%Y-%m}", f"{max(lasts).year}-12"


def all_values(dataset: Dataset, column: str) -> list[str]:
    """A dimension's values across every source."""
    return sorted({v for s in dataset.tables for v in analysis.choices(dataset.served(s), column)})


def source_options(dataset: Dataset, table: ServedTable, state) -> list[dict]:
    return [{"label": SOURCES[s].label, "value": s} for s in dataset.sources]


def nationality_options(dataset: Dataset, table: ServedTable, state) -> list[dict]:
    """The source's nationalities, and those chosen that it counts in a group ('China (in Other here)'):
    a dropdown keeps only a value it has an option for."""
    present = analysis.choices(table, E.nationality)
    counted = analysis.counted_as(table, state.nationalities)
    chosen_elsewhere = [n for n in state.nationalities if n not in present]
    everyone = {"label": f"{ALL_NATIONALITIES} (the region's total)", "value": ALL}
    return (
        [everyone]
        + [{"label": n, "value": n} for n in present]
        + [
            {"label": f"{n} (in {counted[n]} here)" if n in counted else f"{n} (not in this source)", "value": n}
            for n in chosen_elsewhere
        ]
    )


def region_options(dataset: Dataset, table: ServedTable, state) -> list[dict]:
    return [{"label": ALL_REGIONS, "value": ALL}] + [
        {"label": r, "value": r} for r in analysis.choices(table, E.region)
    ]


def month_options(dataset: Dataset, table: ServedTable, state) -> list[dict]:
    """Every month, found by typing it as a reader writes it: '2023-12', 'Dec 2023', 'December 2023',
    '12/2023' (the dropdown searches each option's ``search`` text as well as its label)."""
    return list(_month_options(*month_range(dataset)))


@lru_cache(maxsize=8)
def _month_options(first: str, last: str) -> tuple[dict, ...]:
    # Written once per span of months (300 of them, seven spellings each, took longer than a redraw);
    # the lists handed out are new, the options in them shared and never changed.
    return tuple(
        {"label": f"{m:%b %Y} ({m:%Y-%m})", "value": f"{m:%Y-%m}", "search": month_spellings(m)}
        for m in pd.date_range(first, last, freq="MS")
    )


def month_spellings(month: pd.Timestamp) -> str:
    """'2023-12 2023/12 Dec 2023 December 2023 12/2023 12-2023' (and '1/2024' for January)."""
    spellings = [f"{month:%Y-%m}", f"{month:%Y/%m}", f"{month:%b %Y}", f"{month:%B %Y}", f"{month:%m/%Y}"]
    spellings += [f"{month:%m-%Y}", f"{month.month}/{month.year}"]
    return " ".join(dict.fromkeys(spellings))


def basis_options(dataset: Dataset, table: ServedTable, state) -> list[dict]:
    return [
        {"label": "Calendar (Jan-Dec)", "value": "calendar"},
        {"label": "Fiscal (Oct-Sep)", "value": "fiscal"},
    ]


def year_options(dataset: Dataset, table: ServedTable, state) -> list[dict]:
    """The years of the window, each with its months when partial ('2024 (11 of 12 months)')."""
    years = analysis.window_years(table, state.selection)
    return [
        {"label": analysis.year_label(y, state.basis) + ("" if m >= 12 else f" ({m} of 12 months)"), "value": y}
        for y, m in years.items()
    ]


def rise_note(dataset: Dataset, table: ServedTable, state, chosen: tuple[int, int] | None) -> str:
    """What the compare-year controls say when they compare nothing (``chosen`` None): why, and what a
    reader can do. Empty when they show a pair."""
    if chosen:
        return ""
    years = analysis.window_years(table, state.selection)
    held = ", ".join(
        analysis.year_label(y, state.basis) + ("" if m >= 12 else f" ({m} of 12 months)") for y, m in years.items()
    )
    kind = "calendar" if state.basis == "calendar" else "fiscal"
    if len(years) < 2:
        return (
            f"Needs two years in the window: this one holds {held or 'no month with data'}. "
            "Widen the months to compare years."
        )
    return (
        f"Needs two whole {kind} years in the window: this one holds {held}. "
        "Pick two of them to compare them anyway (their months are then written on the chart)."
    )


def fixed_options(*pairs: tuple[str, str]) -> Callable[[Dataset, ServedTable, Any], list[dict]]:
    """A list that is the same for every view: (value, label) pairs."""
    options = [{"label": label, "value": value} for value, label in pairs]
    return lambda dataset, table, state: options


def events_options(dataset: Dataset, table: ServedTable, state) -> list[dict]:
    return [{"label": " Show dated events", "value": "on"}]


def filter_options(column: str, spelled: dict[str, str]) -> Callable[[Dataset, ServedTable, Any], list[dict]]:
    def options(dataset: Dataset, table: ServedTable, state) -> list[dict]:
        # "All" even where the source breaks nothing out: a dropdown whose value is not among its options
        # drops it on mount, and that change alone would call the server on every page load.
        values = analysis.filterable(table, column)
        return [{"label": "All", "value": ALL}] + [{"label": spelled.get(v, v), "value": v} for v in values]

    return options


def filter_control(id: str, parameter: str, column: str, label: str, spelled: dict[str, str] | None = None) -> Control:
    """A filter of one data column, shown only where the source breaks it out; ``spelled``: the words a
    reader sees for a publisher's abbreviation."""
    return Control(
        id=id,
        parameter=parameter,
        label=label,
        kind="select",
        field="filters",
        column=column,
        default=ALL,
        parse=filter_parser(parameter, column),
        options=filter_options(column, spelled or {}),
        options_follow=("source",),
        hideable=True,
        props={"clearable": False},
    )


# --- the table -------------------------------------------------------------------------------------
# In the order they are read from a URL (the source first: the others are checked against it) and shown.

SOURCE = Control(
    id="source",
    parameter="source",
    label="Source",
    kind="select",
    field="source",
    default=DEFAULT_SOURCE,
    parse=parse_source,
    options=source_options,
    props={"clearable": False, "searchable": False},
)
NATIONALITY = Control(
    id="nationality",
    parameter="nationality",
    label="Nationality",
    kind="multi",
    field="nationalities",
    default=analysis.DEFAULT_NATIONALITIES,
    parse=parse_nationalities,
    always_in_url=True,
    options=nationality_options,
    options_follow=("source", "nationalities"),
    props={"searchable": True, "placeholder": "Type a nationality..."},
)
REGION = Control(
    id="region",
    parameter="region",
    label="Region",
    kind="select",
    field="region",
    default=analysis.DEFAULT_REGION,
    parse=parse_region,
    always_in_url=True,
    options=region_options,
    options_follow=("source",),
    props={"clearable": False},
)
START = Control(
    id="month-from",
    parameter="from",
    label="From month",
    kind="select",
    field="start",
    default=analysis.DEFAULT_START,
    parse=month_parser("from", analysis.DEFAULT_START),
    always_in_url=True,
    options=month_options,
    props={"clearable": False},
)
END = Control(
    id="month-to",
    parameter="to",
    label="To month",
    kind="select",
    field="end",
    default=analysis.DEFAULT_END,
    parse=month_parser("to", analysis.DEFAULT_END),
    always_in_url=True,
    options=month_options,
    props={"clearable": False},
)
BASIS = Control(
    id="basis",
    parameter="basis",
    label="Years",
    kind="radio",
    field="basis",
    default="calendar",
    parse=choice_parser("basis", analysis.BASES),
    always_in_url=True,
    options=basis_options,
    props={"inline": True},
)
RISE = Control(
    id="rise",
    parameter="rise",
    label="Compare year",
    part_labels=("Compare year", "with year"),
    kind="year-pair",
    field="rise",
    default=None,
    parse=parse_rise,
    options=year_options,
    options_follow=("source", "basis", "start", "end"),
    props={"clearable": False, "placeholder": "No year"},
)
COMPONENT = filter_control("component", "component", E.component, "Component")
SPELLED = {E.demographic: {"UAC": "Unaccompanied children (UAC)", "FMUA": "Family units (FMUA)"}}
"""The words a reader sees for a publisher's abbreviation, by column."""
DEMOGRAPHIC = filter_control("demographic", "demographic", E.demographic, "Demographic", SPELLED[E.demographic])
AREA = filter_control("area-of-responsibility", "aor", E.area_of_responsibility, "Area of responsibility")
MEASURE = Control(
    id="measure",
    parameter="measure",
    label="Trend shows",
    kind="radio",
    field="measure",
    default=measures.COUNT,
    parse=choice_parser("measure", measures.MEASURES),
    options=fixed_options(
        (measures.COUNT, "Encounters"),
        (measures.INDEX, "Index (first month = 100)"),
        (measures.SHARE, "Share of region (%)"),
    ),
    props={"inline": True},
)
SCALE = Control(
    id="scale",
    parameter="scale",
    label="Trend scale",
    kind="radio",
    field="scale",
    default="linear",
    parse=choice_parser("scale", ("linear", "log")),
    options=fixed_options(("linear", "Linear"), ("log", "Logarithmic")),
    props={"inline": True},
)
EVENTS = Control(
    id="events-toggle",
    parameter="events",
    label="Dated events",
    kind="toggle",
    field="events",
    default=True,
    parse=parse_toggle,
    options=events_options,
)

TABS = (("chart", "Chart"), ("table", "Table"), ("map", "Map"), ("sources", "Sources side by side"))
"""The page's views, the first the default: each but the chart has its panel (``panels.PANELS``)."""
TAB = Control(
    id="tab",
    parameter="tab",
    label="View",
    kind="tabs",
    field="tab",
    default=TABS[0][0],
    parse=choice_parser("tab", tuple(value for value, _ in TABS)),
    options=fixed_options(*TABS),
    props={"inline": True},
)

CONTROLS: tuple[Control, ...] = (
    SOURCE,
    NATIONALITY,
    REGION,
    START,
    END,
    BASIS,
    RISE,
    COMPONENT,
    DEMOGRAPHIC,
    AREA,
    MEASURE,
    SCALE,
    EVENTS,
    TAB,
)
FILTERS = tuple(c for c in CONTROLS if c.field == "filters")
BY_PARAMETER = {c.parameter: c for c in CONTROLS}
COMPONENT_IDS = tuple(cid for c in CONTROLS for cid in c.component_ids)
"""Every component that holds a control's value, in table order."""
FOLLOWING_THE_VIEW = tuple(c for c in CONTROLS if c.options_follow)
"""Controls whose option lists change with the view (the URL callback works them out for each view)."""
LISTS_FOLLOWING_THE_VIEW = tuple(
    cid for c in CONTROLS if c.has_dropdown and c.options_follow for cid in c.component_ids
)
"""Dropdowns whose option lists change with the view (the URL callback sends them)."""
DROPDOWNS = tuple(cid for c in CONTROLS if c.has_dropdown for cid in c.component_ids)
"""Dropdowns, drawn first with their chosen options only and filled in after the charts."""


def filters_text(filters: tuple[tuple[str, str], ...]) -> str:
    """The filters of a view in a reader's words: 'Office of Field Operations, Family units (FMUA)'."""
    return ", ".join(SPELLED.get(column, {}).get(value, value) for column, value in filters)
