"""Reads for the forums: a fixed number of queries per page, however long the thread or board.

Pages use keyset pagination (a cursor naming the last row seen), never OFFSET, so page 500 is
an index range scan like page 1. A thread page is: one query for the page of top-level replies,
one for those replies' subtrees (ordered by materialised path, with reaction counts as
subqueries).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.models import Membership

from . import permissions
from .models import (
    PATH_SEGMENT_WIDTH,
    Board,
    EmailPreference,
    Post,
    Reaction,
    Subscription,
    Thread,
    ThreadReadState,
    Topic,
)
from .models import TopicPreference as Pref

SORTS = {
    "oldest": gettext_lazy("Oldest first"),
    "newest": gettext_lazy("Newest first"),
    "supported": gettext_lazy("Most supported"),
}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def page_size() -> int:
    return settings.FORUMS_PAGE_SIZE


def display_depth() -> int:
    return settings.FORUMS_DISPLAY_DEPTH


# --- boards -------------------------------------------------------------------------------------


def boards_for(*, user) -> QuerySet[Board]:
    """Public boards first, then the private boards of the person's groups."""
    return (
        permissions.readable_boards(user)
        .select_related("group")
        .order_by(F("group_id").asc(nulls_first=True), "position", "name")
    )


def board_by_slug(*, slug: str) -> Board:
    return get_object_or_404(Board.objects.select_related("group"), slug=slug)


def _topic_actions(user) -> dict[int, str]:
    if not user.is_authenticated:
        return {}
    return dict(Pref.objects.filter(user=user).values_list("topic_id", "action"))


def _others_held(user, *, moderator: bool, prefix: str = "") -> Q:
    """Held posts stay out of lists except for their writer and the board's moderators:
    exclude() what this matches."""
    if moderator:
        return Q()
    held = Q(**{f"{prefix}is_held": True})
    if user.is_authenticated:
        held &= ~Q(**{f"{prefix}author": user})
    return held


@dataclass
class ThreadPage:
    threads: list[Thread]
    next_cursor: str | None


def thread_cursor(thread: Thread) -> str:
    micros = (thread.last_post_at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}_{thread.pk}"


def _parsethread_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """A cursor anyone could have typed: one that is not ours, or names no possible time, is
    ignored (the first page) rather than failing."""
    try:
        micros, pk = (int(part) for part in (cursor or "").split("_"))
        return EPOCH + timedelta(microseconds=micros), pk
    except (ValueError, OverflowError):
        return None


def threads_page(*, user, board: Board, cursor: str | None = None) -> ThreadPage:
    """Most recently active first; hidden topics left out, collapsed ones marked."""
    actions = _topic_actions(user)
    hidden = [t for t, a in actions.items() if a == Pref.Action.HIDE]
    collapsed = [t for t, a in actions.items() if a == Pref.Action.COLLAPSE]
    moderator = permissions.can_moderate_board(user, board)
    qs = (
        Thread.objects.filter(board=board)
        .exclude(_others_held(user, moderator=moderator, prefix="opening_post__"))
        .select_related("author")
        .prefetch_related("topics")
        .annotate(
            starter_anonymous=Q(opening_post__is_anonymous=True),
            collapsed=Exists(
                Thread.topics.through.objects.filter(thread=OuterRef("pk"), topic__in=collapsed)
            ),
        )
        .order_by("-last_post_at", "-id")
    )
    if hidden:
        qs = qs.exclude(topics__in=hidden)
    if user.is_authenticated:
        qs = qs.annotate(
            last_read=Subquery(
                ThreadReadState.objects.filter(thread=OuterRef("pk"), user=user).values(
                    "last_read_post_id"
                )[:1]
            )
        )
    position = _parsethread_cursor(cursor)
    if position:
        at, pk = position
        qs = qs.filter(Q(last_post_at__lt=at) | Q(last_post_at=at, id__lt=pk))
    rows = list(qs[: page_size() + 1])
    reveal = permissions.can_see_anonymous_author(user, board)
    for thread in rows[: page_size()]:
        thread.starter_label = author_label(
            thread.author, anonymous=thread.starter_anonymous, reveal=reveal
        )
        last_read = getattr(thread, "last_read", None)
        thread.is_unread = user.is_authenticated and (last_read or 0) < thread.last_post_id
    more = len(rows) > page_size()
    return ThreadPage(rows[: page_size()], thread_cursor(rows[page_size() - 1]) if more else None)


# --- threads ------------------------------------------------------------------------------------


