"""The view a reader asked for, and its round trip through the page URL's query string.

The URL is the only place per-reader state lives: a link reproduces the view, back and forward work.
Each parameter is read by its control's parser (``controls.CONTROLS``), which falls back to the default
with a notice; parsing never raises.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

from border_dashboard.components import controls as C
from border_dashboard.data import analysis
from border_dashboard.data.analysis import Selection
from border_dashboard.data.schema import ALL
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.store import Dataset


@dataclass(frozen=True)
class ViewState:
    """Everything that decides what the page shows. Frozen and hashable, so views can be memoized.

    Defaults come from the control table; ``filters`` holds (column, value) for each filter not at "All".
    """

    source: str = C.SOURCE.default
    nationalities: tuple[str, ...] = C.NATIONALITY.default
    region: str = C.REGION.default
    start: str = C.START.default
    end: str = C.END.default
    basis: str = C.BASIS.default
    filters: tuple[tuple[str, str], ...] = field(default=())
    rise: tuple[int, int] | None = C.RISE.default  # None: chosen from the window's years
    measure: str = C.MEASURE.default  # what the trend plots (``measures``); headline numbers stay counts
    scale: str = C.SCALE.default
    events: bool = C.EVENTS.default
    tab: str = C.TAB.default  # which of the page's views is shown; the numbers do not depend on it

    @property
    def selection(self) -> Selection:
        return Selection(self.nationalities, self.region, self.start, self.end, self.basis, self.filters)

    def with_(self, **changes) -> "ViewState":
        return replace(self, **changes)


month_range = C.month_range


def to_query(state: ViewState) -> str:
    """The query string of a view; parameters at their default are left out unless their control says."""
    pairs = [(c.parameter, v) for c in C.CONTROLS for v in c.to_url(c.value_of(state))]
    return "?" + urlencode(pairs)


def parse(params: dict[str, list[str]], dataset: Dataset) -> tuple[ViewState, list[str]]:
    """URL parameters (name -> values) -> the view, and a notice for each value that fell back."""
    context = C.ParseContext(dataset)
    for name in params:
        if name not in C.BY_PARAMETER and name:
            close = difflib.get_close_matches(name, list(C.BY_PARAMETER), n=1, cutoff=0.6)
            hint = f" Did you mean '{close[0]}'?" if close else f" Known: {', '.join(C.BY_PARAMETER)}."
            context.notices.append(f"Unknown parameter {name[:40]!r} is ignored.{hint}")
    fields: dict = {}
    filters = []
    for control in C.CONTROLS:
        value = control.parse(params.get(control.parameter), context)
        if control.field == "filters":
            if value != ALL:
                filters.append((control.column, value))
        else:
            fields[control.field] = value
    state = ViewState(**fields, filters=tuple(filters))
    if len(state.nationalities) > C.MAX_NATIONALITIES:
        state = state.with_(nationalities=_largest(dataset, state))
        context.notices.append(
            f"At most {C.MAX_NATIONALITIES} nationalities are shown at once: showing the {C.MAX_NATIONALITIES} "
            f"of the {len(fields['nationalities'])} asked for with the most encounters in the window."
        )
    if state.start > state.end:
        context.notices.append(f"The window started after it ended; showing {state.end} to {state.start}.")
        state = state.with_(start=state.end, end=state.start)
    if state.rise:
        years = analysis.window_years(dataset.served(state.source), state.selection)
        first, second = state.rise
        if first == second:
            context.notices.append(f"Comparing {first} with itself says nothing; comparing two other years.")
            state = state.with_(rise=None)
        elif first not in years or second not in years:
            context.notices.append(f"'rise' {first}:{second} is outside the window; comparing two years inside it.")
            state = state.with_(rise=None)
    return state, context.notices


def _largest(dataset: Dataset, state: ViewState) -> tuple[str, ...]:
    """The ``MAX_NATIONALITIES`` of a view's nationalities with the most encounters in its window and region
    (as the source counts them), largest first: what a reader who picked 'Select All' can compare."""
    table = dataset.served(state.source)
    counted = analysis.counted_as(table, state.nationalities)
    series = analysis.monthly_series(table, state.selection.with_(nationalities=tuple(dict.fromkeys(counted.values()))))
    totals = series.groupby(E.nationality, sort=False)[E.encounters].sum()
    ranked = sorted(state.nationalities, key=lambda n: -int(totals.get(counted.get(n, n), 0)))
    return tuple(ranked[: C.MAX_NATIONALITIES])


def from_query(query: str | None, dataset: Dataset) -> tuple[ViewState, list[str]]:
    """Parse a query string against the dataset; return the view and a notice for each value dropped."""
    text = query.lstrip("?") if isinstance(query, str) else ""
    return parse(parse_qs(text, keep_blank_values=True), dataset)


def query_from_components(values: dict) -> str:
    """The query string the page's controls describe (validated afterwards, like any URL)."""
    pairs = []
    for control in C.CONTROLS:
        url_values = control.url_from_components(values)
        pairs += [(control.parameter, v) for v in url_values or []]
    return "?" + urlencode(pairs)
