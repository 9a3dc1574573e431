"""The analysis API on the shipped dataset: the story's numbers, and any other selection."""

from __future__ import annotations

import pandas as pd
import pytest

from border_dashboard.data import analysis
from border_dashboard.data.analysis import Selection
from border_dashboard.data.schema import ALL
from border_dashboard.data.schema import Encounters as E
from tests import official


@pytest.fixture(scope="module")
def ohss_table(dataset):
    return dataset.tables["ohss-usbp"]


def test_the_story_holds_on_calendar_years(ohss_table):
    series = analysis.monthly_series(ohss_table, Selection())
    yearly = analysis.yearly_totals(series, "calendar").set_index("year")
    assert yearly.loc[2023, "encounters"] == 37_160  # "more than 37,000 ... in 2023"
    assert yearly.loc[2022, "encounters"] == 3_600
    assert analysis.rise(yearly.reset_index(), 2022, 2023) == pytest.approx(10.32, abs=0.01)
    top = analysis.peak(analysis.combined(series))
    assert (f"{top['month']:%Y-%m}", top["encounters"]) == ("2023-12", 5_950)
    early_2024 = series[(series[E.month] >= "2024-01-01") & (series[E.month] <= "2024-03-01")]
    assert (early_2024[E.encounters] < top["encounters"]).all()  # "fell in the first months of 2024"


def test_partial_year_is_counted_as_such(ohss_table):
    yearly = analysis.yearly_totals(analysis.monthly_series(ohss_table, Selection()), "calendar")
    assert yearly.set_index("year")["months"].to_dict() == {2022: 12, 2023: 12, 2024: 11}


def test_tenfold_does_not_hold_on_fiscal_years(ohss_table):
    selection = Selection(basis="fiscal")
    yearly = analysis.yearly_totals(analysis.monthly_series(ohss_table, selection), "fiscal")
    by_year = yearly.set_index("year")
    assert by_year.loc[2023, "encounters"] == 24_050
    assert by_year.loc[2022, "months"] == 9  # the window starts in January, FY2022 began in October
    assert analysis.rise(yearly, 2023, 2024) == pytest.approx(37_830 / 24_050)


def test_all_regions_comes_from_the_citizenship_sheet_not_from_adding_regions(ohss_table):
    whole = analysis.monthly_series(ohss_table, Selection(region=ALL))
    assert whole[E.encounters].sum() == 3_610 + 37_280 + 25_130
    rows = ohss_table[(ohss_table[E.nationality] == "China") & (ohss_table[E.region] == ALL)]
    assert set(rows[E.sector]) == {ALL}


def test_all_nationalities_comes_from_the_region_sheet(ohss_table):
    selection = Selection(nationalities=(ALL,), start="2023-12", end="2023-12")
    total = analysis.monthly_series(ohss_table, selection)[E.encounters].sum()
    # The workbook's 'Monthly Region' row for FY2024 '03 December', Southwest Land Border: 249,740.
    published = official.ohss_monthly("Monthly Region", "2023-12", "2023-12", Region=official.SOUTHWEST)
    assert total == published["2023-12"] == 249_740


def test_several_nationalities_are_kept_apart_and_added_for_the_total(ohss_table):
    series = analysis.monthly_series(ohss_table, Selection(nationalities=("China", "India")))
    assert list(series[E.nationality].unique()) == ["China", "India"]
    for name, spelling in (("China", official.CHINA), ("India", "India")):
        published = official.ohss_monthly("Monthly Rgn and Citp", Region=official.SOUTHWEST, Citizenship=spelling)
        mine = series[series[E.nationality] == name]
        assert dict(zip(mine[E.month].dt.strftime("%Y-%m"), mine[E.encounters])) == published.to_dict(), name
    # China 3,600 + 37,160 + 25,000 = 65,760; India 85,520 (the workbook, January 2022 to December 2024).
    assert analysis.combined(series)[E.encounters].sum() == 65_760 + 85_520


