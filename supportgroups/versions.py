"""Parts of a page kept whole for everyone, signed in or not, beside a version of the tables
they are worked out from.

A `TablesVersion` names a few tables and moves after every committed write to any of them,
noticed as SQL like the visitors' pages version (supportgroups.visitor_pages watches every
connection's writes and moves both), so `save()`, `update()`, bulk inserts and raw SQL alike
move it. `kept_beside` gives the HTML it kept under the current version, or renders it and keeps
it: a part is given again only while none of its tables has changed, and never after the next
minute (what changes with the clock alone, and a deploy's new templates). While the cache is down,
every part is rendered afresh.
"""

import hashlib
import secrets
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .degrade import when_cache_is_down

PART_SECONDS = 120  # a part's key holds its minute: it is never read after the next one

_VERSIONS: list["TablesVersion"] = []
_BY_TABLE: dict[str, list["TablesVersion"]] = {}  # worked out once per table written
_NO_VERSION: str | None = None


class TablesVersion:
    """A version of `tables` (their names in the database) and of every table whose name starts
    with one of `prefixes` (an app's tables), moved once per transaction that writes to any of
    them, after it commits."""

    def __init__(self, name: str, tables: Iterable[str], prefixes: tuple[str, ...] = ()) -> None:
        self.key = f"tables-version:{name}"
        self.tables = frozenset(tables)
        self.prefixes = prefixes
        _VERSIONS.append(self)
        _BY_TABLE.clear()

    def covers(self, table: str) -> bool:
        return table in self.tables or table.startswith(self.prefixes)

    @when_cache_is_down(None)
    def move(self) -> None:
        cache.set(self.key, secrets.token_hex(8), timeout=None)

    @when_cache_is_down(_NO_VERSION)
    def first(self) -> str | None:
        cache.add(self.key, secrets.token_hex(8), timeout=None)
        found: str | None = cache.get(self.key)
        return found


def versions_of(table: str) -> list[TablesVersion]:
    """The versions a write to `table` moves."""
    if table not in _BY_TABLE:
        _BY_TABLE[table] = [version for version in _VERSIONS if version.covers(table)]
    return _BY_TABLE[table]


_NOTHING: tuple[str | None, tuple[str, str] | None] = (None, None)


@when_cache_is_down(_NOTHING)
def _read(version: TablesVersion, key: str) -> tuple[str | None, tuple[str, str] | None]:
    found = cache.get_many([version.key, key])
    return found.get(version.key), found.get(key)


@when_cache_is_down(None)
def _keep(key: str, kept: tuple[str, str]) -> None:
    cache.set(key, kept, timeout=PART_SECONDS)


def kept_beside(
    version: TablesVersion, parts: Iterable[str], render: Callable[[], str]
) -> SafeString:
    """The HTML `render` gives, kept under `parts` (what else it depends on: the address, the
    kind of answer), the language and the minute, beside `version`."""
    minute = int(timezone.now().timestamp() // 60)
    named = repr((version.key, get_language(), minute, tuple(parts)))
    key = "kept-part:" + hashlib.blake2b(named.encode(), digest_size=16).hexdigest()
    current, kept = _read(version, key)
    if current is not None and kept is not None and kept[0] == current:
        return mark_safe(kept[1])  # noqa: S308 - rendered by a template, escaping applied there
    # Kept under the version read before rendering: a write that commits meanwhile moves it,
    # and this copy is never given.
    current = current or version.first()
    html = render()
    if current is not None:
        _keep(key, (current, html))
    return mark_safe(html)  # noqa: S308 - rendered by a template, escaping applied there
