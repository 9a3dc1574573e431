"""Names as people write them: every spelling of the official files is known, common aliases resolve."""

from __future__ import annotations

import pandas as pd
import pytest

from border_dashboard.data import analysis
from border_dashboard.data.importers import load_crosswalk, normalize_spelling
from border_dashboard.data.schema import Encounters as E
from tests.conftest import OHSS_FILE


def test_every_citizenship_spelling_of_every_sheet_is_known_annual_ones_included():
    """The Annual sheets name 25 citizenships the monthly ones never do (Fiji, Norway, Singapore, ...)."""
    crosswalk = load_crosswalk()
    sheets = pd.read_excel(OHSS_FILE, sheet_name=None, engine="calamine")
    spellings = {
        str(v) for frame in sheets.values() for c in frame.columns if "Citizenship" in str(c) for v in frame[c]
    }
    monthly = {
        str(v)
        for name, frame in sheets.items()
        if name.startswith("Monthly")
        for c in frame.columns
        if "Citizenship" in str(c)
        for v in frame[c]
    }
    assert (len(monthly), len(spellings - monthly)) == (136, 25)  # as the docstring and the README say
    assert sorted(s for s in spellings if normalize_spelling(s) not in crosswalk) == []
    for name in ("Fiji", "Norway", "Singapore"):
        assert crosswalk[normalize_spelling(name)] == name


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("myanmar", "Burma"),
        ("china", "China"),
        ("CHINA, PEOPLES REPUBLIC OF", "China"),
        ("China, People's Republic", "China"),
        ("korea, south", "South Korea"),
        ("Ivory Coast", "Cote d'Ivoire"),
        ("czech republic", "Czechia"),
    ],
)
def test_aliases_resolve(dataset, typed, name):
    options = analysis.choices(dataset.served("ohss-usbp"), E.nationality)
    assert analysis.resolve_nationality(typed, options) == name


def test_an_unknown_name_suggests_the_closest(dataset):
    options = analysis.choices(dataset.served("ohss-usbp"), E.nationality)
    with pytest.raises(analysis.UnknownNameError, match="did you mean.*Guatemala"):
        analysis.resolve_nationality("Guatamala", options)
