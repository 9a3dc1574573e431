"""Nationality names -> ISO 3166-1 alpha-3 codes (``data.countries``), for the world map."""

from __future__ import annotations

import pandas as pd
import pycountry
import pytest

from border_dashboard.data import analysis, countries, importers

UNMAPPED = {"Other", "Unknown", "Serbia and Montenegro (former)"}
"""Every name of every source, and of the crosswalk, that has no country on a current map."""


def every_name(dataset) -> set[str]:
    """Every nationality of every source, and every display name and spelling of the crosswalk."""
    crosswalk = pd.read_csv(importers.CROSSWALK_FILE, dtype=str, keep_default_na=False)
    served = {n for source in dataset.tables for n in analysis.choices(dataset.served(source), "nationality")}
    return served | set(crosswalk["nationality"]) | set(crosswalk["spelling"])


def test_every_nationality_of_every_source_maps_or_is_listed_unmapped(dataset):
    names = every_name(dataset)
    assert {name for name in names if countries.iso3(name) is None} == UNMAPPED
    for name in names - UNMAPPED:
        code = countries.iso3(name)
        assert code == "XKX" or pycountry.countries.get(alpha_3=code) is not None, (name, code)


def test_each_display_name_maps_to_a_country_of_its_own(dataset):
    """No two display names share a code: a click on the map adds one nationality, not another."""
    names = {n for source in dataset.tables for n in analysis.choices(dataset.served(source), "nationality")}
    mapped = {n: countries.iso3(n) for n in names - UNMAPPED}
    assert len(set(mapped.values())) == len(mapped)


@pytest.mark.parametrize(
    "name, code",
    [
        ("China", "CHN"),
        ("CHINA, PEOPLES REPUBLIC OF", "CHN"),  # the CBP file's spelling, through the crosswalk
        ("China, People's Republic", "CHN"),  # the OHSS workbook's
        ("Korea, South", "KOR"),
        ("South Korea", "KOR"),
        ("Burma", "MMR"),
        ("MYANMAR (BURMA)", "MMR"),
        ("Cote d'Ivoire", "CIV"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo, Republic", "COG"),
        ("Russia", "RUS"),
        ("Turkey", "TUR"),
        ("Turkiye", "TUR"),
        ("Kosovo", "XKX"),
        ("Macau", "MAC"),
        ("Taiwan", "TWN"),
        ("Venezuela", "VEN"),
        ("El Salvador", "SLV"),
        ("mexico", "MEX"),
    ],
)
def test_names_checked_by_hand(name, code):
    assert countries.iso3(name) == code


@pytest.mark.parametrize(
    "name",
    [
        "Other",
        "Unknown",
        "Soviet Union",
        "USSR",
        "Yugoslavia",
        "Czechoslovakia",
        "Serbia and Montenegro",
        "Serbia and Montenegro (former)",
        "Netherlands Antilles",
        "All",
        "Atlantis",
    ],
)
def test_names_with_no_country_are_unmapped(name):
    assert countries.iso3(name) is None
    assert countries.unmapped(["China", name]) == [name]


def test_no_fuzzy_match():
    """pycountry's fuzzy search takes 'Other' for the United Kingdom and 'Kosovo' for Serbia: never used."""
    assert countries.iso3("Other") is None and countries.iso3("Kosovo") != "SRB"
