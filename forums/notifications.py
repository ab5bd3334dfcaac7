"""Telling people about new posts: who is told, and their in-app notifications. Each one is
also a digest item, which emails.py sends at once or daily as the person chose.

Runs in a Celery worker after the post has committed. Idempotent: a digest item is unique per
(person, post).
"""

import re
from functools import partial

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from supportgroups.models import Notification, User
from supportgroups.services import notify

from . import permissions
from .models import DigestItem, EmailPreference, Post, Subscription
from .selectors import author_label, digest_choice

MENTION = re.compile(r"(?<![\w@])@([^\s@][^@\n]{0,60})")
MAX_NAME_WORDS = 4


def mention_candidates(text: str) -> set[str]:
    """Every lower-cased run of one to four words after an @: display names may have spaces."""
    candidates = set()
    for match in MENTION.finditer(text):
        words = match.group(1).split()
        for n in range(1, min(MAX_NAME_WORDS, len(words)) + 1):
            phrase = " ".join(words[:n])
            candidates.add(phrase.lower())
            candidates.add(phrase.rstrip(".,;:!?").lower())
    return candidates


def mentioned_users(text: str):
    candidates = mention_candidates(text)
    if not candidates:
        return User.objects.none()
    return User.objects.annotate(lower_name=Lower("display_name")).filter(
        lower_name__in=candidates, is_active=True
    )


def public_label(post: Post) -> str:
    """Notifications and email never reveal an anonymous writer."""
    return author_label(post.author, anonymous=post.is_anonymous, reveal=False)


def deliver_post_notifications(*, post_id: int) -> None:
    post = Post.objects.select_related("thread__board__group", "author").filter(pk=post_id).first()
    if post is None or not post.is_shown_to_all:
        return
    thread, board = post.thread, post.thread.board
    recipients: dict[int, tuple[User, str]] = {}
    for person in mentioned_users(post.body).exclude(pk=post.author_id):
        recipients[person.pk] = (person, DigestItem.Reason.MENTION)
    followers = (
        Subscription.objects.filter(thread=thread) | Subscription.objects.filter(board=board)
    ).select_related("user")
    for sub in followers:
        if sub.user_id != post.author_id and sub.user_id not in recipients:
            recipients[sub.user_id] = (sub.user, DigestItem.Reason.REPLY)
    url = post.get_absolute_url()
    name = public_label(post)
    for person, reason in recipients.values():
        if not permissions.can_read_board(person, board):
            continue
        if not permissions.may_be_told_about(person, post):
            continue  # a block (either way, unless anonymous), a memorial or a closed account
        with transaction.atomic():
            _item, created = DigestItem.objects.get_or_create(
                user=person, post=post, defaults={"reason": reason}
            )
            if not created:
                continue  # this task already ran for this post
            if reason == DigestItem.Reason.MENTION:
                title = _("%(name)s mentioned you in “%(thread)s”")
                kind = Notification.Kind.MENTION
            elif post.is_opening:
                title = _("%(name)s started “%(thread)s”")
                kind = Notification.Kind.REPLY
            else:
                title = _("%(name)s replied in “%(thread)s”")
                kind = Notification.Kind.REPLY
            notify(
                user=person,
                kind=kind,
                title=(title % {"name": name, "thread": thread.title})[:200],
                body=post.excerpt(),
                url=url,
            )
            if digest_choice(person) == EmailPreference.Digest.IMMEDIATELY:
                from .tasks import send_digest  # here: tasks imports this module

                transaction.on_commit(partial(send_digest.delay, person.pk))
