"""Email digests of the posts people were told about in-app (notifications.py): at once or
daily, as each person chose.

Idempotent: a digest marks its items sent in the same transaction that picks them.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supportgroups.languages import in_language
from supportgroups.models import Notification
from supportgroups.privacy.emails import send_user_email

from . import permissions
from .models import DigestItem, EmailPreference
from .notifications import public_label


@transaction.atomic
def send_digest(*, user_id: int) -> int:
    """Email everything waiting for one person in one message; returns how many items went."""
    items = list(
        DigestItem.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("post__thread__board__group", "post__author", "user")
        .filter(user_id=user_id, sent_at__isnull=True)
        .order_by("created_at", "id")
    )
    if not items:
        return 0
    person = items[0].user
    with in_language(person):
        return _send_digest(person, items)


def _send_digest(person, items: list[DigestItem]) -> int:
    """The digest's words (reasons, subject, body) in the person's language."""
    lines = [
        {
            "reason": item.get_reason_display(),
            "thread": item.post.thread.title,
            "author": public_label(item.post),
            "excerpt": item.post.excerpt(),
            "url": settings.SITE_URL + item.post.get_absolute_url(),
        }
        for item in items
        # Held, hidden or removed since, or the person has left a private board: not a word.
        if item.post.is_shown_to_all and permissions.can_read_board(person, item.post.thread.board)
    ]
    DigestItem.objects.filter(pk__in=[i.pk for i in items]).update(sent_at=timezone.now())
    if not lines:
        return 0
    sent = send_user_email(
        user=person,
        kind=Notification.Kind.REPLY,
        subject=_("%(count)s new in the forums") % {"count": len(lines)},
        template="forums/email/digest.txt",
        context={"person": person, "lines": lines},
    )
    return len(lines) if sent else 0


def send_daily_digests() -> int:
    """The daily beat entry: one digest per person who chose daily email and has news."""
    user_ids = (
        DigestItem.objects.filter(
            sent_at__isnull=True,
            user__forum_email_preference__digest=EmailPreference.Digest.DAILY,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    return sum(1 for user_id in list(user_ids) if send_digest(user_id=user_id))