def test_share_and_top_nationalities(ohss_table):
    # China's 65,760 of the region's 5,389,200 Southwest encounters from January 2022 to December 2024.
    region = official.ohss_monthly("Monthly Region", Region=official.SOUTHWEST)
    assert region.sum() == 5_389_200
    assert analysis.share_of_region(ohss_table, Selection()) == pytest.approx(65_760 / 5_389_200)
    top = analysis.top_nationalities(ohss_table, Selection(), n=5, include=("China",))
    in_the_workbook = [("Mexico", 1_697_340), ("Guatemala", 589_270), ("Venezuela", 465_870)]
    in_the_workbook += [("Honduras", 438_830), ("Colombia", 386_680), ("China", 65_760)]
    assert list(zip(top[E.nationality], top[E.encounters])) == in_the_workbook
    assert top["rank"].tolist() == [1, 2, 3, 4, 5, 13]  # China is 13th (Cuba 6th with 330,240)


def test_window_outside_the_data_is_empty_not_an_error(ohss_table):
    selection = Selection(start="2030-01", end="2030-12")
    series = analysis.monthly_series(ohss_table, selection)
    assert series.empty
    assert analysis.peak(analysis.combined(series)) is None
    assert analysis.rise(analysis.yearly_totals(series, "calendar"), 2030, 2031) is None


def test_cbp_source_sums_its_unrounded_rows(dataset):
    table = dataset.tables["cbp-swb"]
    selection = Selection(nationalities=("Mexico",), start="2023-12", end="2023-12")
    # The CBP file's rows for Mexico, December 2023 (FY2024 DEC), summed by hand with pandas.
    everyone = official.cbp_total("2023-12", **{"Citizenship Grouping": "Mexico"})
    patrol_only = official.cbp_total("2023-12", **{"Citizenship Grouping": "Mexico", "Component": "U.S. Border Patrol"})
    assert (everyone, patrol_only) == (69_041, 56_240)
    assert analysis.monthly_series(table, selection)[E.encounters].sum() == everyone
    patrol = selection.with_(filters=((E.component, "U.S. Border Patrol"),))
    assert analysis.monthly_series(table, patrol)[E.encounters].sum() == patrol_only


def test_a_nationality_the_source_does_not_break_out_is_zero(dataset):
    series = analysis.monthly_series(dataset.tables["cbp-swb"], Selection())
    assert series[E.encounters].sum() == 0


@pytest.mark.parametrize(
    ("typed", "what", "expected"),
    [
        ("china", "nationality", "China"),
        ("southwest", "region", "Southwest Land Border"),
        ("border patrol", "component", "U.S. Border Patrol"),
        ("all", "region", ALL),
    ],
)
def test_names_resolve_case_insensitively(dataset, typed, what, expected):
    column = {"nationality": E.nationality, "region": E.region, "component": E.component}[what]
    assert analysis.resolve(typed, analysis.choices(dataset.tables["ohss-usbp"], column), what) == expected


def test_unknown_name_suggests_close_ones(dataset):
    with pytest.raises(analysis.UnknownNameError, match="did you mean.*China"):
        analysis.resolve("chna", analysis.choices(dataset.tables["ohss-usbp"], E.nationality), "nationality")


def test_selection_rejects_bad_windows():
    with pytest.raises(ValueError, match="YYYY-MM"):
        Selection(start="2023-13")
    with pytest.raises(ValueError, match="after it ends"):
        Selection(start="2024-01", end="2023-01")


def test_summary_object(ohss_table):
    result = analysis.summary(ohss_table, Selection(), rise_years=(2023, 2024), rounded_to=10)
    # A partial year the reader picked: kept, with its months; a fall reads as a fall.
    rise = result["rise"]
    assert (rise["from"], rise["to"], rise["ratio"]) == (2023, 2024, round(25_000 / 37_160, 3))
    assert (rise["from_months"], rise["to_months"], rise["words"]) == (12, 11, "fell 33%")
    # Rounding to 10 puts each monthly figure within 5: 60 for a whole year, 55 for 11 months.
    assert (rise["low"], rise["high"]) == (round(24_945 / 37_220, 3), round(25_055 / 37_100, 3))
    assert result["yearly"][2] == {"year": 2024, "encounters": 25_000, "months": 11, "kind": "sum", "bound": 55}
    assert result["peak"] == {"month": "2023-12", "encounters": 5_950}
    assert result["monthly"][0] == {"month": "2022-01", "encounters": 80}
    assert len(result["monthly"]) == 35
    assert pd.Series([m["encounters"] for m in result["monthly"]]).sum() == 3_600 + 37_160 + 25_000


def test_window_before_the_data_is_empty(ohss_table):
    """Found by the property tests: a window ending before the coverage once gave a negative slice."""
    series = analysis.monthly_series(ohss_table, Selection(start="1995-01", end="1995-06"))
    assert series.empty and analysis.top_nationalities(ohss_table, Selection(start="1995-01", end="1995-06")).empty


