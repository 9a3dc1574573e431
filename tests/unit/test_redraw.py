"""The redraw's faster paths give exactly what the slower ones gave: the page's callback sends the plain dict
of each figure (not a ``go.Figure``), and the analysis adds up small frames with numpy rather than pandas
groupbys. Each is checked against the way it replaced, on the real data and on random frames."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plotly.io.json import to_json_plotly

from border_dashboard.components import callbacks, charts, page
from border_dashboard.components.state import ViewState, to_query
from border_dashboard.components.view import ViewBuilder
from border_dashboard.data import analysis, store
from border_dashboard.data.schema import ALL
from border_dashboard.data.schema import Encounters as E

DATASET = store.load()
BUILDER = ViewBuilder(DATASET)
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VIEWS = [
    ViewState(),
    ViewState(nationalities=("China", "India", ALL), basis="fiscal", rise=(2021, 2023)),
    ViewState(nationalities=("Mexico",), region=ALL, start="2000-01", end="2024-12", measure="index", scale="log"),
    ViewState(source="cbp-swb", nationalities=("China", "Mexico"), start="2021-10", end="2025-08"),
    ViewState(nationalities=("China",), start="2030-01", end="2030-12"),  # no data: the empty figures
    ViewState(nationalities=()),
]


def test_a_plain_figure_is_what_its_go_figure_sends():
    for state in VIEWS:
        view = BUILDER.build(state)
        for narrow in (False, True):
            shown = charts.build_charts(view, narrow=narrow)
            plain = charts.build_charts(view, narrow=narrow, plain=True)
            assert set(plain) == set(shown)
            for chart, figure in shown.items():
                assert isinstance(plain[chart], dict)
                assert json.loads(to_json_plotly(plain[chart])) == json.loads(to_json_plotly(figure)), (state, chart)


def test_with_typed_arrays_does_what_plotlys_own_conversion_does():
    """``figures.with_typed_arrays`` against ``convert_to_base64``, which ``go.Figure.to_dict`` applies, on
    a dict of every kind of value either meets."""
    import copy

    import numpy as np
    import pandas as pd
    from _plotly_utils.utils import convert_to_base64

    from border_dashboard.components import figures

    odd = {
        "data": [
            {"x": np.arange(5), "y": pd.Series([1.5, 2.5]), "z": np.array([[1, 2], [3, 4]], dtype="int64")},
            {"x": [1, "a", None, np.int64(3)], "customdata": [[1, 2], ("a", np.arange(2))], "text": "t"},
            {"range": np.arange(3), "marker": {"color": pd.Index([1, 2]), "size": np.float64(3.0)}},
            [np.arange(2), {"y": np.array([], dtype="int64")}],
        ],
        "layout": {"geojson": np.arange(2), "xaxis": {"range": [0, 1], "tickvals": np.array([2**40])}},
    }
    samples = [odd, *odd["data"], odd["layout"]]  # (the real figures: the test above, through go.Figure)
    for sample in samples:
        theirs, ours = copy.deepcopy(sample), copy.deepcopy(sample)
        convert_to_base64(theirs)
        assert json.loads(to_json_plotly(figures.with_typed_arrays(ours))) == json.loads(to_json_plotly(theirs))


def test_the_redraw_answers_what_the_page_shows():
    for state in VIEWS:
        query = to_query(state)
        sent = callbacks.render_view(DATASET, BUILDER, query)
        drawn = page.content(DATASET, BUILDER, query)  # go.Figure, as the first page has them
        assert json.loads(to_json_plotly(sent)) == json.loads(to_json_plotly({k: drawn[k] for k in sent})), state


# --- numpy sums against the pandas groupbys they replaced ---------------------------------------------

series_rows = st.lists(
    st.tuples(st.sampled_from(["China", "India", "Peru"]), st.integers(0, 40), st.integers(0, 10_000)),
    max_size=60,
)


def _series(rows) -> pd.DataFrame:
    rows = list({(name, month): count for name, month, count in rows}.items())  # a month once per nationality
    return pd.DataFrame(
        {
            E.nationality: pd.array([name for (name, _), _ in rows], dtype="str"),
            E.month: (np.datetime64("2020-01", "M") + np.array([m for (_, m), _ in rows], dtype=int)).astype(
                "datetime64[s]"
            ),
            E.encounters: np.array([count for _, count in rows], dtype="int64"),
        }
    )


@FAST
@given(series_rows)
def test_combined_is_the_groupby_sum(rows):
    series = _series(rows)
    expected = series.groupby(E.month, as_index=False)[E.encounters].sum()
    pd.testing.assert_frame_equal(analysis.combined(series), expected, check_index_type=False)


@FAST
@given(series_rows, st.sampled_from(analysis.BASES))
def test_yearly_combined_is_the_groupby_of_the_yearly_totals(rows, basis):
    series = _series(rows)
    expected = (
        analysis.yearly_totals(series, basis)
        .groupby("year", as_index=False, sort=True)
        .agg(encounters=("encounters", "sum"), months=("months", "max"))
    )
    pd.testing.assert_frame_equal(analysis.yearly_combined(series, basis), expected, check_index_type=False)


@FAST
@given(series_rows)
def test_rows_by_nationality_are_the_groups_of_a_groupby(rows):
    series = _series(rows)
    expected = [(name, list(group.index)) for name, group in series.groupby(E.nationality, sort=False)]
    got = [(name, list(np.flatnonzero(mask))) for name, mask in analysis.rows_by_nationality(series)]
    assert got == expected


@FAST
@given(series_rows, st.sampled_from(analysis.BASES), st.sets(st.sampled_from(["China", "India", "Peru"])))
def test_years_combined_of_some_nationalities_is_yearly_combined_of_their_rows(rows, basis, names):
    """What a view computes from the yearly table it has is what adding up those nationalities' months gives."""
    series = _series(rows)
    expected = analysis.yearly_combined(series[series[E.nationality].isin(names)], basis)
    got = analysis.years_combined(analysis.yearly_totals(series, basis), tuple(names))
    pd.testing.assert_frame_equal(got, expected, check_index_type=False)


