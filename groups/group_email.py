"""Email the group: a group's facilitators send a message to every active member ("tonight's
session moves online"). A few a day per group (DAILY_LIMIT), each written to the moderation
audit log, sent once by a task through supportgroups.privacy.emails (preferences, memorials,
one-click unsubscribe: members who switched announcement emails off are not emailed)."""

import datetime as dt
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from moderation import in_place
from moderation.models import AuditLogEntry
from supportgroups.models import User

from . import permissions, policy, tasks
from .models import GroupEmail, SupportGroup

DAILY_LIMIT = 3
WINDOW = dt.timedelta(days=1)


class TooManyGroupEmails(ValidationError):
    """The group has had DAILY_LIMIT emails in the last day; says when the next may go."""

    def __init__(self, next_at: dt.datetime) -> None:
        super().__init__(
            _(
                "This group has had %(limit)d emails in the last day, so members' inboxes get a "
                "rest. You can send the next one after %(time)s (UTC)."
            )
            % {"limit": DAILY_LIMIT, "time": timezone.localtime(next_at, dt.UTC).strftime("%H:%M")}
        )
        self.next_at = next_at


def sent_recently(*, group: SupportGroup, now: dt.datetime | None = None) -> list[GroupEmail]:
    now = now or timezone.now()
    return list(group.emails.filter(created_at__gt=now - WINDOW).order_by("created_at"))


@transaction.atomic
def send_to_group(*, by: User, group: SupportGroup, subject: str, body: str) -> GroupEmail:
    """Refused (PermissionDenied) for anyone but the group's facilitators and staff, by the one
    write policy (policy.WriteRefused), for a read-only group, empty words, or a fourth email
    within a day (TooManyGroupEmails). The group's row is locked, so two facilitators sending
    at once are counted one after the other."""
    group = SupportGroup.objects.select_for_update().get(pk=group.pk)
    if not permissions.can_manage(by, group):
        raise PermissionDenied(_("Only the group's facilitators can email the group."))
    policy.require(policy.write_verdict(by, group))
    # One line: a header cannot hold a line break (a crafted post could send one).
    subject, body = " ".join(subject.split()), body.strip()
    errors = {}
    if not subject:
        errors["subject"] = _("Give the email a subject.")
    if not body:
        errors["body"] = _("Write the message before sending it.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    recent = sent_recently(group=group, now=now)
    if len(recent) >= DAILY_LIMIT:
        raise TooManyGroupEmails(recent[-DAILY_LIMIT].created_at + WINDOW)
    email = GroupEmail.objects.create(group=group, author=by, subject=subject, body=body)
    in_place.record(
        action=AuditLogEntry.Action.EMAIL_GROUP,
        target=email,
        by=by,
        detail={"group_id": group.pk, "subject": subject},
    )
    transaction.on_commit(partial(tasks.send_group_email.delay, email.pk))
    return email


def for_facilitators(*, group: SupportGroup) -> QuerySet[GroupEmail]:
    return group.emails.select_related("author")[:20]
