"""Writes for the forums. Every create or edit is screened by moderation in the same transaction,
indexed for search, and tells followers only after it has committed (see notifications.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from groups.activity import record_activity, record_post
from groups.conversations import emails as conversation_emails
from groups.models import SupportGroup
from moderation.services import ScreenResult, screen
from supportgroups.degrade import when_cache_is_down
from supportgroups.markdown import render_markdown
from supportgroups.models import Notification, User
from supportgroups.ratelimits import within_rate

from . import permissions, selectors, tasks
from .indexing import index_post
from .models import (
    Board,
    EmailPreference,
    Post,
    Reaction,
    Subscription,
    Thread,
    ThreadReadState,
    Topic,
    TopicPreference,
    path_segment,
)


@dataclass(frozen=True)
class Written:
    """A created or edited post and what moderation said about it."""

    post: Post
    screening: ScreenResult


def max_post_length() -> int:
    return settings.FORUMS_MAX_POST_LENGTH


def _validate_body(body: str, content_warning: str) -> None:
    errors = {}
    if not body.strip():
        errors["body"] = _("Write a message before posting.")
    elif len(body) > max_post_length():
        errors["body"] = _(
            "This message is %(length)s characters long; the limit is %(limit)s. "
            "Your text is still here: shorten it or split it into two posts."
        ) % {"length": len(body), "limit": max_post_length()}
    if len(content_warning) > 120:
        errors["content_warning"] = _("Keep the content warning under 120 characters.")
    if errors:
        raise ValidationError(errors)


class PostingTooFast(ValidationError):
    """The writer has hit the posting rate limit; ``retry_after`` is the window in seconds."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, code="rate_limited")
        self.retry_after = retry_after


@when_cache_is_down(None)
def check_posting_rate(author: User) -> None:
    """Rate limit on new threads and replies per member (the project standard: posting floods,
    spam bursts and scripts stop here, before anything is written). Edits are not counted."""
    minute_key, hour_key = f"forums:posts:m:{author.pk}", f"forums:posts:h:{author.pk}"
    if not within_rate(minute_key, limit=settings.FORUMS_POSTS_PER_MINUTE, window=60):
        raise PostingTooFast(
            _(
                "You are posting very quickly. Please wait a minute and send it again; "
                "your text is still here."
            ),
            retry_after=60,
        )
    if not within_rate(hour_key, limit=settings.FORUMS_POSTS_PER_HOUR, window=3600):
        cache.decr(minute_key)
        raise PostingTooFast(
            _(
                "You have posted %(limit)s times in the last hour, which is our limit. "
                "Please come back a little later; your text is still here."
            )
            % {"limit": settings.FORUMS_POSTS_PER_HOUR},
            retry_after=3600,
        )


def _note_activity(author: User, board: Board) -> None:
    """A post on a group's board counts as the member being active in that group (one UPDATE,
    throttled like groups.activity.record_activity), and as having read the group's norms
    shown above the form; public boards belong to no group."""
    if board.group_id is not None:
        record_post(user=author, group=board.group_id)


@transaction.atomic
def ensure_group_board(*, group: SupportGroup) -> Board:
    """Each support group has exactly one private board, made the first time it is needed."""
    board, _created = Board.objects.get_or_create(
        group=group,
        defaults={
            "name": group.name,
            "slug": f"group-{group.slug}"[:140],
            "description": _("Private board for the members of %(group)s.") % {"group": group},
        },
    )
    return board


def _screen(post: Post, *, new: bool = False) -> ScreenResult:
    result = screen(post, new=new)
    if result.held and not post.is_held:
        Post.objects.filter(pk=post.pk).update(is_held=True)
        post.is_held = True
    return result


def _insert_post(
    *,
    thread: Thread,
    author: User,
    parent: Post | None,
    body: str,
    content_warning: str,
    is_anonymous: bool,
    is_opening: bool = False,
) -> Post:
    """Two writes whatever the thread's size: the row, then its path from its own id."""
    post = Post.objects.create(
        thread=thread,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        author=author,
        body=body,
        body_html=render_markdown(body),
        content_warning=content_warning.strip(),
        is_anonymous=is_anonymous and thread.board.allows_anonymous,
        is_opening=is_opening,
    )
    post.path = (parent.path if parent else "") + path_segment(post.pk)
    post.root_id = parent.root_id if parent else post.pk
    Post.objects.filter(pk=post.pk).update(path=post.path, root_id=post.root_id)
    return post