def thread_for(*, user, pk: int) -> Thread:
    """The thread with its board and group, and the reader's read mark and follow, in one query."""
    qs = Thread.objects.select_related("board__group").annotate(
        opening_held=Q(opening_post__is_held=True),
        opening_author_id=F("opening_post__author_id"),
    )
    if user.is_authenticated:
        qs = qs.annotate(
            last_read=Subquery(
                ThreadReadState.objects.filter(thread=OuterRef("pk"), user=user).values(
                    "last_read_post_id"
                )[:1]
            ),
            is_followed=Exists(Subscription.objects.filter(thread=OuterRef("pk"), user=user)),
        )
    return get_object_or_404(qs, pk=pk)


def thread_topics(*, user, thread: Thread) -> list[Topic]:
    """The thread's topics, each with the reader's own action ('hide', 'collapse' or None)."""
    qs = thread.topics.all()
    if user.is_authenticated:
        qs = qs.annotate(
            action=Subquery(
                Pref.objects.filter(user=user, topic=OuterRef("pk")).values("action")[:1]
            )
        )
    return list(qs)


def author_label(author, *, anonymous: bool, reveal: bool) -> str:
    if author is None:
        return _("A former member")
    if anonymous and not reveal:
        return _("Anonymous member")
    return author.display_name


def _reaction_annotations(user) -> dict:
    """Per kind: how many, and whether the reader gave one, as subqueries on the post rows
    (index post+kind), so reactions cost no query of their own."""
    annotations = {}
    for kind in Reaction.Kind.values:
        same = Reaction.objects.filter(post=OuterRef("pk"), kind=kind)
        count = same.order_by().values("post").annotate(n=Count("id")).values("n")
        annotations[f"reactions_{kind}"] = Coalesce(Subquery(count), 0)
        if user.is_authenticated:
            annotations[f"reacted_{kind}"] = Exists(same.filter(user=user))
    return annotations


def _post_queryset(*, user, thread: Thread, moderator: bool) -> QuerySet[Post]:
    facilitators = Membership.objects.filter(
        user=OuterRef("author"),
        state=Membership.State.ACTIVE,
        role=Membership.Role.FACILITATOR,
    )
    if thread.board.group_id:
        facilitators = facilitators.filter(group_id=thread.board.group_id)
    return (
        Post.objects.filter(thread=thread)
        .exclude(_others_held(user, moderator=moderator))
        .select_related("author")
        .defer("search_vector")
        .annotate(
            author_is_facilitator=Exists(facilitators),
            has_replies=Exists(Post.objects.filter(parent=OuterRef("pk"))),
        )
    )


def _toplevel_order(sort: str) -> list[str]:
    return {"newest": ["-id"], "supported": ["-support_count", "-id"]}.get(sort, ["id"])


def _after(sort: str, cursor: str | None) -> Q:
    try:
        parts = [int(p) for p in (cursor or "").split("_")]
    except ValueError:
        return Q()
    if sort == "supported" and len(parts) == 2:
        count, pk = parts
        return Q(support_count__lt=count) | Q(support_count=count, id__lt=pk)
    if len(parts) != 1:
        return Q()
    return Q(id__lt=parts[0]) if sort == "newest" else Q(id__gt=parts[0])


def _cursor_of(sort: str, post_id: int, support_count: int) -> str:
    return f"{support_count}_{post_id}" if sort == "supported" else str(post_id)


@dataclass
class PostTree:
    opening: Post | None
    posts: list[Post]  # in display order, each with .display_depth
    next_cursor: str | None


def _decorate(posts: list[Post], *, user, thread: Thread, base_depth: int) -> None:
    """Labels, badges, reaction counts, 'new' markers and depth cut-off, computed once."""
    board = thread.board
    reveal = permissions.can_see_anonymous_author(user, board)
    moderator = permissions.can_moderate_board(user, board)
    last_read = getattr(thread, "last_read", None) or 0
    for post in posts:
        post.display_depth = post.depth - base_depth
        post.label = author_label(post.author, anonymous=post.is_anonymous, reveal=reveal)
        post.revealed_anonymous = post.is_anonymous and reveal and post.author is not None
        post.is_professional = not post.is_anonymous and (
            post.author_is_facilitator or bool(post.author and post.author.is_verified_professional)
        )
        post.shows_body = permissions.can_see_post_body(user, post, moderator=moderator)
        post.can_edit = permissions.can_edit_post(user, post)
        post.is_new = user.is_authenticated and post.pk > last_read and post.author_id != user.pk
        post.continues = post.display_depth >= display_depth() - 1 and post.has_replies
        post.reaction_counts = [
            {"kind": kind, "label": label, "count": getattr(post, f"reactions_{kind}"),
             "mine": getattr(post, f"reacted_{kind}", False)}
            for kind, label in Reaction.Kind.choices
        ]  # fmt: skip


