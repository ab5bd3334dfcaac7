"""Writes for check-ins: a group's set-up, a member's answers, and a facilitator closing a task.

A score at or above the group's threshold opens a task exactly once per check-in: the task is a
one-to-one row on the check-in, created under the check-in's row lock, so a resubmission, an
edit or a double click never opens a second one.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.meetings.models import Occurrence
from groups.models import SupportGroup
from supportgroups.models import User

from . import notifications, permissions
from .models import CheckIn, CheckInSetup, CheckInTask


def setup_for(group: SupportGroup) -> CheckInSetup:
    """The group's set-up, off by default (not saved until a facilitator changes it)."""
    found = CheckInSetup.objects.filter(group=group).first()
    return found or CheckInSetup(group=group)


def save_setup(
    *, group: SupportGroup, by: User, enabled: bool, cadence: str, threshold: int
) -> CheckInSetup:
    if not permissions.sees_check_ins(by, group):
        raise PermissionDenied
    setup, _created = CheckInSetup.objects.get_or_create(group=group)
    setup.enabled, setup.cadence, setup.threshold = enabled, cadence, threshold
    setup.full_clean()
    setup.save()
    return setup


def period_for(setup: CheckInSetup, *, now: datetime | None = None) -> str:
    """Which check-in an answer belongs to: the group's next meeting that has not started, or
    the ISO week (also for a before-meeting group with no meeting coming)."""
    now = now or timezone.now()
    if setup.cadence == CheckInSetup.Cadence.BEFORE_MEETING:
        upcoming = (
            Occurrence.objects.filter(
                series__group_id=setup.group_id, starts_at__gt=now, is_cancelled=False
            )
            .order_by("starts_at", "id")
            .values_list("pk", flat=True)
            .first()
        )
        if upcoming is not None:
            return f"meeting-{upcoming}"
    year, week, _day = now.isocalendar()
    return f"week-{year}-W{week:02d}"


def submit(
    *,
    member: User,
    group: SupportGroup,
    score: int | None,
    problems: list[str],
    consent: bool,
) -> CheckIn:
    """Save the member's check-in for this period (answering again changes it) and open the
    facilitators' task when the score reaches the group's threshold, once."""
    setup = setup_for(group)
    if not setup.enabled or not permissions.can_check_in(member, group):
        raise PermissionDenied
    if not consent:
        raise ValidationError(
            {"consent": _("Please agree first: your answers go to the group's facilitators.")}
        )
    if score is not None and not 0 <= score <= 10:
        raise ValidationError({"score": _("Choose a number from 0 to 10.")})
    unknown = set(problems) - set(CheckIn.PROBLEMS)
    if unknown:
        raise ValidationError({"problems": _("Choose from the list.")})
    with transaction.atomic():
        check_in, _created = CheckIn.objects.select_for_update().get_or_create(
            group=group,
            member=member,
            period=period_for(setup),
            defaults={"consented_at": timezone.now()},
        )
        check_in.score = score
        for name in CheckIn.PROBLEMS:
            setattr(check_in, name, name in problems)
        check_in.consented_at = timezone.now()
        check_in.save()
        if score is not None and score >= setup.threshold:
            task, opened = CheckInTask.objects.get_or_create(
                check_in=check_in, defaults={"group": group, "member": member}
            )
            if opened:
                transaction.on_commit(lambda: notifications.tell_facilitators(task), robust=True)
    return check_in


def complete_task(*, task_id: int, by: User) -> CheckInTask:
    with transaction.atomic():
        task = (
            CheckInTask.objects.select_for_update(of=("self",))
            .select_related("group")
            .filter(pk=task_id)
            .first()
        )
        if task is None or not permissions.sees_check_ins(by, task.group):
            raise PermissionDenied
        if task.done_at is None:
            task.done_at, task.done_by = timezone.now(), by
            task.save(update_fields=["done_at", "done_by"])
    return task
