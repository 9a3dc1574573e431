"""The view a reader asked for, and its round trip through the page URL's query string.

The URL is the only place per-reader state lives: a link reproduces the view, back and forward work.
Any invalid value falls back to the default and yields a notice; parsing never raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

from border_dashboard.data import analysis
from border_dashboard.data.analysis import Selection
from border_dashboard.data.schema import ALL
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.sources import DEFAULT_SOURCE, SOURCES
from border_dashboard.data.store import Dataset

# Query parameter -> dimension, for the filters that only some sources have.
FILTER_PARAMETERS = {"component": E.component, "demographic": E.demographic, "aor": E.area_of_responsibility}
MAX_NATIONALITIES = 12


@dataclass(frozen=True)
class ViewState:
    """Everything that decides what the page shows. Frozen and hashable, so views can be memoized."""

    source: str = DEFAULT_SOURCE
    nationalities: tuple[str, ...] = analysis.DEFAULT_NATIONALITIES
    region: str = analysis.DEFAULT_REGION
    start: str = analysis.DEFAULT_START
    end: str = analysis.DEFAULT_END
    basis: str = "calendar"
    filters: tuple[tuple[str, str], ...] = field(default=())
    rise: tuple[int, int] | None = None  # None: the first two years of the window
    events: bool = True

    @property
    def selection(self) -> Selection:
        return Selection(self.nationalities, self.region, self.start, self.end, self.basis, self.filters)

    def with_(self, **changes) -> "ViewState":
        return replace(self, **changes)


def month_range(dataset: Dataset) -> tuple[str, str]:
    """First month any source covers, and December of the last year any source covers."""
    firsts, lasts = zip(*(analysis.coverage(table) for table in (dataset.served(s) for s in dataset.tables)))
    return f"{min(firsts):%Y-%m}", f"{max(lasts).year}-12"


def to_query(state: ViewState) -> str:
    """The query string of a view, leaving out what equals the default (so the default URL is bare)."""
    default = ViewState()
    pairs: list[tuple[str, str]] = []
    if state.source != default.source:
        pairs.append(("source", state.source))
    pairs += [("nationality", n) for n in state.nationalities] or [("nationality", "")]
    pairs += [("region", state.region), ("from", state.start), ("to", state.end), ("basis", state.basis)]
    by_dimension = dict(state.filters)
    for parameter, column in FILTER_PARAMETERS.items():
        if by_dimension.get(column, ALL) != ALL:
            pairs.append((parameter, by_dimension[column]))
    if state.rise:
        pairs.append(("rise", f"{state.rise[0]}:{state.rise[1]}"))
    if not state.events:
        pairs.append(("events", "off"))
    return "?" + urlencode(pairs)


def from_query(query: str | None, dataset: Dataset) -> tuple[ViewState, list[str]]:
    """Parse a query string against the dataset; return the view and a notice for each value dropped."""
    params = parse_qs(query.lstrip("?") if isinstance(query, str) else "", keep_blank_values=True)
    notices: list[str] = []
    default = ViewState()

    def one(name: str) -> str | None:
        values = params.get(name)
        return values[-1] if values else None

    source = one("source") or default.source
    if source not in dataset.tables:
        notices.append(f"Unknown source {source!r}; showing {SOURCES[default.source].title}.")
        source = default.source
    table = dataset.served(source)

    nationalities = default.nationalities
    if "nationality" in params:  # present but blank: the reader cleared the choice
        asked = [n for n in dict.fromkeys(params["nationality"]) if n][:MAX_NATIONALITIES]
        known = set(analysis.choices(table, E.nationality))
        kept = tuple(n for n in asked if n in known)
        dropped = [n for n in asked if n not in known]
        nationalities = kept
        if dropped:
            notices.append(f"Not in this source: {', '.join(dropped[:5])}.")
            if not kept:
                nationalities = tuple(n for n in default.nationalities if n in known)
                notices[-1] += " Showing the default nationality instead."

    region = one("region") or default.region
    if region != ALL and region not in analysis.choices(table, E.region):
        notices.append(f"Unknown region {region!r}; showing {default.region}.")
        region = default.region

    start, end = one("from") or default.start, one("to") or default.end
    first, last = month_range(dataset)
    for name, value, fallback in (("from", start, default.start), ("to", end, default.end)):
        try:
            month = f"{analysis.parse_month(value):%Y-%m}"
            if not first <= month <= last:
                notices.append(f"'{name}' {value} is outside the data ({first} to {last}).")
                month = fallback
        except ValueError:
            notices.append(f"'{name}' must be a month written YYYY-MM, not {value!r}.")
            month = fallback
        start, end = (month, end) if name == "from" else (start, month)
    if start > end:
        notices.append(f"The window started after it ended; showing {default.start} to {default.end}.")
        start, end = default.start, default.end

    basis = one("basis") or default.basis
    if basis not in analysis.BASES:
        notices.append(f"Year basis must be calendar or fiscal, not {basis!r}.")
        basis = default.basis

    filters = []
    for parameter, column in FILTER_PARAMETERS.items():
        value = one(parameter)
        if value is None or value == ALL:
            continue
        if value in analysis.choices(table, column):
            filters.append((column, value))
        else:
            notices.append(f"Unknown {parameter} {value!r} in this source; showing all.")

    rise = None
    if one("rise"):
        try:
            first, second = (int(part) for part in one("rise").split(":"))
            rise = (first, second)
        except ValueError:
            notices.append(f"'rise' must be written YEAR:YEAR, not {one('rise')!r}.")

    events = one("events") != "off"
    state = ViewState(source, nationalities, region, start, end, basis, tuple(filters), rise, events)
    return state, notices
