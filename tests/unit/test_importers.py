"""Importers on the real official files: counts, calendar conversion, crosswalk, agreement of sources."""

from __future__ import annotations

import pandas as pd
import pytest

from border_dashboard.data import importers
from border_dashboard.data.schema import ALL, FISCAL_YEAR, MONTH
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.sources import SOURCES
from tests.conftest import NATIONWIDE_SAMPLE, OHSS_FILE

# Row counts of the monthly sheets, as the README beside the official files lists them.
SHEET_ROWS = {
    "Monthly Count": 302,
    "Monthly Region": 906,
    "Monthly Citizenship": 10_821,
    "Monthly Rgn and Citp": 14_889,
    "Monthly Family Status": 666,
    "Monthly Rgn and Fam Status": 1_655,
    "Monthly Sector": 5_830,
    "Monthly Rgn and Sector": 5_830,
}
# And of their annual twins (the fiscal-year figures OHSS publishes, FY2000 to FY2025 so far).
ANNUAL_SHEET_ROWS = {
    "Annual Count": 26,
    "Annual Region": 78,
    "Annual Citizenship": 2_524,
    "Annual Rgn and Citp": 4_004,
    "Annual Family Status": 58,
    "Annual Rgn and Fam Status": 174,
    "Annual Sector": 526,
    "Annual Rgn and Sector": 526,
}


def _sheet_of(table: pd.DataFrame) -> pd.Series:
    """Which OHSS sheet a row came from, told by which dimensions it breaks out."""
    region = table[E.region] != ALL
    kind = (
        (table[E.nationality] != ALL).map({True: "C", False: ""})
        + (table[E.sector] != ALL).map({True: "S", False: ""})
        + (table[E.demographic] != ALL).map({True: "F", False: ""})
    )
    names = {"": "Count", "C": "Citizenship", "S": "Sector", "F": "Family Status"}
    regional = {"": "Region", "C": "Rgn and Citp", "S": "Rgn and Sector", "F": "Rgn and Fam Status"}
    period = table[E.period].map({MONTH: "Monthly ", FISCAL_YEAR: "Annual "})
    return pd.Series([p + (regional if r else names)[k] for p, r, k in zip(period, region, kind)], index=table.index)


def test_ohss_row_counts_match_the_published_sheets(ohss):
    assert ohss.rows_read == sum(SHEET_ROWS.values()) + sum(ANNUAL_SHEET_ROWS.values())
    assert _sheet_of(ohss.table).value_counts().to_dict() == {**SHEET_ROWS, **ANNUAL_SHEET_ROWS}


def test_cbp_southwest_file_has_all_its_rows(cbp_swb):
    assert cbp_swb.name == "cbp-swb"
    assert len(cbp_swb.table) == 1_936
    assert set(cbp_swb.table[E.nationality]) == {"El Salvador", "Guatemala", "Honduras", "Mexico", "Other"}


@pytest.mark.parametrize(
    ("fiscal_month", "calendar"),
    [
        (1, "2023-10"),
        (2, "2023-11"),
        (3, "2023-12"),
        (4, "2024-01"),
        (5, "2024-02"),
        (6, "2024-03"),
        (7, "2024-04"),
        (8, "2024-05"),
        (9, "2024-06"),
        (10, "2024-07"),
        (11, "2024-08"),
        (12, "2024-09"),
    ],
)
def test_fiscal_to_calendar_for_every_month_of_fy2024(fiscal_month, calendar):
    converted = importers.fiscal_to_calendar(pd.Series([2024]), pd.Series([fiscal_month]))
    assert f"{converted.iloc[0]:%Y-%m}" == calendar


def test_ohss_month_labels_become_calendar_months(ohss):
    first = ohss.table[E.month].min()
    last = ohss.table[E.month].max()
    assert (f"{first:%Y-%m}", f"{last:%Y-%m}") == ("1999-10", "2024-11")
    december = ohss.table[(ohss.table[E.month] == "2023-12-01") & (ohss.table[E.region] == ALL)]
    assert set(december[E.fiscal_year]) == {2024}


