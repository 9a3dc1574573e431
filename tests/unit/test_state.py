"""The URL query string <-> view state: round trips, and invalid values that fall back with a notice."""

from __future__ import annotations

import pytest

from border_dashboard.components.state import ViewState, from_query, to_query
from border_dashboard.data.schema import ALL
from border_dashboard.data.schema import Encounters as E


def test_default_view_from_a_bare_url(dataset):
    state, notices = from_query("", dataset)
    assert state == ViewState() and notices == []
    assert state.nationalities == ("China",) and state.region == "Southwest Land Border"
    assert (state.start, state.end, state.basis) == ("2022-01", "2024-12", "calendar")


def test_round_trip(dataset):
    state = ViewState(
        nationalities=("India", "China"),
        region=ALL,
        start="2019-03",
        end="2021-07",
        basis="fiscal",
        rise=(2020, 2021),
        events=False,
    )
    query = to_query(state)
    assert "nationality=India&nationality=China" in query and "region=All" in query
    assert from_query(query, dataset) == (state, [])


def test_cbp_source_with_a_filter_round_trips(dataset):
    state = ViewState(source="cbp-swb", nationalities=("Mexico",), filters=((E.component, "U.S. Border Patrol"),))
    assert from_query(to_query(state), dataset) == (state, [])


def test_an_emptied_selection_stays_empty(dataset):
    state = ViewState(nationalities=())
    assert from_query(to_query(state), dataset) == (state, [])


@pytest.mark.parametrize(
    ("query", "notice", "check"),
    [
        ("?nationality=Atlantis", "Not in this source: Atlantis", lambda s: s.nationalities == ("China",)),
        ("?nationality=India&nationality=Atlantis", "Atlantis", lambda s: s.nationalities == ("India",)),
        ("?region=Moon", "Unknown region", lambda s: s.region == "Southwest Land Border"),
        ("?from=2023-13", "YYYY-MM", lambda s: s.start == "2022-01"),
        ("?to=yesterday", "YYYY-MM", lambda s: s.end == "2024-12"),
        ("?from=2024-05&to=2023-01", "started after it ended", lambda s: (s.start, s.end) == ("2022-01", "2024-12")),
        ("?basis=lunar", "calendar or fiscal", lambda s: s.basis == "calendar"),
        ("?source=nope", "Unknown source", lambda s: s.source == "ohss-usbp"),
        ("?rise=2023", "YEAR:YEAR", lambda s: s.rise is None),
        ("?component=Navy", "Unknown component", lambda s: s.filters == ()),
        ("?%%%&&&=", None, lambda s: s == ViewState()),
        ("?from=1980-01", "outside the data", lambda s: s.start == "2022-01"),
        ("?to=2031-05", "outside the data", lambda s: s.end == "2024-12"),
    ],
)
def test_invalid_values_fall_back_with_a_notice(dataset, query, notice, check):
    state, notices = from_query(query, dataset)
    assert check(state)
    if notice:
        assert any(notice in n for n in notices), notices
