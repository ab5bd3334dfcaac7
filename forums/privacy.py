"""What forums hold about a person, for export and deletion (supportgroups.privacy.registry).

Written by the privacy engineer (issue 9) so that every forum model has a decision; owned by
forums from here on. Posts and threads stay in the conversation as "Former member"; if the
person asks for removal, their posts are soft-deleted exactly as "remove my post" does (the
replies of others hang under them, so rows are never hard-deleted).
"""

from django.db.models import Count, F

from supportgroups.privacy.registry import register

from .models import (
    DigestItem,
    EmailPreference,
    Post,
    Reaction,
    Subscription,
    Thread,
    ThreadReadState,
    TopicPreference,
)
from .services import remove_post


def _export_posts(user, rows):
    return [
        {
            "board": p.thread.board.name,
            "thread": p.thread.title,
            "url": p.get_absolute_url(),
            "body": p.body,
            "content_warning": p.content_warning,
            "posted_anonymously": p.is_anonymous,
            "created_at": p.created_at,
            "edited_at": p.edited_at,
            "removed": p.is_removed,
        }
        for p in rows.select_related("thread__board").order_by("created_at")
    ]


def _erase_posts(*, user, placeholder, remove_content):
    if remove_content:
        for post in Post.objects.filter(author=user, removed_by_author_at__isnull=True):
            remove_post(post=post)
    Post.objects.filter(author=user).update(author=placeholder)


def _export_threads(user, rows):
    return list(rows.values("title", "board__name", "created_at"))


def _erase_threads(*, user, placeholder, remove_content):
    # Never deleted: deleting a thread would delete everyone else's replies with it.
    Thread.objects.filter(author=user).update(author=placeholder)


def _erase_reactions(*, user, placeholder, remove_content):
    """Reactions go, and the posts' support counts (kept by toggle_reaction) drop with them."""
    per_post = Reaction.objects.filter(user=user).values("post").annotate(n=Count("id"))
    for row in per_post:
        Post.objects.filter(pk=row["post"]).update(support_count=F("support_count") - row["n"])
    Reaction.objects.filter(user=user).delete()


def _export_reactions(user, rows):
    return list(rows.values("kind", "post_id", "post__thread__title", "created_at"))


def _export_subscriptions(user, rows):
    return list(rows.values("thread__title", "board__name", "created_at"))


def _export_topic_preferences(user, rows):
    return list(rows.values("topic__name", "action"))


register(
    Post,
    on_delete="anonymise",
    why="Replies by others hang under a post, so it stays as Former member (words removed "
    "on request).",
    export=_export_posts,
    erase=_erase_posts,
)
register(
    Thread,
    on_delete="anonymise",
    why="A thread belongs to everyone who replied; its starter becomes Former member.",
    export=_export_threads,
    erase=_erase_threads,
)
register(
    Reaction,
    on_delete="delete",
    why="A reaction means nothing without its person.",
    export=_export_reactions,
    erase=_erase_reactions,
)
register(
    Subscription,
    on_delete="delete",
    why="What the person follows is their own choice.",
    export=_export_subscriptions,
)
register(
    ThreadReadState,
    on_delete="delete",
    why="Read markers only serve the person.",
    export_fields=("thread", "last_read_post_id", "updated_at"),
)
register(
    TopicPreference,
    on_delete="delete",
    why="The person's reading choices.",
    export=_export_topic_preferences,
)
register(EmailPreference, on_delete="delete", why="The person's email choice.")
register(
    DigestItem,
    on_delete="delete",
    why="Queued emails to a deleted account must never go out.",
    export_fields=("post", "reason", "created_at", "sent_at"),
)