@transaction.atomic
def create_thread(
    *,
    author: User,
    board: Board,
    title: str,
    body: str,
    content_warning: str = "",
    topics: Iterable[Topic] = (),
    is_anonymous: bool = False,
) -> Written:
    permissions.require_write(author, board)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the thread a title.")})
    _validate_body(body, content_warning)
    check_posting_rate(author)
    now = timezone.now()
    thread = Thread.objects.create(board=board, title=title, author=author, last_post_at=now)
    thread.topics.set(topics)
    post = _insert_post(
        thread=thread,
        author=author,
        parent=None,
        body=body,
        content_warning=content_warning,
        is_anonymous=is_anonymous,
        is_opening=True,
    )
    thread.opening_post = post
    thread.last_post_id = post.pk
    thread.save(update_fields=["opening_post", "last_post_id"])
    result = _screen(post, new=True)
    index_post(post)
    follow(user=author, thread=thread)
    _note_activity(author, board)
    if not post.is_held:
        transaction.on_commit(lambda: tasks.notify_new_post.delay(post.pk))
    return Written(post=post, screening=result)


@transaction.atomic
def create_reply(
    *,
    author: User,
    thread: Thread,
    body: str,
    parent: Post | None = None,
    content_warning: str = "",
    is_anonymous: bool = False,
) -> Written:
    """Reply to the thread (parent None, or its opening post) or to any standing reply in it."""
    permissions.require_write(author, thread.board, thread=thread)
    if parent is not None and parent.thread_id != thread.pk:
        raise ValidationError({"parent": _("That post belongs to another thread.")})
    if parent is not None and not parent.is_shown_to_all:
        raise ValidationError(
            {"parent": _("That post has been removed, so it can't take replies any more.")}
        )
    _validate_body(body, content_warning)
    check_posting_rate(author)
    if parent is not None and parent.is_opening:
        parent = None
    post = _insert_post(
        thread=thread,
        author=author,
        parent=parent,
        body=body,
        content_warning=content_warning,
        is_anonymous=is_anonymous,
    )
    result = _screen(post, new=True)
    index_post(post)
    if not post.is_held:
        Thread.objects.filter(pk=thread.pk).update(
            reply_count=F("reply_count") + 1, last_post_at=post.created_at, last_post_id=post.pk
        )
        transaction.on_commit(lambda: tasks.notify_new_post.delay(post.pk))
    follow(user=author, thread=thread)
    _note_activity(author, thread.board)
    return Written(post=post, screening=result)


@transaction.atomic
def publish(*, post: Post) -> None:
    """Moderation restored or approved the post: show it, and if it was held, count it and
    tell followers now (they were not told while it waited). A post moderation removed gets its
    words back from the copy the removal kept."""
    was_held = Post.objects.select_for_update().filter(pk=post.pk, is_held=True).exists()
    Post.objects.filter(pk=post.pk).update(hidden_at=None, hidden_reason="", is_held=False)
    post.refresh_from_db()
    if post.is_removed_by_moderators:
        _bring_back_removed_words(post)
    if was_held and not post.is_opening:
        Thread.objects.filter(pk=post.thread_id).update(
            reply_count=F("reply_count") + 1,
            last_post_at=Greatest("last_post_at", Value(post.created_at)),
            last_post_id=Greatest("last_post_id", Value(post.pk)),
        )
    if was_held:
        transaction.on_commit(lambda: tasks.notify_new_post.delay(post.pk))


def _withdraw_from_notifications(post: Post) -> None:
    """People told about the post keep the line (and its link), not the words: their
    notification list and data export must not hold what members can no longer read."""
    Notification.objects.filter(
        url=post.get_absolute_url(), kind__in=[Notification.Kind.REPLY, Notification.Kind.MENTION]
    ).update(body="")


@transaction.atomic
def hide_post(*, post: Post, reason: str) -> None:
    """Moderation hides the post from members; its words stay for the moderators."""
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now(), hidden_reason=reason[:200])
    _withdraw_from_notifications(post)


