"""The header's "Reports" link, on every signed-in page: whether someone may open the reports
is kept in the cache beside the two counters it was worked out under, the person's access
generation (`supportgroups.live.access_changed`: becoming or ceasing to be a facilitator, a
staff change, deactivation) and the readers' generation (moved by any change of permissions
in the admin: `permissions_changed`), so a page asks the database only after such a change,
an emptied cache, or LINK_KEPT_FOR (and signing in works it out before the first page)."""

from typing import Any

from django.db import transaction

from supportgroups import live
from supportgroups.models import User

from .permissions import reader_for

LINK_KEPT_FOR = 600  # seconds: the net for changes made around the services
READERS_GENERATION = "reports:readers-generation"


def reports_link(user: User) -> live.Kept[bool]:
    return live.Kept(
        user.pk,
        "reports-link",
        lambda: reader_for(user) is not None,
        seconds=LINK_KEPT_FOR,
        also=[READERS_GENERATION],
    )


def shows_reports_link(user: User) -> bool:
    return reports_link(user).value()


def link_at_sign_in(sender: Any, user: User, **kwargs: Any) -> None:
    """On signing in (user_logged_in): worked out then, if it is not kept already, rather than
    by the first page."""
    shows_reports_link(user)


def permissions_changed(sender: Any, action: str, **kwargs: Any) -> None:
    """A permission granted or taken away, directly or through an auth group (m2m_changed):
    everyone's link is worked out again at their next page, once it has committed."""
    if action.startswith("post_"):
        transaction.on_commit(lambda: live.bump_generation(READERS_GENERATION), robust=True)
