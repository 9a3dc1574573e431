"""The page's plain-words note for a reader: what an encounter is and how the figures are made.

Kept beside the README's "What these numbers are" (a test checks the two say the same points).
"""

from __future__ import annotations

from dash import html

POINTS = (
    (
        "An encounter",
        "is one event, not one person: a Border Patrol apprehension between ports of entry (Title 8), an "
        "Office of Field Operations finding of inadmissibility at a port, or, from March 2020 to 11 May 2023, "
        "a Title 42 expulsion. A person caught twice is counted twice.",
    ),
    ("The \u201csouthern border\u201d", "of news reports is the Southwest Land Border in these files."),
    (
        "\u201cEncountered\u201d, not \u201carrested\u201d:",
        "reports say Border Patrol \u201carrested\u201d; the publishers count encounters, which include "
        "expulsions that were not arrests, so this page uses their word.",
    ),
    (
        "Rounding:",
        "OHSS rounds every published figure to the nearest 10, so a 0 in its file means fewer than 5, and "
        "the page says \u201cfewer than 5\u201d; a sum of n rounded months is within 5 \u00d7 n of the true "
        "count, and the page says so where "
        "it adds months. CBP's figures are exact.",
    ),
    (
        "Months and years:",
        "a calendar year runs January to December, a fiscal year October to September (FY2024 began in "
        "October 2023). A year with fewer than 12 months in the window says how many it has.",
    ),
)


def what_these_numbers_are() -> html.Details:
    """A folded note under the headline numbers: open by a click, out of the way otherwise."""
    return html.Details(
        [
            html.Summary("What these numbers are"),
            html.Ul([html.Li([html.Strong(term), " ", text]) for term, text in POINTS]),
        ],
        id="about-numbers",
        className="about-numbers",
    )
