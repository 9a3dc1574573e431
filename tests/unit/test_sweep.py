"""A sweep driven by the control table: every value of every control, and every pair of controls' values
at least once (a pairwise covering set), opened as a link through the page's own functions, and each view
checked against the same invariants. No hand-picked cases."""

from __future__ import annotations

import itertools
import random
from urllib.parse import urlencode

import pytest

from border_dashboard.components import callbacks, page
from border_dashboard.components import controls as C
from border_dashboard.components.state import from_query, to_query
from border_dashboard.components.view import ViewBuilder, headline
from border_dashboard.data import analysis
from border_dashboard.data.sources import SOURCES

MONTHS = ("1999-10", "2019-06", "2021-10", "2022-01", "2023-12", "2024-11", "2025-08", "2025-12")


def sweep_values(control: C.Control, dataset) -> list:
    """URL values of a control worth opening: what its option lists offer in any source (sampled where
    long), a blank, and one that is not valid."""
    if control.kind == "toggle":
        return ["on", "off"]
    if control is C.START or control is C.END:
        return list(MONTHS)
    if control.kind == "year-pair":
        return ["", "2022:2023", "2023:2024", "2021:2022", "2023:2023", "1990:2030"]
    values = set()
    for source in dataset.sources:
        state = page.ViewState(source=source, nationalities=("Mexico",))
        for option in page.option_lists(dataset, state, [control]).get(control.id, []):
            values.add(str(option["value"]))
    values = sorted(values)
    if control is C.NATIONALITY:
        values = ["China", "Mexico", "Other", "India", "Fiji"]  # Fiji: only in the Annual sheets
        many = "|".join(analysis.choices(dataset.served("ohss-usbp"), "nationality")[:9])
        return [*values, many, "China|India|Mexico", ""]
    return [*values, "nope"] if values else ["nope"]


def pairwise(parameters: dict[str, list], seed: int = 7) -> list[dict]:
    """A small set of cases in which every pair of values of every two parameters occurs (greedy)."""
    names = list(parameters)
    uncovered = {
        (a, va, b, vb) for a, b in itertools.combinations(names, 2) for va in parameters[a] for vb in parameters[b]
    }
    rng = random.Random(seed)
    cases = []
    while uncovered:
        a, va, b, vb = min(uncovered)  # start from a pair not yet covered
        case = {a: va, b: vb}
        for name in rng.sample(names, len(names)):
            if name in case:
                continue

            case[name] = max(parameters[name], key=lambda v: (_gain(uncovered, case, name, v), rng.random()))
        uncovered -= {(x, case[x], y, case[y]) for x, y in itertools.combinations(names, 2)}
        cases.append(case)
    return cases


def _gain(uncovered: set, case: dict, name: str, value) -> int:
    """How many pairs not yet covered a value of ``name`` would cover, beside the values chosen so far."""
    return sum((x, case[x], name, value) in uncovered or (name, value, x, case[x]) in uncovered for x in case)


def link(case: dict) -> str:
    pairs = []
    for parameter, value in case.items():
        if parameter == "nationality":
            pairs += [(parameter, v) for v in value.split("|")] if value else [(parameter, "")]
        elif value != "":
            pairs.append((parameter, value))
    return "?" + urlencode(pairs)


@pytest.fixture(scope="module")
def cases(dataset):
    return pairwise({c.parameter: sweep_values(c, dataset) for c in C.CONTROLS})


def test_the_covering_set_covers_every_value_and_pair(dataset, cases):
    parameters = {c.parameter: sweep_values(c, dataset) for c in C.CONTROLS}
    for a, b in itertools.combinations(parameters, 2):
        seen = {(case[a], case[b]) for case in cases}
        assert seen == set(itertools.product(parameters[a], parameters[b])), (a, b)
    assert len(cases) < 150  # pairwise, not every combination


def test_every_view_of_the_sweep_keeps_the_invariants(dataset, cases):
    builder = ViewBuilder(dataset)
    for case in cases:
        query = link(case)
        shown = page.controls(dataset, query, {}, None)
        state = shown.state
        # The address shows what is displayed: the canonical query reads back to the same view.
        assert from_query(shown.store, dataset) == (state, []), query
        assert to_query(state) == shown.store
        view = builder.build(state)
        result = callbacks.render_view(dataset, builder, shown.store)
        # Headline numbers equal `summary` for the same selection.
        expected = analysis.summary(
            dataset.served(state.source),
            state.selection.with_(nationalities=view.nationalities),
            state.rise,
            rounded_to=SOURCES[state.source].rounded_to,
        )
        items = {label: value for label, value, _ in headline(view)}
        if expected["rise"] and not view.empty_message:
            rise = expected["rise"]
            assert (view.comparison["from"], view.comparison["to"]) == (rise["from"], rise["to"]), query
            assert any(value == rise["words"] for value in items.values()), (query, items)
            if state.rise is None:  # a partial year is compared only when the reader picked it
                assert rise["from_months"] == 12 and rise["to_months"] == 12, query
        # Every chart with data in the window is drawn; an empty one says why.
        has_data = any(m["encounters"] for m in expected["monthly"])
        for chart, figure in result["figures"].items():  # the dicts the callback sends
            traces = [t for t in figure["data"] if len(t.get("x") or t.get("z") or [])]
            if has_data and chart != "top-chart":
                assert traces, (query, chart)
            if not traces:
                annotations = figure["layout"].get("annotations")
                assert annotations and annotations[0]["text"], (query, chart)
        assert result["sentence"], query
        # The tab the link asks for draws (its panel; the chart tab's is the charts above).
        if state.tab in callbacks.PANEL_TABS:
            assert callbacks.render_panel(dataset, builder, state.tab, shown.store), query