@FAST
@given(series_rows, st.sampled_from(analysis.BASES), st.integers(2019, 2024), st.integers(2019, 2024))
def test_rise_and_rises_are_the_groupby_ratios(rows, basis, first, second):
    yearly = analysis.yearly_totals(_series(rows), basis)

    def expected(frame):
        totals = frame.groupby("year")["encounters"].sum()
        if first not in totals.index or second not in totals.index or totals[first] == 0:
            return None
        return float(totals[second] / totals[first])

    assert analysis.rise(yearly, first, second) == expected(yearly)
    each = {name: expected(rows) for name, rows in yearly.groupby(E.nationality, sort=False)}
    assert analysis.rises(yearly, first, second) == each
    assert list(analysis.rises(yearly, first, second)) == list(each)  # in order of appearance


def test_year_of_is_the_calendar_or_fiscal_year():
    months = pd.date_range("1999-01", "2025-12", freq="MS")
    assert analysis.year_of(months, "calendar").tolist() == months.year.tolist()
    assert analysis.year_of(pd.Series(months), "fiscal").tolist() == (months.year + (months.month >= 10)).tolist()


def test_top_nationalities_rank_by_count_then_name_and_keep_the_asked_ones():
    table = DATASET.served("ohss-usbp")
    for selection in (
        analysis.Selection(),
        analysis.Selection(region=ALL, start="2000-01", end="2000-03"),
        analysis.Selection(region="Northern Land Border", start="2005-01", end="2005-01"),
    ):
        top = analysis.top_nationalities(table, selection, n=10, include=("Peru", "Iceland"))
        lo, hi = table.window(*selection.window)
        names, matrix = table.by_nationality(selection.region, ())
        ranked = pd.DataFrame({E.nationality: pd.array(names, dtype="str"), E.encounters: matrix[:, lo:hi].sum(axis=1)})
        ranked = ranked[(ranked[E.nationality] != ALL) & (ranked[E.encounters] > 0)]
        ranked = ranked.sort_values([E.encounters, E.nationality], ascending=[False, True], kind="stable")
        ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
        expected = ranked[(ranked["rank"] <= 10) | ranked[E.nationality].isin(["Peru", "Iceland"])]
        pd.testing.assert_frame_equal(top, expected.reset_index(drop=True))


def test_a_view_read_back_from_its_json_draws_the_same_charts():
    """The shared cache's view (JSON, read with numpy's date parser) is the built view, frame for frame."""
    from border_dashboard.components import view as V

    for state in VIEWS:
        built = BUILDER.build(state)
        read = V.view_from_json(V.view_to_json(built), state)
        for name in V._FRAMES:
            pd.testing.assert_frame_equal(getattr(read, name), getattr(built, name).reset_index(drop=True))
        assert json.loads(to_json_plotly(charts.build_charts(read, plain=True))) == json.loads(
            to_json_plotly(charts.build_charts(built, plain=True))
        )
        assert read.peak == built.peak and read.comparison == built.comparison and read.rise == built.rise
