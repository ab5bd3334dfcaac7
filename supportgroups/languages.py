"""The site's languages: which one a person reads, and which text search configuration suits
text written in one. Every email is written inside `in_language(recipient)`, so it reaches each
person in their own language whoever caused it to be sent (see docs/architecture.md)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from django.conf import settings
from django.utils import translation


class HasLanguage(Protocol):
    language: str


def language_choices() -> list[tuple[str, str]]:
    """(code, name in that language) for every language the site is written in."""
    return [(code, name) for code, name in settings.LANGUAGES]


def translated_languages() -> list[str]:
    """The languages with a catalogue under locale/: all but the one the code is written in."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def default_language() -> str:
    return settings.LANGUAGE_CODE


def supported(code: str | None) -> str | None:
    """The site's language for `code` ("es", "es-MX", "ES"), or None if it has none."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.lower())
    except LookupError:
        return None


def recipient_language(person: HasLanguage | None) -> str:
    """The language to write to a person in: the one their account remembers, else the
    site's default (an email has no browser to ask)."""
    chosen = getattr(person, "language", "") if person is not None else ""
    return supported(chosen) or settings.LANGUAGE_CODE


@contextmanager
def in_language(person: HasLanguage | None) -> Iterator[str]:
    """Render and format (dates, numbers) in the person's language inside the block."""
    language = recipient_language(person)
    with translation.override(language):
        yield language


def site_name() -> str:
    """The site's name in the active language."""
    return translation.gettext(settings.SITE_NAME)


def email_subject(subject: object) -> str:
    """An email's subject with the site's name before it, in the active language."""
    return f"[{site_name()}] {subject}"


def search_config(language: str | None) -> str:
    """PostgreSQL's text search configuration for text written in `language`."""
    code = supported(language) or settings.LANGUAGE_CODE
    return settings.SEARCH_CONFIGS.get(code, "simple")


def default_search_config() -> str:
    return search_config(settings.LANGUAGE_CODE)


def search_configs() -> list[str]:
    """Every configuration some text may be indexed with, each once, in a stable order."""
    return sorted(set(settings.SEARCH_CONFIGS.values()))


def is_right_to_left(language: str | None) -> bool:
    return translation.get_language_info(supported(language) or settings.LANGUAGE_CODE)["bidi"]
