"""Property tests (Hypothesis): analysis, URL state and page functions never fail on arbitrary selections,
and what they return keeps its invariants."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from border_dashboard.components import controls as C
from border_dashboard.components import ids, page
from border_dashboard.components.state import ViewState, from_query, to_query
from border_dashboard.components.view import ViewBuilder
from border_dashboard.data import analysis, store
from border_dashboard.data.schema import ALL
from border_dashboard.data.schema import Encounters as E

DATASET = store.load()
BUILDER = ViewBuilder(DATASET)
OHSS = DATASET.served("ohss-usbp")
NAMES = analysis.choices(OHSS, E.nationality)
REGIONS = [*analysis.choices(OHSS, E.region), ALL]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

months = st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(1995, 2030), st.integers(1, 12))
selections = st.builds(
    lambda names, region, a, b, basis: analysis.Selection(tuple(names), region, min(a, b), max(a, b), basis),
    st.lists(st.sampled_from(NAMES + ["Atlantis", ALL]), min_size=0, max_size=4, unique=True),
    st.sampled_from(REGIONS + ["Moon"]),
    months,
    months,
    st.sampled_from(analysis.BASES),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@FAST
@given(selections)
def test_analysis_functions_hold_their_invariants(selection):
    series = analysis.monthly_series(OHSS, selection)
    assert (series[E.encounters] >= 0).all()
    assert len(series) == len(selection.nationalities) * len(analysis.window_months(OHSS, selection))
    yearly = analysis.yearly_totals(series, selection.basis)
    assert yearly["encounters"].sum() == series[E.encounters].sum()
    assert yearly["months"].between(1, 12).all()
    top = analysis.peak(analysis.combined(series))
    if top:
        assert top["encounters"] == analysis.combined(series)[E.encounters].max()
    years = sorted(yearly["year"].unique())
    if len(years) >= 2:
        ratio = analysis.rise(yearly, years[0], years[1])
        assert ratio is None or ratio >= 0
    share = analysis.share_of_region(OHSS, selection)
    assert share is None or share >= 0
    ranked = analysis.top_nationalities(OHSS, selection, n=5)
    assert ranked[E.encounters].is_monotonic_decreasing and ALL not in set(ranked[E.nationality])


@FAST
@given(st.text(max_size=200))
def test_any_query_string_gives_a_valid_view(query):
    state, notices = from_query(query, DATASET)
    assert state.source in DATASET.tables
    assert set(state.nationalities) <= set(analysis.choices(DATASET.served(state.source), E.nationality))
    assert state.start <= state.end and state.basis in analysis.BASES
    assert all(isinstance(n, str) and "\n" not in n for n in notices)
    assert from_query(to_query(state), DATASET)[0] == state  # a canonical URL round-trips


@FAST
@given(
    st.dictionaries(
        st.sampled_from(
            ["nationality", "region", "from", "to", "basis", "source", "component", "rise", "events", "aor"]
        ),
        st.text(max_size=30),
        max_size=6,
    )
)
def test_any_url_parameters_render_a_page(params):
    query = "?" + urlencode(params)
    result = page.content(DATASET, BUILDER, query)
    assert set(result["figures"]) == set(ids.CHARTS)
    json.dumps([f.to_plotly_json() for f in result["figures"].values()], default=str)


@FAST
@given(
    st.fixed_dictionaries({c: json_values for c in C.COMPONENT_IDS}),
    st.sampled_from([None, ids.URL, *C.COMPONENT_IDS]),
    json_values,
)
def test_controls_take_any_values_a_browser_could_send(values, triggered, search):
    result = page.controls(DATASET, search, values, triggered)
    state, _ = from_query(result.store, DATASET)
    assert state == result.state  # what is stored is what is shown
    assert result.values[C.SOURCE.id] in DATASET.tables


@FAST
@given(st.sampled_from(sorted(DATASET.tables)), st.lists(st.text(max_size=12), max_size=3), months, months)
def test_any_source_and_names(source, names, a, b):
    state = ViewState(source=source, nationalities=tuple(names), start=min(a, b), end=max(a, b))
    state, _ = from_query(to_query(state), DATASET)
    view = BUILDER.build(state)
    # The names drawn are the ones asked for, or the group the source counts them in.
    assert set(view.nationalities) == {view.counted_in.get(n, n) for n in state.nationalities}
    # One zero-filled point per drawn name and month of the window, and the charts' totals agree.
    series = view.series
    assert set(series[E.nationality]) <= set(view.nationalities)
    assert not series.duplicated([E.nationality, E.month]).any()
    assert series[E.month].between(pd.Timestamp(state.start), pd.Timestamp(state.end)).all()
    assert view.monthly[E.encounters].sum() == series[E.encounters].sum() == view.yearly[E.encounters].sum()


@FAST
@given(st.text(max_size=120))
def test_csv_download_for_any_stored_selection(query):
    from border_dashboard.components import export

    state, _ = from_query(query, DATASET)
    text = export.csv_text(BUILDER.build(state), DATASET.provenance[state.source])
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body[0].startswith("Period,What")
    assert not any(cell.startswith(("=", "+", "@")) for line in body[1:] for cell in line.split(","))


@FAST
@given(selections, st.integers(1995, 2030), st.integers(1995, 2030))
def test_summary_for_any_selection_and_rise_years(selection, first, second):
    result = analysis.summary(OHSS, selection, (first, second))
    by_year = {}
    for m in result["monthly"]:
        year = int(analysis.year_of(pd.DatetimeIndex([m["month"]]), selection.basis)[0])
        by_year[year] = by_year.get(year, 0) + m["encounters"]
    assert sorted(by_year) == [y["year"] for y in result["yearly"]]
    for item in result["yearly"]:
        if item["kind"] == "sum":  # the sum of its months
            assert item["encounters"] == by_year[item["year"]]
        else:  # a whole fiscal year's published figure: the same count, rounded once instead of monthly
            assert selection.basis == "fiscal" and item["months"] == 12
            parts = len(selection.nationalities)
            assert abs(item["encounters"] - by_year[item["year"]]) <= item["bound"] + analysis.rounding_bound(
                12 * parts, 10
            )
    assert result["rise"]["ratio"] is None or result["rise"]["ratio"] >= 0


@FAST
@given(st.text(max_size=40))
def test_name_resolution_either_matches_or_says_so(name):
    try:
        assert analysis.resolve(name, NAMES, "nationality") in [*NAMES, ALL]
    except analysis.UnknownNameError as error:
        assert "unknown nationality" in str(error) and "\n" not in str(error)