def thread_tree(
    *, user, thread: Thread, sort: str = "oldest", cursor: str | None = None
) -> PostTree:
    """One page of top-level replies with their subtrees to the display depth."""
    moderator = permissions.can_moderate_board(user, thread.board)
    sort = sort if sort in SORTS else "oldest"
    posts = _post_queryset(user=user, thread=thread, moderator=moderator)
    top = list(
        posts.filter(parent__isnull=True, is_opening=False)
        .filter(_after(sort, cursor))
        .order_by(*_toplevel_order(sort))
        .values_list("id", "support_count")[: page_size() + 1]
    )
    more = len(top) > page_size()
    top = top[: page_size()]
    order = {pk: i for i, (pk, _count) in enumerate(top)}
    wanted = Q(root_id__in=list(order), depth__lt=display_depth())
    if thread.opening_post_id and not cursor:
        wanted |= Q(pk=thread.opening_post_id)
    rows = list(posts.filter(wanted).annotate(**_reaction_annotations(user)).order_by("path"))
    opening = next((p for p in rows if p.is_opening), None)
    rows = [p for p in rows if not p.is_opening]
    rows.sort(key=lambda p: order.get(p.root_id, 0))  # stable: keeps path order in each subtree
    _decorate([*rows, *([opening] if opening else [])], user=user, thread=thread, base_depth=0)
    next_cursor = _cursor_of(sort, *top[-1]) if more else None
    return PostTree(opening=opening, posts=rows, next_cursor=next_cursor)


def subtree(*, user, thread: Thread, post: Post) -> list[Post]:
    """'Continue this thread': a post and its replies, again cut at the display depth."""
    moderator = permissions.can_moderate_board(user, thread.board)
    rows = list(
        _post_queryset(user=user, thread=thread, moderator=moderator)
        .annotate(**_reaction_annotations(user))
        .filter(
            root_id=post.root_id,
            path__startswith=post.path,
            depth__lt=post.depth + display_depth(),
        )
        .order_by("path")
    )
    _decorate(rows, user=user, thread=thread, base_depth=post.depth)
    return rows


def post_for(*, pk: int) -> Post:
    return get_object_or_404(Post.objects.select_related("thread__board__group", "author"), pk=pk)


def post_or_none(pk) -> Post | None:
    """A post by an id taken from a form or query string (anything else gives None)."""
    if not str(pk).isdecimal():
        return None
    return Post.objects.select_related("thread__board__group").filter(pk=pk).first()


def permalink_target(*, post: Post) -> tuple[str, int | None]:
    """Where a post is shown.

    ("thread", id of the top-level reply just before its own, i.e. the cursor of the page that
    starts with it) or ("subtree", id of the ancestor whose "continue this thread" page shows
    it, when it sits deeper than the thread page displays).
    """
    if post.is_opening:
        return "thread", None
    step = display_depth() - 1
    if post.depth >= display_depth():
        ancestor_depth = step * ((post.depth - 1) // step)
        segment = post.path[ancestor_depth * PATH_SEGMENT_WIDTH :][:PATH_SEGMENT_WIDTH]
        return "subtree", int(segment)
    before = (
        Post.objects.filter(
            thread_id=post.thread_id, parent__isnull=True, is_opening=False, id__lt=post.root_id
        )
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return "thread", before


def revisions_for(*, post: Post):
    return list(post.revisions.all())


def one_post(*, user, post: Post) -> Post:
    """A single post decorated like on the thread page (for htmx reaction updates)."""
    moderator = permissions.can_moderate_board(user, post.thread.board)
    row = (
        _post_queryset(user=user, thread=post.thread, moderator=moderator)
        .annotate(**_reaction_annotations(user))
        .get(pk=post.pk)
    )
    _decorate([row], user=user, thread=post.thread, base_depth=row.depth)
    return row


def is_following_board(*, user, board: Board) -> bool:
    return user.is_authenticated and Subscription.objects.filter(user=user, board=board).exists()


def digest_choice(user) -> str:
    pref = EmailPreference.objects.filter(user=user).first()
    return pref.digest if pref else EmailPreference.Digest.NEVER
