"""Email about conversations: a new conversation, a request or a reply still unread
CONVERSATIONS_EMAIL_AFTER after it arrived.

- One email per person per scan, however many conversations have news (a small digest), and
  none again about a conversation until the person has read it since: calm, not a stream.
- Emails never carry what was written, nor who wrote it: someone else may read the inbox.
  Only that there is something new, where (a group's facilitators, a request), and a link.
- Sent through supportgroups.privacy.emails.send_user_email: the person's "Private message"
  email choice, memorialised, deactivated and deleted accounts are respected there.
- Access is asked again when the email goes: someone removed from the group since, or no
  longer on the team, is not told.

The scan claims the rows it enqueues an email for (``email_claimed_at``), so a second scan or
beat finds nothing left to claim, and enqueues one task per person on commit. The task marks
what it emailed about (``emailed_sequence``) only after sending, holding the rows' locks while
it sends, so a second copy of the task waits and then finds nothing claimed. A send that fails
releases the claim, and the next scan offers it again; a task that never runs leaves a claim
that lapses after CONVERSATIONS_EMAIL_CLAIM_FOR.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from supportgroups.languages import in_language
from supportgroups.models import Notification, User
from supportgroups.privacy.emails import send_user_email, takes_daily_digest

from . import permissions
from .models import Conversation, Message, Participant

ACTIVE, REQUESTED = Participant.State.ACTIVE, Participant.State.REQUESTED


def _waiting(due_before, **only) -> Exists:
    """A shown message from someone else, old enough, past the person's read mark."""
    messages = Message.objects.filter(
        conversation=OuterRef("conversation"),
        sequence__gt=OuterRef("last_read_sequence"),
        created_at__lte=due_before,
        is_held=False,
        is_hidden=False,
        **only,
    ).exclude(author=OuterRef("user"))
    return Exists(messages)


def _due(now: datetime) -> QuerySet[Participant]:
    """Everyone who has waited long enough for an email about a conversation."""
    due_before = now - settings.CONVERSATIONS_EMAIL_AFTER
    member, team = Participant.Role.MEMBER, Participant.Role.TEAM
    # Someone asked: the request, which is the first message. Team members: the member's
    # words, not their colleagues' answers.
    return _still_due(Participant.objects.all()).filter(
        (Q(role=member, state=ACTIVE) & _waiting(due_before))
        | (Q(role=member, state=REQUESTED, last_read_sequence=0) & _waiting(due_before))
        | (Q(role=team) & _waiting(due_before, from_team=False))
    )


def scan_unread(*, now: datetime | None = None) -> dict[int, list[int]]:
    """Claim everyone who has waited long enough: {user id: conversation ids}, each claimed
    for its email task."""
    now = now or timezone.now()
    due = _due(now).filter(
        Q(email_claimed_at__isnull=True)
        | Q(email_claimed_at__lt=now - settings.CONVERSATIONS_EMAIL_CLAIM_FOR)
    )
    found: dict[int, list[int]] = defaultdict(list)
    with transaction.atomic():
        rows = list(
            due.select_for_update(skip_locked=True, of=("self",)).only(
                "pk", "user_id", "conversation_id"
            )
        )
        for row in rows:
            found[row.user_id].append(row.conversation_id)
        Participant.objects.filter(pk__in=[row.pk for row in rows]).update(email_claimed_at=now)
        if found:
            from .tasks import email_unread

            for user_id, conversation_ids in found.items():
                # Celery's Django fixup makes every task a DjangoTask; the stubs type a plain Task.
                email_unread.delay_on_commit(user_id, conversation_ids)  # type: ignore[attr-defined]
    return dict(found)


def _still_due(rows: QuerySet[Participant]) -> QuerySet[Participant]:
    """Not emailed since the person last read, and something new since then."""
    return rows.filter(
        emailed_sequence__lte=F("last_read_sequence"),
        conversation__last_sequence__gt=F("last_read_sequence"),
    )


