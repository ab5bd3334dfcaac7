"""Addresses for pages that link many rows: reverse() once per process (and address prefix and
URLconf), then each row's address by putting its id or slug in. Reversing for every post of a
page cost more than the rest of its links together."""

from collections.abc import Callable
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = "987654321987"  # a valid int, slug and str path segment, found in no real address


@lru_cache(maxsize=128)
def _parts(viewname: str, args: tuple, prefix: str, urlconf: str | None) -> list[str]:
    return reverse(viewname, args=[*args, _MARKER], urlconf=urlconf).split(_MARKER)


@lru_cache(maxsize=128)
def _fixed(viewname: str, prefix: str, urlconf: str | None) -> str:
    return reverse(viewname, urlconf=urlconf)


def url_maker(viewname: str, *args) -> Callable[[object], str]:
    """A function from a row's last URL argument (an id or a slug) to its address."""
    head, tail = _parts(viewname, args, get_script_prefix(), get_urlconf())
    return lambda last: f"{head}{last}{tail}"


@lru_cache(maxsize=32)
def _fixed_many(
    names: tuple[tuple[str, str], ...], prefix: str, urlconf: str | None
) -> dict[str, str]:
    return {key: _fixed(viewname, prefix, urlconf) for key, viewname in names}


def fixed_urls(names: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """{key: address} for (key, view name) pairs of views that take no arguments: the site's
    header and footer ask for the same few on every page."""
    return dict(_fixed_many(names, get_script_prefix(), get_urlconf()))


def address(viewname: str, *args: object) -> str:
    """reverse(viewname, args=args) for views whose last argument, if any, is an id or a slug
    (put in as it is, as url_maker does)."""
    if not args:
        return _fixed(viewname, get_script_prefix(), get_urlconf())
    return url_maker(viewname, *args[:-1])(args[-1])
