"""What the page writes off the default view: windows named by their data, falls as falls, coverage."""

from __future__ import annotations

import pandas as pd
import pytest

from border_dashboard.components import view as V
from border_dashboard.components.state import from_query
from border_dashboard.components.view import ViewBuilder
from tests.conftest import OHSS_FILE


@pytest.fixture(scope="module")
def builder(dataset):
    return ViewBuilder(dataset)


def opened(builder, dataset, query):
    state, notices = from_query(query, dataset)
    return builder.build(state), notices


def test_a_window_past_the_data_is_named_by_its_last_month_and_says_so(builder, dataset):
    view, _ = opened(builder, dataset, "?nationality=India&from=2024-01&to=2024-12")
    sheet = pd.read_excel(OHSS_FILE, sheet_name="Monthly Rgn and Citp", engine="calamine")
    rows = sheet[(sheet["Region"] == "Southwest Land Border") & (sheet["Citizenship"] == "India")]
    months = rows["Month"].str[3:]
    in_2024 = ((rows["Fiscal\nYear"] == 2024) & ~months.isin(["October", "November", "December"])) | (
        (rows["Fiscal\nYear"] == 2025) & months.isin(["October", "November"])
    )
    total = int(rows.loc[in_2024, "Quantity"].sum())
    assert V.sentence(view).startswith(
        f"Border Patrol encountered {total:,} nationals of India at the Southwest Land Border from January 2024 "
        "to November 2024, where the data ends."
    )


def test_a_single_month_is_in_that_month(builder, dataset):
    view, notices = opened(builder, dataset, "?nationality=China&from=2023-12&to=2023-12")
    assert notices == []
    assert (
        V.sentence(view)
        == "Border Patrol encountered 5,950 nationals of China at the Southwest Land Border in December 2023."
    )


def test_a_fall_reads_as_a_fall_with_its_rounding_range_in_percent(builder, dataset):
    view, _ = opened(builder, dataset, "?nationality=Mexico&region=all")
    rise = next(item for item in V.headline(view) if item[0].startswith(("Rise", "Fall", "Change")))
    assert rise[0] == "Fall 2022 to 2023" and rise[1] == "fell 16%"  # headed as what it is
    low, high = view.comparison["low"], view.comparison["high"]
    assert f"{(1 - high) * 100:.1f}" == f"{(1 - low) * 100:.1f}" == "16.2"  # 598,590 / 714,520, each within 60
    assert rise[2] == "A fall of 16.2% whichever way the rounding went."
    assert "16% fewer than the 714,520 of calendar year 2022" in V.sentence(view)
    share = V.headline(view)[-1]
    assert share[0] == "Share of all encounters at all borders (Jan 2022 to Nov 2024)"


def test_one_month_after_a_peak_is_said_plainly(builder, dataset):
    view, _ = opened(builder, dataset, "?nationality=India&from=2024-01&to=2024-12")
    assert "peaked at 2,740 in January 2024, down the month after, then up;" in V.sentence(view)


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("?from=2031-01", "'from' 2031-01 is outside the data: this source covers 1999-10 to 2024-11."),
        ("?source=cbp-swb&to=1980-05", "'to' 1980-05 is outside the data: this source covers 2021-10 to 2025-08."),
    ],
)
def test_a_month_outside_the_data_gets_the_chosen_sources_coverage(dataset, query, notice):
    _, notices = from_query(query, dataset)
    assert notices == [notice]


def test_the_page_and_the_readme_explain_the_same_points():
    from pathlib import Path

    from border_dashboard.components import about

    readme = Path(__file__).parents[2].joinpath("README.md").read_text()
    section = readme.split("## What these numbers are", 1)[1].split("\n## ", 1)[0]
    for phrase in ("Title 42 expulsion", "Southwest Land Border", "nearest 10", "within 5 x n", "October to September"):
        assert phrase in section, phrase
        page_text = " ".join(" ".join(point) for point in about.POINTS).replace("\u00d7", "x")
        assert phrase in page_text, phrase


