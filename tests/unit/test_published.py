"""Published annual figures: a whole fiscal year is the figure OHSS publishes in its Annual sheets, read
here independently of the importer (openpyxl, the workbook's own cells), not the sum of the rounded months.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import openpyxl
import pytest

from border_dashboard.components import cli
from border_dashboard.data import analysis
from border_dashboard.data.analysis import Selection
from border_dashboard.data.importers import CROSSWALK_FILE
from border_dashboard.data.schema import ALL, MONTH
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.served import ServedTable
from tests.conftest import OHSS_FILE

SOUTHWEST = "Southwest Land Border"


def _normal(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@pytest.fixture(scope="module")
def workbook_cells():
    """The workbook's own cells: {sheet: [row dict, ...]} for the Annual sheets and two monthly ones, with
    each citizenship named as nationalities.csv (read as a plain CSV) names it."""
    with CROSSWALK_FILE.open(newline="", encoding="utf-8") as handle:
        names = {}
        for row in csv.DictReader(handle):
            names[_normal(row["nationality"])] = row["nationality"]
            names[_normal(row["spelling"])] = row["nationality"]
    book = openpyxl.load_workbook(OHSS_FILE, read_only=True, data_only=True)
    cells = {}
    try:
        for sheet in book.sheetnames:
            if not sheet.startswith("Annual") and sheet not in ("Monthly Count", "Monthly Rgn and Citp"):
                continue
            rows = book[sheet].iter_rows(values_only=True)
            header = [" ".join(str(h).split()) for h in next(rows)]
            found = []
            for values in rows:
                if all(v is None for v in values):
                    continue
                row = dict(zip(header, values))
                row["Fiscal Year"] = int(row["Fiscal Year"])
                row["nationality"] = names[_normal(row["Citizenship"])] if "Citizenship" in row else ALL
                row["region"] = row.get("Region", ALL)
                found.append(row)
            cells[sheet] = found
    finally:
        book.close()
    return cells


@pytest.fixture(scope="module")
def whole_fiscal_years(workbook_cells):
    """The fiscal years all 12 of whose months are in the workbook's monthly data (FY2000 to FY2024)."""
    months = defaultdict(set)
    for row in workbook_cells["Monthly Count"]:
        months[row["Fiscal Year"]].add(row["Month"])
    return sorted(year for year, found in months.items() if len(found) == 12)


@pytest.fixture(scope="module")
def ohss(dataset):
    return dataset.served("ohss-usbp")


def test_whole_fiscal_years_are_fy2000_to_fy2024(whole_fiscal_years):
    assert whole_fiscal_years == list(range(2000, 2025))


def test_every_published_cell_of_every_whole_fiscal_year_is_served(workbook_cells, whole_fiscal_years, ohss):
    """Every nationality x region the Annual sheets give (Rgn and Citp, Citizenship for all regions, Region
    for all nationalities, Count for both), every whole fiscal year: summary gives the published cell."""
    expected = defaultdict(int)  # (region, nationality, year) -> published figure
    cells = 0
    for sheet in ("Annual Rgn and Citp", "Annual Citizenship", "Annual Region", "Annual Count"):
        for row in workbook_cells[sheet]:
            if row["Fiscal Year"] in whole_fiscal_years:
                expected[row["region"], row["nationality"], row["Fiscal Year"]] += int(row["Quantity"])
                cells += 1
    assert cells == 3_884 + 2_436 + 75 + 25  # FY2000 to FY2024 (FY2025 has two months of data)
    assert len(expected) == cells  # one spelling a nationality in each sheet
    pairs = sorted({(region, nationality) for region, nationality, _ in expected})
    checked = 0
    for region, nationality in pairs:
        selection = Selection(
            nationalities=(nationality,), region=region, start="1999-10", end="2024-09", basis="fiscal"
        )
        items = {item["year"]: item for item in analysis.summary(ohss, selection, rounded_to=10)["yearly"]}
        assert sorted(items) == whole_fiscal_years
        for year in whole_fiscal_years:
            if (region, nationality, year) not in expected:  # a cell the publisher left out: the months' sum
                assert items[year]["kind"] == "sum", (region, nationality, year)
                continue
            item = items[year]
            published = expected[region, nationality, year]
            assert (item["encounters"], item["kind"], item["bound"]) == (published, "published", 5), (
                region,
                nationality,
                year,
            )
            checked += 1
    assert checked == len(expected)