@transaction.atomic
def remove_by_moderators(*, post: Post, reason: str) -> None:
    """Moderation removes the post: the public copy is blanked (and out of search), and the
    words are kept as a revision only its moderators read."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.is_removed_by_moderators:
        return
    now = timezone.now()
    if post.body:
        kept = post.revisions.create(body=post.body, content_warning=post.content_warning)
        now = kept.created_at  # selectors.removal_copy() finds the words by this time
    Post.objects.filter(pk=post.pk).update(
        hidden_at=now,
        hidden_reason=reason[:200],
        removed_by_moderators_at=now,
        body="",
        body_html="",
        content_warning="",
        search_vector=None,
    )
    _withdraw_from_notifications(post)


def _bring_back_removed_words(post: Post) -> None:
    """A removal overturned: the kept copy becomes the post again (and stops being history)."""
    kept = selectors.removal_copy(post)
    post.removed_by_moderators_at = None
    if kept is not None and not post.body:  # a moderator's edit since then stands
        post.body, post.content_warning = kept.body, kept.content_warning
        post.body_html = render_markdown(kept.body)
        kept.delete()
    post.save(update_fields=["removed_by_moderators_at", "body", "body_html", "content_warning"])
    index_post(post)


@transaction.atomic
def edit_post(
    *,
    post: Post,
    body: str,
    content_warning: str = "",
    screen_it: bool = True,
    by: User | None = None,
) -> Written:
    """Keep what it said before as a revision, mark it edited, and screen it again (unless the
    edit is a moderator's own, made through moderation's queue).

    A writer editing their own post passes `by` and is asked the write policy like any post;
    moderation's edits pass none: they are not the writer's words.
    """
    if by is not None:  # a locked or closed thread keeps its words as they are
        permissions.require_write(by, post.thread.board, thread=post.thread)
    _validate_body(body, content_warning)
    post = Post.objects.select_for_update().select_related("thread__board").get(pk=post.pk)
    if post.body == body and post.content_warning == content_warning.strip():
        return Written(post=post, screening=ScreenResult())
    post.revisions.create(body=post.body, content_warning=post.content_warning)
    post.body = body
    post.body_html = render_markdown(body)
    post.content_warning = content_warning.strip()
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "content_warning", "edited_at"])
    result = _screen(post) if screen_it else ScreenResult()
    index_post(post)
    return Written(post=post, screening=result)


@transaction.atomic
def remove_post(*, post: Post) -> None:
    """Soft delete: the words (and their history) go, the place in the tree and replies stay."""
    Post.objects.filter(pk=post.pk).update(
        removed_by_author_at=timezone.now(),
        body="",
        body_html="",
        content_warning="",
        search_vector=None,
    )
    post.revisions.all().delete()
    post.refresh_from_db()


@transaction.atomic
def toggle_reaction(*, user: User, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if already given; returns whether it is now on.
    A locked or closed thread takes none (its moderators excepted)."""
    permissions.require_write(user, post.thread.board, thread=post.thread)
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": _("Choose one of the offered reactions.")})
    deleted, _details = Reaction.objects.filter(user=user, post=post, kind=kind).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(support_count=F("support_count") - 1)
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(user=user, post=post, kind=kind)
    except IntegrityError:  # a double click raced us; one row is what we want
        return True
    Post.objects.filter(pk=post.pk).update(support_count=F("support_count") + 1)
    if post.thread.board.group_id is not None:
        record_activity(user=user, group=post.thread.board.group_id)
    return True


def follow(*, user: User, thread: Thread | None = None, board: Board | None = None) -> None:
    Subscription.objects.bulk_create(
        [Subscription(user=user, thread=thread, board=board)], ignore_conflicts=True
    )


def unfollow(*, user: User, thread: Thread | None = None, board: Board | None = None) -> None:
    Subscription.objects.filter(user=user, thread=thread, board=board).delete()


def mark_read(*, user: User | AnonymousUser, thread: Thread) -> None:
    """Remember the newest post seen; one upsert, never moving backwards."""
    if not user.is_authenticated or not thread.last_post_id:
        return
    if getattr(thread, "last_read", None) == thread.last_post_id:
        return  # already there: thread_for read the mark with the thread
    ThreadReadState.objects.bulk_create(
        [ThreadReadState(user=user, thread=thread, last_read_post_id=thread.last_post_id)],
        update_conflicts=True,
        unique_fields=["user", "thread"],
        update_fields=["last_read_post_id", "updated_at"],
    )


