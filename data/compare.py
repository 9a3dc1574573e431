"""The two sources side by side: where OHSS and CBP count the same thing, each month's two figures.

Both publish Border Patrol encounters at the Southwest Land Border (Title 8 apprehensions and, until 11 May
2023, Title 42 expulsions): OHSS in its workbook, CBP as the 'U.S. Border Patrol' rows of its Southwest
file. CBP's file names only four citizenships (Mexico, Guatemala, Honduras, El Salvador) and counts every
other one in 'Other'; so those four and the region's total are what both count. Their months overlap from
October 2021 to the last month of the earlier file.

Why the figures differ: OHSS rounds every figure to the nearest 10, so a month may differ from CBP's exact
count by up to 5 for that reason alone. A larger difference is not rounding: the two files were made at
different times (each names its last month of data), and a figure corrected in between differs so.
"""

from __future__ import annotations

import pandas as pd

from border_dashboard.data import analysis
from border_dashboard.data.schema import ALL
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.served import ServedTable
from border_dashboard.data.sources import CBP_SWB, OHSS_USBP, SOURCES

OHSS, CBP = OHSS_USBP.name, CBP_SWB.name
REGION = "Southwest Land Border"
BORDER_PATROL = "U.S. Border Patrol"  # the component of CBP's file OHSS counts
COMPARABLE = ("Mexico", "Guatemala", "Honduras", "El Salvador", ALL)
"""What both count: the four citizenships CBP's file names, and the region's total (``ALL``)."""
COLUMNS = (E.nationality, E.month, "ohss", "cbp", "difference", "within_rounding")


def rounding_margin() -> int:
    """How far an OHSS figure may be from the count by its rounding alone: half its rounding unit (5)."""
    return SOURCES[OHSS].rounded_to // 2


def comparable(nationalities: tuple[str, ...]) -> tuple[str, ...]:
    """The picked nationalities both sources count, in the reader's order, then the region's total (which
    both count whatever is picked)."""
    return tuple(dict.fromkeys([n for n in nationalities if n in COMPARABLE] + [ALL]))


def not_comparable(nationalities: tuple[str, ...]) -> dict[str, str]:
    """Each picked nationality the two sources do not both count -> why, in a sentence."""
    why = {}
    for name in nationalities:
        if name in COMPARABLE:
            continue
        if name == analysis.OTHER:
            why[name] = (
                "CBP's 'Other' is every citizenship but the four its file names; OHSS publishes no such group, "
                "and adding up its rounded figures would not make an exact one."
            )
        else:
            why[name] = (
                f"CBP's Southwest file does not name {name}: it counts it in 'Other', with every citizenship "
                "but Mexico, Guatemala, Honduras and El Salvador."
            )
    return why


def shared_months(ohss: ServedTable, cbp: ServedTable, start: str, end: str) -> tuple[str, str] | None:
    """The months of the window both files cover (YYYY-MM, inclusive), or None."""
    firsts, lasts = zip(analysis.coverage(ohss), analysis.coverage(cbp))
    first = max(max(firsts), analysis.parse_month(start))
    last = min(min(lasts), analysis.parse_month(end))
    return (f"{first:%Y-%m}", f"{last:%Y-%m}") if first <= last else None


def side_by_side(ohss: ServedTable, cbp: ServedTable, nationalities: tuple[str, ...], start: str, end: str):
    """Each month both files cover in ``start``..``end``, for each of ``nationalities`` both count
    (``comparable``): columns nationality, month, ohss, cbp, difference (CBP minus OHSS) and
    within_rounding (the difference is no more than OHSS's rounding explains)."""
    months = shared_months(ohss, cbp, start, end)
    names = tuple(n for n in nationalities if n in COMPARABLE)
    if months is None or not names:
        return pd.DataFrame({c: [] for c in COLUMNS})
    selection = analysis.Selection(names, REGION, *months)
    published = analysis.monthly_series(ohss, selection)
    counted = analysis.monthly_series(cbp, selection.with_(filters=((E.component, BORDER_PATROL),)))
    frame = published.merge(counted, on=[E.nationality, E.month], suffixes=("_ohss", "_cbp"), validate="1:1")
    frame = frame.rename(columns={f"{E.encounters}_ohss": "ohss", f"{E.encounters}_cbp": "cbp"})
    frame["difference"] = frame["cbp"] - frame["ohss"]
    frame["within_rounding"] = frame["difference"].abs() <= rounding_margin()
    return frame[list(COLUMNS)].reset_index(drop=True)
