"""The header's "Reports" link, on every signed-in page: whether someone may open the reports
is kept in the cache beside the two counters it was worked out under, the person's access
generation (`supportgroups.live.access_changed`: becoming or ceasing to be a facilitator, a
staff change, deactivation) and the readers' generation (moved by any change of permissions
in the admin: `permissions_changed`), so a page asks the database only after such a change,
an emptied cache, or LINK_KEPT_FOR (and signing in works it out before the first page)."""

from typing import Any

from django.core.cache import cache
from django.db import transaction

from supportgroups import live
from supportgroups.degrade import when_cache_is_down
from supportgroups.models import User

from .permissions import reader_for

LINK_KEPT_FOR = 600  # seconds: the net for changes made around the services
READERS_GENERATION = "reports:readers-generation"


def _link_key(user_id: int) -> str:
    return f"reports:link:{user_id}"


def shows_reports_link(user: User) -> bool:
    keys = [_link_key(user.pk), live.access_generation_key(user.pk), READERS_GENERATION]
    found = _read(keys)
    generations = (found.get(keys[1], 0), found.get(keys[2], 0))
    kept = found.get(keys[0])
    if kept is not None and kept[0] == generations:
        return bool(kept[1])
    shown = reader_for(user) is not None
    _keep(keys[0], (generations, shown))
    return shown


# While the cache is down the answer is worked out from the database on every page.
_NOTHING_KEPT: dict[str, Any] = {}


@when_cache_is_down(_NOTHING_KEPT)
def _read(keys: list[str]) -> dict[str, Any]:
    return cache.get_many(keys)


@when_cache_is_down(None)
def _keep(key: str, value: tuple[tuple[int, int], bool]) -> None:
    cache.set(key, value, timeout=LINK_KEPT_FOR)


def link_at_sign_in(sender: Any, user: User, **kwargs: Any) -> None:
    """On signing in (user_logged_in): worked out then, if it is not kept already, rather than
    by the first page."""
    shows_reports_link(user)


def permissions_changed(sender: Any, action: str, **kwargs: Any) -> None:
    """A permission granted or taken away, directly or through an auth group (m2m_changed):
    everyone's link is worked out again at their next page, once it has committed."""
    if action.startswith("post_"):
        transaction.on_commit(lambda: live.bump_generation(READERS_GENERATION), robust=True)
