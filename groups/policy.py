"""The one answer to "may this person write here now?" and "may they still read this group?".

Every surface that takes someone's words or answers asks `write_verdict`: forum posts, replies,
edits, reactions and reports; chat over the socket and through the form; RSVPs; resource
suggestions; private conversations through `conversation_verdict`, its one exception. Live
sockets ask `read_verdict` whenever they re-check. Neither is re-derived anywhere else, so a
silenced member goes quiet on every surface at once.

Each answer is a `Verdict` carrying the reason the person is shown, so a refused form can say
why beside the text they typed instead of failing.

The rule combines, in this order:
1. the account: signed in and active (suspension and memorial both deactivate an account);
2. the place: a group's active members and facilitators (staff with MFA too) may write; a
   public place (group None) takes any signed-in account;
3. the group's state: archived groups and finished cohorts are read-only;
4. moderation: a suspension, a site-wide silence, or a mute in this group.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from moderation.models import Sanction
from moderation.selectors import blocking_sanction

from .models import SupportGroup
from .permissions import GroupAccess, access_for


@dataclass(frozen=True)
class Verdict:
    """Allowed, or refused with a code (for clients) and a reason (for people)."""

    allowed: bool
    code: str = ""
    reason: str = ""
    until: datetime | None = None

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(allowed=True)


def _refused(code: str, reason: str, until: datetime | None = None) -> Verdict:
    return Verdict(allowed=False, code=code, reason=reason, until=until)


def account_verdict(user) -> Verdict:
    """Whether this account may act at all. Suspension and memorial deactivate an account, so
    `is_active` covers both; sockets re-read the user from the database before asking."""
    if not getattr(user, "is_authenticated", False):
        return _refused("signed_out", _("Sign in to take part."))
    if not user.is_active:
        return _refused("inactive", _("This account can no longer take part."))
    return ALLOWED


def _place_verdict(access: GroupAccess, group: SupportGroup) -> Verdict:
    if not access.can_view_private:
        return _refused("not_member", _("Only members of this group can take part here."))
    if group.is_read_only:
        return _refused(
            "read_only",
            _("This group no longer meets. What was written stays here to read."),
        )
    return ALLOWED


def _sanction_verdict(sanction: Sanction) -> Verdict:
    if sanction.kind == Sanction.Kind.SUSPEND:
        return _refused("suspended", _("Your account is suspended."), sanction.until)
    if sanction.until is None:
        when = ""
    else:
        when = " " + _("until %(time)s") % {
            "time": date_format(timezone.localtime(sanction.until), "DATETIME_FORMAT")
        }
    if sanction.kind == Sanction.Kind.SILENCE:
        reason = _("A moderator has paused your posting%(until)s.") % {"until": when}
        return _refused("silenced", reason, sanction.until)
    reason = _("A facilitator has muted you in this group%(until)s.") % {"until": when}
    return _refused("muted", reason, sanction.until)


def write_verdict(
    user, group: SupportGroup | None, *, access: GroupAccess | None = None
) -> Verdict:
    """May this person add words or answers in this group (None: a public place) right now?

    Pass `access` when the caller already holds it for this person and group, to save a query.
    """
    verdict = account_verdict(user)
    if not verdict:
        return verdict
    if group is not None:
        verdict = _place_verdict(access or access_for(user, group), group)
        if not verdict:
            return verdict
    sanction = blocking_sanction(user, group.pk if group is not None else None)
    return _sanction_verdict(sanction) if sanction is not None else ALLOWED


def read_verdict(user, group: SupportGroup) -> Verdict:
    """May this person still read this group's private parts (board, chat, members)?"""
    verdict = account_verdict(user)
    if not verdict:
        return verdict
    if not access_for(user, group).can_view_private:
        return _refused("not_member", _("You no longer have access to this group."))
    return ALLOWED


def conversation_verdict(
    user, group: SupportGroup | None, *, answering_team: bool = False
) -> Verdict:
    """May this person write in a private conversation now?

    A question to a group's facilitators is in the group's place (`group`); a conversation
    between members, or with the site moderators, is in none (`None`), so only the account, a
    suspension and a site-wide silence apply. A silenced member, or one muted in the group, may
    still answer the facilitators or moderators in a conversation with them (`answering_team`):
    the way to a human that a sanction never closes. Nothing else.
    """
    verdict = write_verdict(user, group)
    if not verdict and answering_team and verdict.code in ("silenced", "muted"):
        return ALLOWED
    return verdict


class WriteRefused(PermissionDenied):
    """A service's own refusal (defence in depth behind the views), carrying the verdict so a
    view that meets it can show the person the same reason beside what they typed."""

    def __init__(self, verdict: Verdict):
        super().__init__(verdict.reason)
        self.verdict = verdict


def require(verdict: Verdict) -> None:
    """Raise WriteRefused unless the verdict allows."""
    if not verdict:
        raise WriteRefused(verdict)


def act(
    request: HttpRequest, change: Callable[[], object], *, then: Any, done: str = ""
) -> HttpResponse:
    """A button's change through a service, then back to `then` (what `redirect` takes) with a
    message: the refusal's reason, or `done`."""
    try:
        change()
    except WriteRefused as refused:
        messages.error(request, refused.verdict.reason)
    else:
        if done:
            messages.success(request, done)
    return redirect(then)