def _line(user, conversation: Conversation) -> dict | None:
    """What the email says about one conversation, or None if the person may no longer
    open it (asked again now, when the email goes)."""
    seat = permissions.seat_of(user, conversation)
    url = settings.SITE_URL + conversation.get_absolute_url()
    if seat.is_asked:
        return {"what": _("Someone would like to start a conversation with you."), "url": url}
    if not permissions.read_verdict(user, conversation, seat):
        return None
    if seat.is_team:
        where = conversation.group.name if conversation.group else _("the site moderators")
        what = _("A member is waiting for an answer (%(where)s).") % {"where": where}
    elif conversation.kind == Conversation.Kind.FACILITATORS:
        what = _("The facilitators of %(group)s wrote to you.") % {"group": conversation.group}
    elif conversation.kind == Conversation.Kind.MODERATORS:
        what = _("The site moderators wrote to you.")
    else:
        what = _("You have a new message.")
    return {"what": what, "url": url}


def email_unread(*, user_id: int, conversation_ids: list[int]) -> bool:
    """The one email to one person about their claimed conversations with news, then the
    marks that say it went. Returns whether an email was sent."""
    claimed = Participant.objects.filter(
        user_id=user_id, conversation_id__in=conversation_ids, email_claimed_at__isnull=False
    )
    try:
        with transaction.atomic():
            rows = list(
                claimed.select_for_update(of=("self",)).select_related(
                    "user", "conversation__group"
                )
            )
            if not rows:  # sent already by another copy of this task
                return False
            user = rows[0].user
            if takes_daily_digest(user=user):
                # One email a day, chosen: these wait for it (see take_for_digest); the claim
                # keeps the scan away until then.
                claimed.update(email_claimed_at=timezone.now() + timedelta(days=1))
                return False
            due = set(_still_due(claimed).values_list("pk", flat=True))
            rows = [row for row in rows if row.pk in due]  # not read since the scan
            sent = _send(user, [row.conversation for row in rows]) if rows else False
            _mark_emailed(rows)
            claimed.update(email_claimed_at=None)
            return sent
    except Exception:
        # Not sent: the next scan offers these conversations again.
        claimed.update(email_claimed_at=None)
        raise


def _mark_emailed(rows: list[Participant]) -> None:
    """Up to where each person has been emailed, their claim released. Someone asked is
    emailed about the request only, never what followed it."""
    for row in rows:
        row.emailed_sequence = 1 if row.state == REQUESTED else row.conversation.last_sequence
        row.email_claimed_at = None
    Participant.objects.bulk_update(rows, ["emailed_sequence", "email_claimed_at"])


def _send(user: User, conversations: list[Conversation]) -> bool:
    with in_language(user):
        return _send_in_language(user, conversations)


def _send_in_language(user: User, conversations: list[Conversation]) -> bool:
    lines = [line for c in conversations if (line := _line(user, c)) is not None]
    if not lines:
        return False
    return send_user_email(
        user=user,
        kind=Notification.Kind.MESSAGE,
        subject=_("You have a new message"),
        template="conversations/email/unread.txt",
        context={"lines": lines, "inbox_url": settings.SITE_URL + reverse("conversations:inbox")},
    )


def people_with_news(*, now: datetime | None = None) -> QuerySet[Participant, int]:
    """The ids of everyone with conversation news waiting for an email (for a daily digest)."""
    return _due(now or timezone.now()).values_list("user_id", flat=True).distinct()


def release_held_for_digest(*, user: User, now: datetime | None = None) -> int:
    """The person stopped taking the daily digest: what waited for it (claimed into the
    future by `email_unread`) goes back to the scan, which emails it at its next run rather
    than a day late. Returns how many conversations were released."""
    now = now or timezone.now()
    return Participant.objects.filter(user=user, email_claimed_at__gt=now).update(
        email_claimed_at=None
    )


def take_for_digest(*, user: User, now: datetime | None = None) -> list[dict[str, str]]:
    """The lines about the person's conversations with news for their daily digest, marked as
    emailed in the caller's transaction (the digest sends, or rolls them back)."""
    rows = list(
        _due(now or timezone.now())
        .filter(user=user)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("conversation__group")
        .order_by("-conversation__last_message_at")
    )
    _mark_emailed(rows)
    return [line for row in rows if (line := _line(user, row.conversation)) is not None]