@pytest.mark.parametrize(
    ("sheet", "column", "dimension"),
    [
        ("Annual Family Status", "Family Status", E.demographic),
        ("Annual Rgn and Fam Status", "Family Status", E.demographic),
        ("Annual Sector", "Sector", E.sector),
        ("Annual Rgn and Sector", "Sector", E.sector),
    ],
)
def test_every_published_family_status_and_sector_cell_is_served(
    workbook_cells, whole_fiscal_years, ohss, sheet, column, dimension
):
    """The same for the sheets broken out by family status or sector (all nationalities: OHSS does not
    cross them with citizenship), read as the filters of a selection."""
    expected = {
        (row["region"], str(row[column]).strip(), row["Fiscal Year"]): int(row["Quantity"])
        for row in workbook_cells[sheet]
        if row["Fiscal Year"] in whole_fiscal_years
    }
    for region, value in sorted({(region, value) for region, value, _ in expected}):
        selection = Selection(
            nationalities=(ALL,),
            region=region,
            start="1999-10",
            end="2024-09",
            basis="fiscal",
            filters=((dimension, value),),
        )
        items = {item["year"]: item for item in analysis.summary(ohss, selection, rounded_to=10)["yearly"]}
        for year in whole_fiscal_years:
            if (region, value, year) in expected:
                assert (items[year]["encounters"], items[year]["kind"]) == (expected[region, value, year], "published")
            else:
                assert items[year]["kind"] == "sum", (region, value, year)


def test_a_release_written_before_the_annual_figures_reads_as_months(dataset, tmp_path):
    """A stored table without the period column (an older release) is all months: summed as before."""
    table = dataset.tables["ohss-usbp"]
    older = table[table[E.period] == MONTH].drop(columns=E.period)
    served = ServedTable(E.validate(older, file="older.csv.gz"))
    assert served.annual is None
    selection = Selection(nationalities=("Brazil",), start="2022-10", end="2023-09", basis="fiscal")
    item = analysis.summary(served, selection, rounded_to=10)["yearly"][0]
    assert (item["encounters"], item["kind"], item["bound"]) == (21_650, "sum", 60)


def test_brazil_southwest_fy2023_is_the_published_21630_not_the_summed_21650(workbook_cells, ohss):
    published = [
        r
        for r in workbook_cells["Annual Rgn and Citp"]
        if (r["region"], r["nationality"], r["Fiscal Year"]) == (SOUTHWEST, "Brazil", 2023)
    ]
    months = [
        r
        for r in workbook_cells["Monthly Rgn and Citp"]
        if (r["region"], r["nationality"], r["Fiscal Year"]) == (SOUTHWEST, "Brazil", 2023)
    ]
    assert [int(r["Quantity"]) for r in published] == [21_630]
    assert len(months) == 12 and sum(int(r["Quantity"]) for r in months) == 21_650

    whole = Selection(nationalities=("Brazil",), start="2022-10", end="2023-09", basis="fiscal")
    result = analysis.summary(ohss, whole, rounded_to=10)
    assert result["yearly"] == [{"year": 2023, "encounters": 21_630, "months": 12, "kind": "published", "bound": 5}]
    assert sum(m["encounters"] for m in result["monthly"]) == 21_650  # the months stay the months

    # A partial fiscal year, and a calendar year, stay sums of the rounded months.
    partial = analysis.summary(ohss, whole.with_(end="2023-08"), rounded_to=10)["yearly"]
    assert [(y["kind"], y["months"], y["bound"]) for y in partial] == [("sum", 11, 55)]
    calendar = analysis.summary(ohss, whole.with_(start="2023-01", end="2023-12", basis="calendar"), rounded_to=10)
    assert [(y["kind"], y["months"], y["bound"]) for y in calendar["yearly"]] == [("sum", 12, 60)]


def test_the_rise_between_published_years_has_its_range(ohss):
    selection = Selection(nationalities=("Brazil",), start="2021-10", end="2023-09", basis="fiscal")
    rise = analysis.summary(ohss, selection, rounded_to=10)["rise"]
    first, second = ohss.published(SOUTHWEST, "Brazil", ())[2022], 21_630
    assert (rise["from"], rise["to"], rise["from_total"], rise["to_total"]) == (2022, 2023, first, second)
    assert (rise["from_kind"], rise["to_kind"], rise["from_months"], rise["to_months"]) == (
        "published",
        "published",
        12,
        12,
    )
    assert rise["ratio"] == round(second / first, 3)
    assert rise["low"] == round((second - 5) / (first + 5), 3)
    assert rise["high"] == round((second + 5) / (first - 5), 3)


