"""What the forums hold about a person, for export and account deletion
(see supportgroups.privacy.registry)."""

from django.db.models import Count, F
from django.utils import timezone

from supportgroups.privacy.registry import register

from . import models, selectors


def _export_posts(user, rows):
    return [
        {
            "thread": post.thread.title,
            "board": post.thread.board.name,
            "body": post.body,
            "content_warning": post.content_warning,
            "anonymous": post.is_anonymous,
            "created_at": post.created_at,
            "edited_at": post.edited_at,
            "removed": post.is_removed,
            "hidden_by_moderators": post.is_hidden and not post.is_removed_by_moderators,
            "removed_by_moderators": post.is_removed_by_moderators,
        }
        for post in rows.select_related("thread__board")
    ]


def _erase_posts(*, user, placeholder, remove_content: bool) -> None:
    """Posts are never deleted outright: others' replies hang under them. Asked to remove their
    words, the person's posts become "removed by its author" (text and history gone)."""
    posts = models.Post.objects.filter(author=user)
    if remove_content:
        models.PostRevision.objects.filter(post__in=posts).delete()
        posts.filter(removed_by_author_at__isnull=True).update(removed_by_author_at=timezone.now())
        posts.update(body="", body_html="", content_warning="", search_vector=None)
    posts.update(author=placeholder)


def _erase_threads(*, user, placeholder, remove_content: bool) -> None:
    """A thread's title is shared ground for everyone who replied, so it stays."""
    models.Thread.objects.filter(author=user).update(author=placeholder)


register(
    models.Post,
    on_delete="anonymise",
    why="Conversations stay readable; the writer is shown as a former member.",
    export=_export_posts,
    erase=_erase_posts,
)
register(
    models.Thread,
    on_delete="anonymise",
    why="Threads others replied to stay; their starter is shown as a former member.",
    export_fields=("title", "created_at"),
    erase=_erase_threads,
)


def _erase_reactions(*, user, placeholder, remove_content: bool) -> None:
    """Take the person's reactions back, keeping each post's support count true."""
    mine = models.Reaction.objects.filter(user=user)
    for row in mine.values("post_id").annotate(n=Count("id")):
        models.Post.objects.filter(pk=row["post_id"]).update(
            support_count=F("support_count") - row["n"]
        )
    mine.delete()


register(
    models.Reaction,
    on_delete="delete",
    why="A reaction means nothing without its person.",
    erase=_erase_reactions,
)
register(models.Subscription, on_delete="delete", why="What the person chose to follow.")
register(models.ThreadReadState, on_delete="delete", why="The person's own reading place.")
register(models.TopicPreference, on_delete="delete", why="The person's own reading filters.")
register(models.EmailPreference, on_delete="delete", why="The person's own email choice.")
register(
    models.DigestItem,
    on_delete="delete",
    why="Pending email about others' posts, for this person only.",
    export=None,
)


def takes_daily_digest(*, user) -> bool:
    """The forums keep the one-email-a-day choice (reading preferences, "Once a day"): other
    apps' news for the person waits for that digest."""
    return selectors.digest_choice(user) == models.EmailPreference.Digest.DAILY
