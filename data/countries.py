"""Nationality names -> ISO 3166-1 alpha-3 country codes, for the world map.

A name is looked up in ``HISTORICAL_AND_ODD`` first (the publishers' historical and odd spellings, and the
display names pycountry does not know), then in pycountry (ISO 3166-1, maintained with the standard) by
its exact name, official name or common name, never by a fuzzy search (which takes 'Other' for the United
Kingdom). A name that is no country (the publishers' 'Other' and 'Unknown', a group) or a state that no
longer exists and has no shape of its own on a current map (the Soviet Union, Yugoslavia,
Czechoslovakia, Serbia and Montenegro, the Netherlands Antilles) has no code: ``None``.

The data layer: no Dash, no Plotly.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

from border_dashboard.data.importers import load_crosswalk, normalize_spelling

NO_COUNTRY = None

HISTORICAL_AND_ODD: dict[str, str | None] = {
    # the app's display names (data/nationalities.csv) that pycountry spells otherwise
    "burma": "MMR",
    "cote d'ivoire": "CIV",
    "democratic republic of the congo": "COD",
    "kosovo": "XKX",  # not in ISO 3166-1; XK/XKX is the code the EU, the IMF and the World Bank use
    "micronesia": "FSM",
    "russia": "RUS",
    "turkey": "TUR",
    # spellings of the publishers' files (and of readers) that the crosswalk does not already turn into those
    "korea, south": "KOR",
    "korea, north": "PRK",
    "north korea": "PRK",
    "macau": "MAC",
    "macao": "MAC",
    "hong kong": "HKG",
    "east timor": "TLS",
    "swaziland": "SWZ",
    "zaire": "COD",  # the Democratic Republic of the Congo's name until 1997: the same territory
    "palestine": "PSE",
    "vatican city": "VAT",
    "holy see": "VAT",
    "cape verde": "CPV",
    "czech republic": "CZE",
    # states that no longer exist and have no shape of their own on a current map
    "serbia and montenegro (former)": NO_COUNTRY,
    "serbia and montenegro": NO_COUNTRY,
    "soviet union": NO_COUNTRY,
    "ussr": NO_COUNTRY,
    "yugoslavia": NO_COUNTRY,
    "czechoslovakia": NO_COUNTRY,
    "netherlands antilles": NO_COUNTRY,
    "east germany": NO_COUNTRY,
    # no country at all
    "other": NO_COUNTRY,
    "unknown": NO_COUNTRY,
    "all": NO_COUNTRY,
    "stateless": NO_COUNTRY,
}
"""Names (case-folded) whose code is not pycountry's exact lookup, or that have none (``NO_COUNTRY``)."""


@lru_cache(maxsize=1024)
def iso3(name: str) -> str | None:
    """The ISO 3166-1 alpha-3 code of a nationality ('China' -> 'CHN', 'Korea, South' -> 'KOR'), or None for
    a name that is no current country ('Other', 'Unknown', 'Soviet Union')."""
    folded = " ".join(str(name).split()).casefold()
    if folded in HISTORICAL_AND_ODD:
        return HISTORICAL_AND_ODD[folded]
    display = load_crosswalk().get(normalize_spelling(name))  # an official spelling -> the display name
    if display is not None and display.casefold() != folded:
        return iso3(display)
    for field in ("name", "official_name", "common_name"):
        found = pycountry.countries.get(**{field: str(name).strip()})
        if found is not None:
            return found.alpha_3
    return None


def codes(names) -> dict[str, str | None]:
    """Each name -> its code (None where it has none), in the order given."""
    return {name: iso3(name) for name in names}


def unmapped(names) -> list[str]:
    """The names that have no country code, in the order given."""
    return [name for name in names if iso3(name) is None]