@transaction.atomic
def set_reading_preferences(*, user: User, topic_actions: dict[int, str], digest: str) -> None:
    """Replace the person's topic filters and email digest choice."""
    if digest not in EmailPreference.Digest.values:
        raise ValidationError({"digest": _("Choose how often to get email.")})
    TopicPreference.objects.filter(user=user).delete()
    TopicPreference.objects.bulk_create(
        [
            TopicPreference(user=user, topic_id=topic_id, action=action)
            for topic_id, action in topic_actions.items()
            if action in TopicPreference.Action.values
        ]
    )
    EmailPreference.objects.update_or_create(user=user, defaults={"digest": digest})
    if digest != EmailPreference.Digest.DAILY:
        # Conversation news held for the digest goes out at the next scan instead.
        conversation_emails.release_held_for_digest(user=user)


# --- thread controls (through moderation's action table: forums/moderation.py) ---------------


def _locked_thread(thread: Thread) -> Thread:
    return Thread.objects.select_for_update().select_related("board").get(pk=thread.pk)


@transaction.atomic
def set_pinned(*, thread: Thread, pinned: bool) -> None:
    """A pinned thread heads its board's list, newest pin first."""
    Thread.objects.filter(pk=thread.pk).update(pinned_at=timezone.now() if pinned else None)


@transaction.atomic
def set_locked(*, thread: Thread, reason: str | None) -> None:
    """Locked (reason given): no new replies, and the thread says why. None unlocks."""
    if reason is not None and not reason.strip():
        raise ValidationError({"reason": _("Say why: the thread shows it to everyone.")})
    Thread.objects.filter(pk=thread.pk).update(
        locked_at=timezone.now() if reason is not None else None,
        lock_reason=(reason or "").strip()[:300],
    )


@transaction.atomic
def set_closed(*, thread: Thread, closed: bool) -> None:
    """Closed: the conversation has ended; no new replies."""
    Thread.objects.filter(pk=thread.pk).update(closed_at=timezone.now() if closed else None)


def can_move(thread: Thread, to: Board) -> str | None:
    """Why the thread may not move there, or None. Only between public boards: a group's
    board is private to its members, so its threads never leave it and none arrive from
    outside (the people who wrote them might not be members)."""
    if to.pk == thread.board_id:
        return _("The thread is already on that board.")
    if thread.board.is_private or to.is_private:
        return _("Threads move only between public boards: a group's board stays private.")
    return None


@transaction.atomic
def move_thread(*, thread: Thread, to: Board) -> int:
    """Move the thread, with all its posts, to another public board; returns the board it left."""
    thread = _locked_thread(thread)
    refused = can_move(thread, to)
    if refused:
        raise ValidationError({"board": refused})
    came_from = thread.board_id
    thread.board = to
    thread.save(update_fields=["board"])
    return came_from


# --- boards and topics (Django admin) ------------------------------------------------------


@transaction.atomic
def save_board(*, board: Board) -> Board:
    """Staff create or change a board in Django admin: its name, description, order, anonymous
    posting and search-engine indexing. A group's board belongs to its group (made by
    ensure_group_board); only a public board may be indexed, and only where the site allows it."""
    refused = permissions.indexing_refusal(board)
    if refused:
        raise ValidationError({"indexable": refused})
    board.slug = board.slug or slugify(board.name)[:140]
    board.full_clean()
    board.save()
    return board


@transaction.atomic
def save_topic(*, topic: Topic) -> Topic:
    """Staff add or rename a sensitive topic threads may be marked with."""
    topic.slug = topic.slug or slugify(topic.name)[:60]
    topic.full_clean()
    topic.save()
    return topic


def create_board(*, name: str, description: str = "", allows_anonymous: bool = False) -> Board:
    board, _created = Board.objects.get_or_create(
        slug=slugify(name)[:140],
        defaults={
            "name": name,
            "description": description,
            "allows_anonymous": allows_anonymous,
        },
    )
    return board
