"""Reads for the forums: a fixed number of queries per page, however long the thread or board.

Pages use keyset pagination (a cursor naming the last row seen), never OFFSET, so page 500 is
an index range scan like page 1. A thread page is one query for a page of top-level replies with
their subtrees (ordered by materialised path) and one grouped query for their reaction counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.models import Membership
from supportgroups.dates import DateTimeLabels
from supportgroups.models import User

from . import permissions
from .models import (
    PATH_SEGMENT_WIDTH,
    Board,
    EmailPreference,
    Post,
    PostRevision,
    Reaction,
    Subscription,
    Thread,
    ThreadReadState,
    Topic,
)
from .models import TopicPreference as Pref

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

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


def boards_for(*, user: User | AnonymousUser) -> QuerySet[Board]:
    """Public boards first, then the private boards of the person's groups."""
    return (
        permissions.readable_boards(user)
        .select_related("group")
        .order_by(F("group_id").asc(nulls_first=True), "position", "name")
    )


def board_by_slug(*, slug: str) -> Board:
    return get_object_or_404(Board.objects.select_related("group"), slug=slug)


def _topic_actions(user: User | AnonymousUser) -> dict[int, str]:
    if not user.is_authenticated:
        return {}
    return dict(Pref.objects.filter(user=user).values_list("topic_id", "action"))


def _others_held(user: User | AnonymousUser, *, moderator: bool, prefix: str = "") -> Q:
    """Held posts stay out of lists except for their writer and the board's moderators:
    exclude() what this matches."""
    if moderator:
        return Q()
    held = Q(**{f"{prefix}is_held": True})
    if user.is_authenticated:
        held &= ~Q(**{f"{prefix}author": user})
    return held


@dataclass(frozen=True, slots=True)
class ThreadRow:
    """A board's row for one thread, worked out once per page so the template only prints it
    (forums.rendering.thread_context)."""

    thread: Thread
    collapsed: bool
    topic_names: list[str]
    starter_label: str
    is_unread: bool
    url: str
    last_post_label: str
    last_post_iso: str


@dataclass
class ThreadPage:
    threads: list[ThreadRow]
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


def _topic_names(thread_ids: list[int]) -> dict[int, list[str]]:
    """Each thread's topic names in the topics' order: one plain query (prefetch_related's
    machinery cost more than the rest of the board's rows)."""
    names: dict[int, list[str]] = {}
    rows = (
        Thread.topics.through.objects.filter(thread_id__in=thread_ids)
        .order_by("topic__position", "topic__name")
        .values_list("thread_id", "topic__name")
    )
    for thread_id, name in rows:
        names.setdefault(thread_id, []).append(name)
    return names