def test_cbp_fytd_years_and_months(cbp_swb):
    months = cbp_swb.table[E.month]
    assert (f"{months.min():%Y-%m}", f"{months.max():%Y-%m}") == ("2021-10", "2025-08")
    fy2025 = cbp_swb.table[cbp_swb.table[E.fiscal_year] == 2025]
    assert f"{fy2025[E.month].min():%Y-%m}" == "2024-10"


def test_both_china_spellings_map_to_one_name(ohss):
    crosswalk = importers.load_crosswalk()
    spellings = ["China, People's Republic", "CHINA, PEOPLES REPUBLIC OF", "china"]
    assert {crosswalk[importers.normalize_spelling(s)] for s in spellings} == {"China"}
    china = ohss.table[ohss.table[E.nationality] == "China"]
    assert set(china[E.citizenship]) == {"China, People's Republic"}


def test_every_ohss_citizenship_is_mapped(ohss):
    named = ohss.table[ohss.table[E.citizenship] != ALL]
    assert named[E.nationality].ne(ALL).all()
    monthly = named[named[E.period] == MONTH]
    regional = monthly[monthly[E.region] != ALL]
    assert regional[E.citizenship].nunique() == 135  # as the README lists
    assert monthly[E.citizenship].nunique() == 136  # 'Monthly Citizenship' also has Saint Lucia


def test_border_patrol_rows_of_cbp_agree_with_ohss_southwest_totals(ohss, cbp_swb):
    ohss_total = ohss.table[
        (ohss.table[E.period] == MONTH)
        & (ohss.table[E.region] == "Southwest Land Border")
        & (ohss.table[E.nationality] == ALL)
        & (ohss.table[E.sector] == ALL)
        & (ohss.table[E.demographic] == ALL)
    ].set_index(E.month)[E.encounters]
    cbp = cbp_swb.table[cbp_swb.table[E.component] == "U.S. Border Patrol"]
    cbp_total = cbp.groupby(E.month)[E.encounters].sum()
    shared = ohss_total.index.intersection(cbp_total.index)
    assert len(shared) == 38  # October 2021 to November 2024
    difference = (ohss_total[shared] - cbp_total[shared]).abs()
    assert difference.max() <= 60, difference.sort_values().tail()


@pytest.mark.parametrize("snake", [False, True], ids=["published-headers", "snake-case-headers"])
def test_nationwide_shape_in_both_header_styles(tmp_path, snake):
    path = NATIONWIDE_SAMPLE
    if snake:
        frame = pd.read_csv(NATIONWIDE_SAMPLE, dtype=str)
        frame.columns = [importers.snake_case(c) for c in frame.columns]
        path = tmp_path / "nationwide-snake.csv"
        frame.to_csv(path, index=False)
    imported = importers.read_source_file(path)
    table = imported.table
    assert imported.name == "cbp-nationwide"
    assert len(table) == 12
    china = table[table[E.nationality] == "China"]
    assert china[E.encounters].sum() == 2310 + 412 + 4024 + 980 + 1120
    assert set(table[E.region]) == {"Southwest Land Border", "Northern Land Border", "Other"}
    assert "Burma" in set(table[E.nationality])
    fytd = table[table[E.fiscal_year] == 2025]
    assert sorted(f"{m:%Y-%m}" for m in fytd[E.month].unique()) == ["2024-10", "2024-11"]
    remaining = table[(table[E.fiscal_year] == 2024) & (table[E.month] == "2024-09-01")]
    assert remaining[E.encounters].sum() == 980 + 2113


def test_workbook_dispatch_by_content(tmp_path):
    renamed = tmp_path / "workbook.bin"
    renamed.write_bytes(OHSS_FILE.read_bytes())
    assert importers.read_source_file(renamed).name == "ohss-usbp"


def test_each_importer_names_its_source_as_the_registry_does(ohss, cbp_swb):
    for imported in (ohss, cbp_swb, importers.read_source_file(NATIONWIDE_SAMPLE)):
        source = SOURCES[imported.name]
        assert set(imported.table[E.source]) == {source.name}
        assert imported.file.suffix == f".{source.kind}"
