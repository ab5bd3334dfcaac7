"""Email digests of the posts people were told about in-app (notifications.py): at once or
daily, as each person chose. The daily one also says which private conversations have news
(groups.conversations.emails.take_for_digest) and carries the announcements
(groups.announcements.take_for_digest), for people who chose one email a day.

Idempotent: a digest marks its items sent in the same transaction that picks them.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import announcements as group_announcements
from groups.conversations import emails as conversation_emails
from supportgroups.languages import in_language
from supportgroups.models import Notification, User
from supportgroups.privacy.emails import may_email, send_user_email

from . import permissions
from .models import DigestItem, EmailPreference
from .notifications import public_label


@transaction.atomic
def send_digest(*, user_id: int, with_conversations: bool = False) -> int:
    """Email everything waiting for one person in one message; returns how many items went.
    The daily digest (`with_conversations`) also says which private conversations have news,
    which wait for it for people who chose one email a day."""
    items = list(
        DigestItem.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("post__thread__board__group", "post__author", "user")
        .filter(user_id=user_id, sent_at__isnull=True)
        .order_by("created_at", "id")
    )
    person = items[0].user if items else User.objects.filter(pk=user_id).first()
    if person is None:
        return 0
    with in_language(person):
        return _send_digest(person, items, with_conversations=with_conversations)


def _send_digest(person: User, items: list[DigestItem], *, with_conversations: bool) -> int:
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
    messages = conversation_emails.take_for_digest(user=person) if with_conversations else []
    if not may_email(user=person, kind=Notification.Kind.MESSAGE):
        messages = []  # marked all the same: the person switched these emails off
    notices = group_announcements.take_for_digest(user=person) if with_conversations else []
    if not may_email(user=person, kind=Notification.Kind.ANNOUNCEMENT):
        notices = []  # marked all the same, as above
    count = len(lines) + len(messages) + len(notices)
    if not count:
        return 0
    kind = (
        Notification.Kind.REPLY
        if lines
        else Notification.Kind.MESSAGE
        if messages
        else Notification.Kind.ANNOUNCEMENT
    )
    sent = send_user_email(
        user=person,
        kind=kind,
        subject=_("%(count)s new for you") % {"count": count},
        template="forums/email/digest.txt",
        context={"person": person, "lines": lines, "messages": messages, "notices": notices},
    )
    return count if sent else 0


def send_daily_digests() -> int:
    """The daily beat entry: one digest per person who chose daily email and has news (in the
    forums, or in their private conversations)."""
    daily = EmailPreference.objects.filter(digest=EmailPreference.Digest.DAILY).values("user_id")
    forum_news = DigestItem.objects.filter(sent_at__isnull=True, user__in=daily).values_list(
        "user_id", flat=True
    )
    conversation_news = conversation_emails.people_with_news().filter(user_id__in=daily)
    notice_news = (
        group_announcements.people_with_digest_news()
        .filter(user_id__in=daily)
        .values_list("user_id", flat=True)
    )
    user_ids = sorted(set(forum_news) | set(conversation_news) | set(notice_news))
    return sum(1 for user_id in user_ids if send_digest(user_id=user_id, with_conversations=True))
