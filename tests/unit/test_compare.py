"""The two sources side by side (``data.compare``) against the official files read directly (``official``)."""

from __future__ import annotations

import pandas as pd

from border_dashboard.data import compare
from border_dashboard.data.schema import ALL
from border_dashboard.data.schema import Encounters as E
from tests import official

BP = {"Component": "U.S. Border Patrol"}


def _frame(dataset, names=compare.COMPARABLE, start="2021-10", end="2024-11"):
    return compare.side_by_side(dataset.served(compare.OHSS), dataset.served(compare.CBP), names, start, end)


def test_may_2023_mexico_is_43610_in_ohss_and_43612_in_cbp(dataset):
    frame = _frame(dataset, ("Mexico",), "2023-05", "2023-05")
    assert frame[["ohss", "cbp", "difference"]].values.tolist() == [[43_610, 43_612, 2]]
    workbook = official.ohss_monthly("Monthly Rgn and Citp", "2023-05", "2023-05", Region=official.SOUTHWEST)
    assert official.ohss_monthly(
        "Monthly Rgn and Citp", "2023-05", "2023-05", Region=official.SOUTHWEST, Citizenship="Mexico"
    ).tolist() == [43_610]
    assert official.cbp_total("2023-05", **BP, **{"Citizenship Grouping": "Mexico"}) == 43_612
    assert len(workbook) == 1


def test_every_shared_month_equals_both_files(dataset):
    """Each month of October 2021 to November 2024 (both files' months), for the four citizenships and the
    region's total: OHSS's figure as the workbook prints it, CBP's as its file's Border Patrol rows add up."""
    frame = _frame(dataset)
    assert set(frame[E.nationality]) == set(compare.COMPARABLE)
    assert len(frame) == 38 * 5  # October 2021 to November 2024
    for name in compare.COMPARABLE:
        rows = frame[frame[E.nationality] == name]
        rows = rows.set_index(rows[E.month].dt.strftime("%Y-%m"))
        if name == ALL:
            ohss = official.ohss_monthly("Monthly Region", "2021-10", "2024-11", Region=official.SOUTHWEST)
        else:
            ohss = official.ohss_monthly(
                "Monthly Rgn and Citp", "2021-10", "2024-11", Region=official.SOUTHWEST, Citizenship=name
            )
        assert rows["ohss"].to_dict() == ohss.to_dict(), name
        where = BP if name == ALL else {**BP, "Citizenship Grouping": name}
        assert rows["cbp"].to_dict() == {m: official.cbp_total(m, **where) for m in rows.index}, name
    assert (frame["difference"] == frame["cbp"] - frame["ohss"]).all()


def test_only_a_difference_beyond_rounding_is_flagged(dataset):
    frame = _frame(dataset)
    assert frame["within_rounding"].tolist() == (frame["difference"].abs() <= 5).tolist()
    beyond = frame[~frame["within_rounding"]]
    # in these two files, one month only: the region's total in October 2024, 56,530 against 56,520
    assert beyond[[E.nationality, "ohss", "cbp"]].values.tolist() == [[ALL, 56_530, 56_520]]
    assert beyond[E.month].tolist() == [pd.Timestamp("2024-10-01")]


def test_what_is_compared_and_what_is_not_says_why():
    assert compare.comparable(("China", "Honduras", "Mexico")) == ("Honduras", "Mexico", ALL)
    why = compare.not_comparable(("China", "Mexico", "Other", ALL))
    assert list(why) == ["China", "Other"]
    assert "counts it in 'Other'" in why["China"] and "no such group" in why["Other"]


def test_a_window_the_files_do_not_share_compares_nothing(dataset):
    assert _frame(dataset, start="2015-01", end="2019-12").empty
    assert compare.shared_months(dataset.served(compare.OHSS), dataset.served(compare.CBP), "2020-01", "2030-12") == (
        "2021-10",
        "2024-11",
    )
