"""The URL query string <-> view state: round trips, and invalid values that fall back with a notice."""

from __future__ import annotations

import pytest

from border_dashboard.components import controls as C
from border_dashboard.components import page
from border_dashboard.components.state import ViewState, from_query, query_from_components, to_query
from border_dashboard.data import analysis, importers, store
from border_dashboard.data.schema import ALL
from border_dashboard.data.schema import Encounters as E
from tests import official
from tests.conftest import NATIONWIDE_SAMPLE


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
        ("?from=2024-05&to=2023-01", "started after it ended", lambda s: (s.start, s.end) == ("2023-01", "2024-05")),
        ("?bassis=fiscal", "Did you mean 'basis'?", lambda s: s.basis == "calendar"),
        ("?nationality=Chna", "did you mean China", lambda s: s.nationalities == ("China",)),
        ("?region=Mars", "Unknown region 'Mars'", lambda s: s.region == "Southwest Land Border"),
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


@pytest.fixture(scope="module")
def every_source(dataset):
    """The shipped dataset plus CBP's nationwide shape (a sample of it), which has areas of responsibility."""
    nationwide = importers.read_cbp_csv(NATIONWIDE_SAMPLE)
    tables = {**dataset.tables, nationwide.name: nationwide.table}
    record = {**dataset.provenance["cbp-swb"], "source": nationwide.name}
    return store.Dataset(tables, {**dataset.provenance, nationwide.name: record})


def _option_values(dataset, control, state):
    """Every value a reader can pick in a control, for a view (a year pair: each year with the next)."""
    if control.kind == "toggle":
        return [True, False]
    options = page.option_lists(dataset, state, [control]).get(control.component_ids[0], [])
    values = [o["value"] for o in options if not o.get("disabled")]
    if control.kind == "multi":
        return [(v,) for v in values]
    if control.kind == "year-pair":
        return list(zip(values, values[1:]))
    return values


@pytest.mark.parametrize("control", C.CONTROLS, ids=lambda c: c.parameter)
def test_every_value_of_every_control_round_trips_through_the_url_and_the_page(every_source, control):
    """Generated from the control table: each pickable value of each control, in each source, read back
    from its URL and from the page's components without a notice and unchanged."""
    dataset, checked = every_source, 0
    for source in dataset.sources:
        base = ViewState(source=source, nationalities=("Mexico",))  # in every source
        values = _option_values(dataset, control, base)
        step = max(1, len(values) // 40)  # months: a sample across the whole range
        for value in values[::step]:
            state = control.apply(base, value)
            if state.start > state.end:
                state = state.with_(start=state.end) if control is C.END else state.with_(end=state.start)
            assert from_query(to_query(state), dataset) == (state, []), value
            components = page.control_values(dataset, state)
            assert from_query(query_from_components(components), dataset)[0].with_(rise=state.rise) == state
            checked += 1
    assert checked >= 2


def test_each_parameter_is_read_by_one_control():
    parameters = [c.parameter for c in C.CONTROLS]
    assert len(parameters) == len(set(parameters))
    ids = [cid for c in C.CONTROLS for cid in (*c.component_ids, c.wrapper_id)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("query", "check"),
    [
        (
            "?nationality=china&region=northern",
            lambda s: (s.nationalities, s.region) == (("China",), "Northern Land Border"),
        ),
        ("?nationality=CHINA,+PEOPLES+REPUBLIC+OF", lambda s: s.nationalities == ("China",)),
        ("?nationality=korea,+south&region=all", lambda s: (s.nationalities, s.region) == (("South Korea",), ALL)),
        ("?nationality=india&nationality=India", lambda s: s.nationalities == ("India",)),
        ("?nationality=China,india,+Mexico", lambda s: s.nationalities == ("China", "India", "Mexico")),
        ("?nationality=korea,+south,China", lambda s: s.nationalities == ("South Korea", "China")),
    ],
)
def test_hand_typed_links_resolve_names_like_the_command_line(dataset, query, check):
    state, notices = from_query(query, dataset)
    assert check(state) and notices == []


def test_a_link_asking_for_more_nationalities_than_the_cap_says_so(dataset):
    # 'Select All' on the page asks for every nationality: the view keeps the 12 with most encounters in
    # the window, largest first (Mexico, Guatemala, Venezuela, ... at the Southwest border, 2022 to 2024).
    names = analysis.choices(dataset.tables["ohss-usbp"], E.nationality)
    state, notices = from_query("?" + "&".join(f"nationality={n}" for n in names), dataset)
    series = official.ohss_sheet("Monthly Rgn and Citp")
    window = series[(series["Region"] == "Southwest Land Border") & series["month"].between("2022-01", "2024-12")]
    largest = window.groupby("Citizenship")["Quantity"].sum().sort_values(ascending=False).index[:12].tolist()
    assert len(state.nationalities) == C.MAX_NATIONALITIES
    assert list(state.nationalities[:5]) == largest[:5] == ["Mexico", "Guatemala", "Venezuela", "Honduras", "Colombia"]
    assert notices == [
        f"At most 12 nationalities are shown at once: showing the 12 of the {len(names)} asked for with the most "
        "encounters in the window."
    ]


def test_each_month_option_is_found_by_the_spellings_a_reader_types(dataset):
    options = {o["value"]: o for o in C.month_options(dataset, dataset.served("ohss-usbp"), ViewState())}
    for spelling in ("2023-12", "Dec 2023", "December 2023", "12/2023"):
        assert spelling in options["2023-12"]["search"]
        assert all(spelling not in o["search"] for v, o in options.items() if v != "2023-12")
    assert "1/2024" in options["2024-01"]["search"]