def threads_page(
    *, user: User | AnonymousUser, board: Board, cursor: str | None = None
) -> ThreadPage:
    """Most recently active first; hidden topics left out, collapsed ones marked."""
    actions = _topic_actions(user)
    hidden = [t for t, a in actions.items() if a == Pref.Action.HIDE]
    collapsed = [t for t, a in actions.items() if a == Pref.Action.COLLAPSE]
    moderator = permissions.can_moderate_board(user, board)
    qs = (
        Thread.objects.filter(board=board)
        .exclude(_others_held(user, moderator=moderator, prefix="opening_post__"))
        .select_related("author")
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
    dates, link = DateTimeLabels(), _url_maker("forums:thread")
    topics = _topic_names([thread.pk for thread in rows[: page_size()]])
    shown = [
        ThreadRow(
            thread=thread,
            collapsed=thread.collapsed,
            topic_names=topics.get(thread.pk, []),
            starter_label=author_label(
                thread.author, anonymous=thread.starter_anonymous, reveal=reveal
            ),
            is_unread=user.is_authenticated
            and (getattr(thread, "last_read", None) or 0) < (thread.last_post_id or 0),
            url=link(thread.pk),
            last_post_label=dates.text(thread.last_post_at),
            last_post_iso=dates.iso(thread.last_post_at),
        )
        for thread in rows[: page_size()]
    ]
    more = len(rows) > page_size()
    return ThreadPage(shown, thread_cursor(rows[page_size() - 1]) if more else None)


# --- threads ------------------------------------------------------------------------------------


def thread_for(
    *, user: User | AnonymousUser, pk: int
) -> WithAnnotations[Thread, permissions.OpeningPost]:
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


def thread_topics(*, user: User | AnonymousUser, thread: Thread) -> list[Topic]:
    """The thread's topics, each with the reader's own action ('hide', 'collapse' or None)."""
    qs = thread.topics.all()
    if user.is_authenticated:
        qs = qs.annotate(
            action=Subquery(
                Pref.objects.filter(user=user, topic=OuterRef("pk")).values("action")[:1]
            )
        )
    return list(qs)


def author_label(author: User | None, *, anonymous: bool, reveal: bool) -> str:
    if author is None:
        return _("A former member")
    if anonymous and not reveal:
        return _("Anonymous member")
    return author.display_name


def _reactions_by_post(
    user: User | AnonymousUser, post_ids: list[int]
) -> dict[tuple[int, str], tuple[int, bool]]:
    """(post id, kind) -> (how many, whether the reader gave one), in one grouped query
    (index post+kind) for a whole page."""
    mine: Count | Value = Count("id", filter=Q(user=user)) if user.is_authenticated else Value(0)
    rows = (
        Reaction.objects.filter(post_id__in=post_ids)
        .order_by()
        .values_list("post_id", "kind")
        .annotate(n=Count("id"), mine=mine)
    )
    return {(post_id, kind): (n, bool(given)) for post_id, kind, n, given in rows}


def _url_maker(viewname: str, *args: str) -> Callable[[int], str]:
    """reverse() once per page, then each row's URL by putting its id in: reversing for every
    post of a page cost more than the rest of its links together."""
    marker = 987654321987
    head, tail = reverse(viewname, args=[*args, marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


class PostFacts(TypedDict):
    """What _post_queryset() adds to each post."""

    author_is_facilitator: bool
    has_replies: bool


def _post_queryset(
    *, user: User | AnonymousUser, thread: Thread, moderator: bool
) -> QuerySet[WithAnnotations[Post, PostFacts]]:
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


class ReactionCount(TypedDict):
    kind: str
    label: str
    count: int
    mine: bool


@dataclass(frozen=True, slots=True)
class ShownPost:
    """A post with what its page shows about it to one reader (labels, badges, reaction counts,
    'new' marker, depth cut-off, dates and links), worked out once per page so the template
    only prints it (forums.rendering.post_context)."""

    post: Post
    display_depth: int
    label: str
    revealed_anonymous: bool
    is_professional: bool
    can_edit: bool
    can_report: bool
    is_new: bool
    continues: bool
    reaction_counts: list[ReactionCount]
    created_label: str
    created_iso: str
    permalink: str
    reply_url: str
    edit_url: str
    delete_url: str
    history_url: str
    replies_url: str
    react_url: str
    report_url: str

    @property
    def pk(self) -> int:
        return self.post.pk

    @property
    def is_removed(self) -> bool:
        return self.post.is_removed


@dataclass
class PostTree:
    opening: ShownPost | None
    posts: list[ShownPost]  # in display order
    next_cursor: str | None


def _decorate(
    posts: list[WithAnnotations[Post, PostFacts]],
    *,
    user: User | AnonymousUser,
    thread: Thread,
    base_depth: int,
) -> list[ShownPost]:
    """The posts as this reader is shown them, in the same order."""
    board = thread.board
    reveal = permissions.can_see_anonymous_author(user, board)
    last_read = getattr(thread, "last_read", None) or 0
    reactions = _reactions_by_post(user, [post.pk for post in posts])
    labels = [(kind, str(label)) for kind, label in Reaction.Kind.choices]
    dates = DateTimeLabels()
    permalink = _url_maker("forums:permalink")
    reply = _url_maker("forums:reply")(thread.pk)
    edit, delete = _url_maker("forums:edit"), _url_maker("forums:delete")
    history, replies = _url_maker("forums:history"), _url_maker("forums:replies")
    react, report = _url_maker("forums:react"), _url_maker("moderation:report", "forums.post")
    signed_in, reader_id, deepest = user.is_authenticated, user.pk, display_depth() - 1
    shown = []
    for post in posts:
        pk, author_id, depth = post.pk, post.author_id, post.depth - base_depth
        shown.append(
            ShownPost(
                post=post,
                display_depth=depth,
                label=author_label(post.author, anonymous=post.is_anonymous, reveal=reveal),
                revealed_anonymous=post.is_anonymous and reveal and post.author is not None,
                is_professional=not post.is_anonymous
                and (
                    post.author_is_facilitator
                    or bool(post.author and post.author.is_verified_professional)
                ),
                can_edit=permissions.can_edit_post(user, post),
                # Hidden and removed posts are moderation's already (permissions.can_report_post).
                can_report=signed_in
                and author_id != reader_id
                and not (post.is_hidden or post.is_removed),
                is_new=signed_in and pk > last_read and author_id != reader_id,
                continues=depth >= deepest and post.has_replies,
                reaction_counts=[
                    {"kind": kind, "label": label, "count": count, "mine": mine}
                    for kind, label in labels
                    for count, mine in [reactions.get((pk, kind), (0, False))]
                ],
                created_label=dates.text(post.created_at),
                created_iso=dates.iso(post.created_at),
                permalink=permalink(pk),
                reply_url=f"{reply}?parent={pk}",
                edit_url=edit(pk),
                delete_url=delete(pk),
                history_url=history(pk),
                replies_url=replies(pk),
                react_url=react(pk),
                report_url=report(pk),
            )
        )
    return shown


def _toplevel_key(sort: str) -> Callable[[Post], tuple[int, ...]]:
    """The order of _toplevel_order(), applied in Python to rows already fetched."""
    if sort == "newest":
        return lambda p: (-p.pk,)
    if sort == "supported":
        return lambda p: (-p.support_count, -p.pk)
    return lambda p: (p.pk,)


def thread_tree(
    *, user: User | AnonymousUser, thread: Thread, sort: str = "oldest", cursor: str | None = None
) -> PostTree:
    """One page of top-level replies with their subtrees to the display depth, in one query:
    the page of top-level replies (one more than shown, to know whether there is a next page)
    is a subquery naming the subtrees to fetch."""
    moderator = permissions.can_moderate_board(user, thread.board)
    sort = sort if sort in SORTS else "oldest"
    top = (
        Post.objects.filter(thread=thread, parent__isnull=True, is_opening=False)
        .exclude(_others_held(user, moderator=moderator))
        .filter(_after(sort, cursor))
        .order_by(*_toplevel_order(sort))
        .values("id")[: page_size() + 1]
    )
    if thread.opening_post_id and not cursor:
        # The opening post is its own root; in the same subquery (an OR beside it would turn
        # the subtree lookup into a scan of the whole thread).
        opening_id = Post.objects.filter(pk=thread.opening_post_id).values("id")
        top = top.union(opening_id, all=True)
    rows = list(
        _post_queryset(user=user, thread=thread, moderator=moderator)
        .filter(root_id__in=top, depth__lt=display_depth())
        .order_by("path")
    )
    opening = next((p for p in rows if p.is_opening), None)
    tops = sorted((p for p in rows if p.depth == 0 and not p.is_opening), key=_toplevel_key(sort))
    more = len(tops) > page_size()
    order: dict[int | None, int] = {p.pk: i for i, p in enumerate(tops[: page_size()])}
    rows = [p for p in rows if p.root_id in order and not p.is_opening]
    rows.sort(key=lambda p: order[p.root_id])  # stable: keeps path order in each subtree
    shown = _decorate(
        [*rows, *([opening] if opening else [])], user=user, thread=thread, base_depth=0
    )
    last = tops[page_size() - 1] if more else None
    next_cursor = _cursor_of(sort, last.pk, last.support_count) if last else None
    return PostTree(
        opening=shown[-1] if opening else None, posts=shown[: len(rows)], next_cursor=next_cursor
    )


def subtree(*, user: User | AnonymousUser, thread: Thread, post: Post) -> list[ShownPost]:
    """'Continue this thread': a post and its replies, again cut at the display depth."""
    moderator = permissions.can_moderate_board(user, thread.board)
    rows = list(
        _post_queryset(user=user, thread=thread, moderator=moderator)
        .filter(
            root_id=post.root_id,
            path__startswith=post.path,
            depth__lt=post.depth + display_depth(),
        )
        .order_by("path")
    )
    return _decorate(rows, user=user, thread=thread, base_depth=post.depth)


def post_for(*, pk: int) -> Post:
    return get_object_or_404(Post.objects.select_related("thread__board__group", "author"), pk=pk)


def post_or_none(pk: str | None) -> Post | None:
    """A post by an id taken from a form or query string (anything else gives None)."""
    # Longer than any database id: int() of thousands of digits is refused by Python itself.
    if pk is None or not (pk.isdecimal() and len(pk) <= 18):
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


def revisions_for(*, post: Post) -> list[PostRevision]:
    return list(post.revisions.all())


def removal_copy(post: Post) -> PostRevision | None:
    """The words as they were when moderation removed the post (stamped with its time)."""
    removed_at = post.removed_by_moderators_at
    if removed_at is None:
        return None
    return post.revisions.filter(created_at=removed_at).first()


def one_post(*, user: User | AnonymousUser, post: Post) -> ShownPost:
    """A single post decorated like on the thread page (for htmx reaction updates)."""
    moderator = permissions.can_moderate_board(user, post.thread.board)
    row = _post_queryset(user=user, thread=post.thread, moderator=moderator).get(pk=post.pk)
    return _decorate([row], user=user, thread=post.thread, base_depth=row.depth)[0]


def is_following_board(*, user: User | AnonymousUser, board: Board) -> bool:
    return user.is_authenticated and Subscription.objects.filter(user=user, board=board).exists()


def digest_choice(user: User) -> str:
    pref = EmailPreference.objects.filter(user=user).first()
    return pref.digest if pref else EmailPreference.Digest.NEVER
