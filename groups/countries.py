"""Country names for the ISO 3166 codes groups store, from pycountry's maintained data.

Names come in the viewer's language where pycountry ships a translation, so a code never has
to be read by a person.
"""

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language, to_locale


@lru_cache(maxsize=16)
def _names_in(locale: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True
    )


def is_country_code(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code) is not None


def country_name(code: str) -> str:
    """ "GB" -> "United Kingdom", "KR" -> "South Korea"; an unknown code is returned as given."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return _names_in(to_locale(get_language() or "en")).gettext(name)


def country_choices(codes) -> list[tuple[str, str]]:
    """(code, name) pairs ordered by name, as a person scans a list."""
    return sorted(((code, country_name(code)) for code in codes), key=lambda c: c[1].casefold())