def test_the_calendar_story_stays_a_sum_with_its_range(ohss):
    rise = analysis.summary(ohss, Selection(), rounded_to=10)["rise"]  # China, Southwest, 2022 to 2024
    assert (rise["from_kind"], rise["to_kind"], rise["from_bound"], rise["to_bound"]) == ("sum", "sum", 60, 60)
    assert rise["words"] == "x10.3"
    assert (round(rise["low"], 1), round(rise["high"], 1)) == (10.1, 10.5)


def test_several_nationalities_add_their_published_figures(ohss):
    selection = Selection(nationalities=("China", "Brazil"), start="2022-10", end="2023-09", basis="fiscal")
    item = analysis.summary(ohss, selection, rounded_to=10)["yearly"][0]
    china, brazil = (ohss.published(SOUTHWEST, n, ())[2023] for n in ("China", "Brazil"))
    assert (item["encounters"], item["kind"], item["bound"]) == (china + brazil, "published", 10)


def test_cbp_publishes_no_annual_figures(dataset):
    cbp = dataset.served("cbp-swb")
    assert cbp.annual is None
    selection = Selection(nationalities=("Mexico",), start="2021-10", end="2024-09", basis="fiscal")
    result = analysis.summary(cbp, selection)
    assert [y["kind"] for y in result["yearly"]] == ["sum", "sum", "sum"]
    assert {y["bound"] for y in result["yearly"]} == {0}


def test_summary_json_says_what_each_total_is(capsys):
    args = ["summary", "--nationality", "Brazil", "--basis", "fiscal", "--from", "2021-10", "--to", "2024-11"]
    assert cli.main([*args, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    kinds = [(y["year"], y["encounters"], y["kind"], y["bound"]) for y in result["yearly"]]
    assert kinds[1] == (2023, 21_630, "published", 5)
    assert kinds[-1][0] == 2025 and kinds[-1][2:] == ("sum", 10)  # FY2025: two months of data
    rise = result["rise"]
    assert (rise["from"], rise["to"], rise["from_months"], rise["to_months"]) == (2023, 2024, 12, 12)
    assert rise["low"] <= rise["ratio"] <= rise["high"]


def test_every_view_of_a_whole_fiscal_year_shows_the_published_figure(dataset):
    """The dashboard's headline, sentence, yearly totals, per-nationality rise and CSV download agree with
    summary: FY2023 of Brazil at the Southwest border is 21,630 everywhere."""
    from border_dashboard.components import export
    from border_dashboard.components.state import ViewState
    from border_dashboard.components.view import ViewBuilder, headline, sentence

    state = ViewState(nationalities=("Brazil",), basis="fiscal", start="2021-10", end="2023-09")
    view = ViewBuilder(dataset).build(state)
    yearly = view.yearly.set_index("year")["encounters"].to_dict()
    assert yearly[2023] == 21_630
    assert view.rise["Brazil"] == pytest.approx(21_630 / yearly[2022])
    items = {label: (value, note) for label, value, note in headline(view)}
    assert items["FY2023 total"] == (
        "21,630",
        "The published annual figure, rounded to the nearest 10: within 5 of the count.",
    )
    assert "21,630" in sentence(view)
    text = export.csv_text(view, dataset.provenance["ohss-usbp"])
    assert 'FY2023,"fiscal year, published",21630' in text.splitlines()
    region = view.region_yearly.set_index("year")["encounters"].to_dict()
    assert region[2023] == dataset.served("ohss-usbp").published(SOUTHWEST, ALL, ())[2023]


def test_summary_text_says_which_totals_are_published(capsys):
    args = ["summary", "--nationality", "Brazil", "--basis", "fiscal", "--from", "2021-10", "--to", "2024-11"]
    assert cli.main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "FY2023            21,630      12  published" in lines
    assert "FY2025             1,570       2  sum of months" in lines
    assert "rise FY2023 -> FY2024: x1.2 (1.210 to 1.211 under rounding)" in lines  # digits enough to differ
    assert cli.main(["summary"]) == 0  # calendar years: sums only, no column for it
    text = capsys.readouterr().out
    assert "published" not in text and "rise 2022 -> 2023: x10.3 (10.1 to 10.5 under rounding)" in text