def test_the_last_month_against_the_month_before_and_a_year_earlier(builder, dataset):
    sheet = pd.read_excel(OHSS_FILE, sheet_name="Monthly Rgn and Citp", engine="calamine")
    china = sheet[(sheet["Region"] == "Southwest Land Border") & (sheet["Citizenship"] == "China, People's Republic")]

    def cell(fiscal_year, month):
        return int(china.loc[(china["Fiscal\nYear"] == fiscal_year) & (china["Month"] == month), "Quantity"].iloc[0])

    november_2024, october_2024, november_2023 = (
        cell(2025, "02 November"),
        cell(2025, "01 October"),
        cell(2024, "02 November"),
    )
    view, _ = opened(builder, dataset, "?nationality=China")
    items = {label: (value, note) for label, value, note in V.headline(view)}
    assert items["Nov 2024 vs Oct 2024"] == (
        f"{november_2024 / october_2024 - 1:+.0%}",
        f"Nov 2024: {november_2024:,}; Oct 2024: {october_2024:,}.",
    )
    assert items["Nov 2024 vs Nov 2023"][0] == f"{november_2024 / november_2023 - 1:+.0%}" == "-82%"

    several, _ = opened(builder, dataset, "?nationality=China&nationality=India")
    value = dict((label, value) for label, value, _ in V.headline(several))["Nov 2024 vs Nov 2023"]
    assert value.endswith("(China -82%, India -56%)")


def test_a_single_month_has_no_change_tile(builder, dataset):
    view, _ = opened(builder, dataset, "?nationality=China&from=2023-12&to=2023-12")
    assert not [label for label, _, _ in V.headline(view) if " vs " in label or "Change" in label]


def test_a_small_fall_in_exact_counts_is_a_fall_not_unchanged(builder, dataset):
    """CBP, Field Operations, Mexico: 147,438 in 2023, 141,759 in 2024 (the CSV's own rows, summed)."""
    from tests import official

    frame = official.cbp_file()
    rows = frame[(frame["Citizenship Grouping"] == "Mexico") & (frame["Component"] == "Office of Field Operations")]
    by_year = rows.groupby(rows["month"].str[:4])["Encounter Count"].sum()
    assert (int(by_year["2023"]), int(by_year["2024"])) == (147_438, 141_759)
    view, _ = opened(builder, dataset, "?source=cbp-swb&nationality=Mexico&component=Office+of+Field+Operations")
    label, rise = next((label, value) for label, value, _ in V.headline(view) if label.startswith("Fall"))
    assert rise == "fell 4%" and label == "Fall 2023 to 2024"
    assert "4% fewer than the 147,438 of calendar year 2023" in V.sentence(view)


def test_the_sentence_and_the_share_say_what_a_filter_counts(builder, dataset):
    view, _ = opened(
        builder, dataset, "?source=cbp-swb&nationality=Mexico&component=Office+of+Field+Operations&demographic=UAC"
    )
    sentence = V.sentence(view)
    assert "nationals of Mexico (Office of Field Operations, Unaccompanied children (UAC) only) at" in sentence
    share = V.headline(view)[-1][0]
    assert share.startswith("Share of all Office of Field Operations, Unaccompanied children (UAC) encounters at")


@pytest.mark.parametrize(
    "low, high, ends",
    [
        (10.1355, 10.4821, ("10.1", "10.5")),  # the story's rise: one digit tells the ends apart
        (1.5721, 1.5738, ("1.572", "1.574")),  # a close range gets the digits it needs
        (1.21004, 1.21009, ("1.210", "1.210")),  # no finer than three: rounding cannot move it
        (0.141, 0.197, ("80%", "86%")),  # a fall is said as how far it fell
        (0.8378, 0.8382, ("16.2%", "16.2%")),
    ],
)
def test_the_rounding_range_is_said_with_the_digits_that_tell_its_ends_apart(low, high, ends):
    from border_dashboard.data.analysis import ratio_range

    assert ratio_range(low, high) == ends
