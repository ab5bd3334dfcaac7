"""Moderation's emails: the crisis alert. After the writer has seen the caring message, find who
is on duty, email them and push the item to their dashboards live; if nobody claims the item in
time, alert the backup contacts the same way. A follow-up contact due after a crisis and not
recorded alerts the on-duty people the same way, once, and the backups once more if it is still
not recorded MODERATION_FOLLOW_UP_BACKUP_MINUTES later."""

import datetime
import zoneinfo
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportgroups.languages import in_language
from supportgroups.push import services as push

from . import live, permissions
from .models import AuditLogEntry, FollowUp, OnDutyShift, ReviewItem


def _on_shift(shift: OnDutyShift, now: datetime.datetime) -> bool:
    today, t = now.weekday(), now.time()
    if shift.start <= shift.end:
        return shift.weekday == today and shift.start <= t < shift.end
    # Past midnight: the evening part on its own weekday, the early hours on the next.
    return (shift.weekday == today and t >= shift.start) or (
        (shift.weekday + 1) % 7 == today and t < shift.end
    )


def on_duty(*, backup: bool, at: datetime.datetime | None = None) -> list:
    now = (at or timezone.now()).astimezone(zoneinfo.ZoneInfo(settings.MODERATION_ROTA_TIME_ZONE))
    shifts = OnDutyShift.objects.filter(is_backup=backup, user__is_active=True).select_related(
        "user"
    )
    return list({s.user_id: s.user for s in shifts if _on_shift(s, now)}.values())


def crisis_recipients(item: ReviewItem, *, backup: bool) -> list:
    """On-duty people who may see the item; failing that the group's facilitators and the site
    moderators, so that a crisis never goes to nobody."""
    people = [u for u in on_duty(backup=backup) if permissions.can_view_item(u, item)]
    return people or permissions.item_moderators(item)


def _tell_on_duty(
    people: list, *, path: str, words: Callable[[str], tuple[str, str]], item_id: int, kind: str
) -> None:
    """Plain send_mail, not the member mail helper, and a high-urgency push never held by quiet
    hours: alerting the people on duty is part of their role, which no preference switches off.
    Each reads it in their own language (``words`` gives the subject and body for the page's
    address); then their open dashboards are told."""
    url = settings.SITE_URL + path
    for person in people:
        with in_language(person):
            subject, body = words(url)
            send_mail(subject, body, None, [person.email])
            push.alert_urgently(people=[person], url=path, title=subject)
    live.tell_moderators(user_ids=[p.pk for p in people], item_id=item_id, kind=kind)


def _alert(item: ReviewItem, people: list, *, subject: Promise) -> None:
    def words(url: str) -> tuple[str, str]:
        body = _(
            "A member may be at risk. Please open the moderation dashboard and claim the item:"
            "\n\n%s"
        )
        return str(subject), body % url

    path = reverse("moderation:item", args=[item.pk])
    _tell_on_duty(people, path=path, words=words, item_id=item.pk, kind="crisis")


def send_crisis_alert(*, item_id: int) -> int:
    """Idempotent: an item is alerted once per opening (a redelivered task does nothing)."""
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().get(pk=item_id)
        if item.alerted_at is not None or not item.crisis:
            return 0
        item.alerted_at = timezone.now()
        item.save(update_fields=["alerted_at", "updated_at"])
    people = crisis_recipients(item, backup=False)
    _alert(item, people, subject=gettext_lazy("Urgent: a member may be at risk"))
    return len(people)