def test_rise_years_are_the_readers_when_in_the_window_else_the_two_latest_whole_ones():
    months = {2021: 3, 2022: 12, 2023: 12, 2024: 11}
    assert analysis.choose_rise_years(months, (2023, 2024)) == (2023, 2024)  # picked: kept, partial or not
    assert analysis.choose_rise_years(months, (2019, 2020)) == (2022, 2023)
    assert analysis.choose_rise_years(months, (2023, 2023)) == (2022, 2023)  # a year with itself: no
    assert analysis.choose_rise_years({2023: 1, 2024: 11}) is None  # no whole year: no ratio
    assert analysis.choose_rise_years({2020: 12, 2021: 12, 2022: 12}) == (2021, 2022)


def test_the_story_s_default_rise_and_its_range_under_rounding(ohss_table):
    """x10.3 from 3,600 (2022) to 37,160 (2023); each within 60 of the truth: 10.1 to 10.5."""
    rise = analysis.summary(ohss_table, Selection(), rounded_to=10)["rise"]
    assert (rise["from"], rise["to"], rise["words"]) == (2022, 2023, "x10.3")
    assert (rise["low"], rise["high"]) == (round(37_100 / 3_660, 3), round(37_220 / 3_540, 3))
    assert f"{rise['low']:.1f} to {rise['high']:.1f}" == "10.1 to 10.5"


@pytest.mark.parametrize(
    ("ratio", "words"),
    [
        (10.322, "x10.3"),
        (0.3, "fell 70%"),
        (1.0, "unchanged"),
        (1.02, "up 2%"),
        (1.004, "unchanged"),
        (0.961, "fell 4%"),
        (1.09, "up 9%"),
        (1.1, "x1.1"),
        (None, "n/a"),
    ],
)
def test_changes_are_said_as_a_reader_says_them(ratio, words):
    assert analysis.change_words(ratio) == words


def test_encounters_by_citizenship_for_the_map(ohss_table, dataset):
    """The map's frame: each nationality's encounters in the window, as the workbook's region-by-citizenship
    sheet gives them, with its country code; 'Unknown' has none."""
    frame = analysis.by_citizenship(ohss_table, Selection()).set_index(E.nationality)
    for name, spelling in (("China", official.CHINA), ("Mexico", "Mexico"), ("Ecuador", "Ecuador")):
        published = official.ohss_monthly("Monthly Rgn and Citp", Region=official.SOUTHWEST, Citizenship=spelling)
        assert frame.loc[name, E.encounters] == published.sum(), name
    assert frame.loc["China", analysis.ISO3] == "CHN" and pd.isna(frame.loc["Unknown", analysis.ISO3])
    assert ALL not in frame.index and frame[E.encounters].is_monotonic_decreasing
    # the same window's sums over every region; a window of one month
    everywhere = analysis.by_citizenship(ohss_table, Selection(region=ALL, start="2023-12", end="2023-12"))
    india = official.ohss_monthly("Monthly Citizenship", "2023-12", "2023-12", Citizenship="India").sum()
    assert everywhere.set_index(E.nationality).loc["India", E.encounters] == india


def test_encounters_by_citizenship_of_the_cbp_file_with_a_filter(dataset):
    table = dataset.served("cbp-swb")
    selection = Selection(start="2023-12", end="2023-12", filters=(("component", "U.S. Border Patrol"),))
    frame = analysis.by_citizenship(table, selection).set_index(E.nationality)
    grouping = {"Citizenship Grouping": "Mexico", "Component": "U.S. Border Patrol"}
    assert frame.loc["Mexico", E.encounters] == official.cbp_total("2023-12", **grouping)
    assert frame.loc["Mexico", analysis.ISO3] == "MEX" and pd.isna(frame.loc["Other", analysis.ISO3])


def test_a_comparison_is_headed_by_what_it_shows():
    assert analysis.change_title([10.32]) == "Rise"
    assert analysis.change_title([0.84]) == "Fall"
    assert analysis.change_title([10.3, 0.84]) == "Change"  # several nationalities, one up, one down
    assert analysis.change_title([1.0]) == "Change"  # 'unchanged' is not a rise
    assert analysis.change_title([None]) == analysis.change_title([]) == "Change"