def escalate_unclaimed_crises() -> int:
    """Beat task: crisis items nobody has claimed within MODERATION_CRISIS_BACKUP_MINUTES."""
    cutoff = timezone.now() - timedelta(minutes=settings.MODERATION_CRISIS_BACKUP_MINUTES)
    count = 0
    ids = ReviewItem.objects.filter(
        crisis=True,
        claimed_by__isnull=True,
        backup_alerted_at__isnull=True,
        alerted_at__lt=cutoff,
    ).exclude(state=ReviewItem.State.RESOLVED)
    for item_id in ids.values_list("pk", flat=True):
        with transaction.atomic():
            item = (
                ReviewItem.objects.select_for_update(skip_locked=True)
                .filter(pk=item_id, backup_alerted_at__isnull=True, claimed_by__isnull=True)
                .first()
            )
            if item is None:
                continue
            item.backup_alerted_at = timezone.now()
            item.save(update_fields=["backup_alerted_at", "updated_at"])
            people = crisis_recipients(item, backup=True)
            AuditLogEntry.objects.create(
                item=item, action="backup_alert", detail={"to": [p.pk for p in people]}
            )
        _alert(item, people, subject=gettext_lazy("Still unclaimed: a member may be at risk"))
        count += 1
    return count


def alert_overdue_follow_ups() -> int:
    """Beat task: each follow-up due and not done alerts the on-duty rota once (email and the
    dashboard), and the audit log says so."""
    due = FollowUp.objects.filter(
        done_at__isnull=True, alerted_at__isnull=True, due_at__lte=timezone.now()
    )
    return _alert_follow_ups(due, mark="alerted_at", backup=False)


def escalate_overdue_follow_ups() -> int:
    """Beat task: a follow-up the on-duty people were alerted about and that is still not
    recorded MODERATION_FOLLOW_UP_BACKUP_MINUTES later alerts the rota's backups once (and its
    assignee again), as an unclaimed crisis item does."""
    cutoff = timezone.now() - timedelta(minutes=settings.MODERATION_FOLLOW_UP_BACKUP_MINUTES)
    due = FollowUp.objects.filter(
        done_at__isnull=True, backup_alerted_at__isnull=True, alerted_at__lte=cutoff
    )
    return _alert_follow_ups(due, mark="backup_alerted_at", backup=True)


def _alert_follow_ups(due: QuerySet[FollowUp], *, mark: str, backup: bool) -> int:
    """Alert the rota (its backups if ``backup``) and each follow-up's assignee once: the
    follow-up is marked under its row lock (``mark`` is the field that says it was done), so
    two workers never send the same alert."""
    now = timezone.now()
    Action = AuditLogEntry.Action
    action = Action.FOLLOW_UP_BACKUP if backup else Action.FOLLOW_UP_ALERT
    count = 0
    for follow_up_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            follow_up = (
                FollowUp.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("item", "assignee")
                .filter(pk=follow_up_id, done_at__isnull=True, **{f"{mark}__isnull": True})
                .first()
            )
            if follow_up is None:
                continue
            setattr(follow_up, mark, now)
            follow_up.save(update_fields=[mark])
            people = crisis_recipients(follow_up.item, backup=backup)
            if follow_up.assignee is not None and follow_up.assignee not in people:
                people.append(follow_up.assignee)
            AuditLogEntry.objects.create(
                item=follow_up.item,
                action=action,
                subject=follow_up.item.author,
                detail={"follow_up": follow_up.pk, "to": [p.pk for p in people]},
            )
        _alert_overdue(follow_up, people, still=backup)
        count += 1
    return count


def _alert_overdue(follow_up: FollowUp, people: list, *, still: bool = False) -> None:
    def words(url: str) -> tuple[str, str]:
        if still:
            subject = _("Still overdue: a follow-up contact after a crisis")
        else:
            subject = _("Overdue: a follow-up contact after a crisis")
        body = _(
            "A follow-up contact with a member after a crisis was due %(hours)s hours after "
            "it was resolved and is not recorded yet. Please make sure someone reaches "
            "them:\n\n%(url)s"
        ) % {"hours": follow_up.after_hours, "url": url}
        return subject, body

    path = reverse("moderation:dashboard") + "#follow-ups"
    _tell_on_duty(
        people, path=path, words=words, item_id=follow_up.item_id, kind="follow_up_overdue"
    )
