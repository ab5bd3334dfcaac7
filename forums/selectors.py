"""Reads for the forums: a fixed number of queries per page, however long the thread or board.

Pages use keyset pagination (a cursor naming the last row seen), never OFFSET, so page 500 is
an index range scan like page 1. A thread page is one query for a page of top-level replies with
their subtrees (ordered by materialised path) and one grouped query for their reaction counts.
The reads every thread and board page makes are prepared (supportgroups.prepared): Django builds
and compiles each once, so a page pays for running them only.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.models import Membership
from supportgroups.dates import DateTimeLabels
from supportgroups.links import url_maker
from supportgroups.models import User
from supportgroups.prepared import Prepared, padded

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

    from .permissions import OpeningPost

Reader = User | AnonymousUser

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


def boards_for(*, user: Reader) -> QuerySet[Board]:
    """Public boards first, then the private boards of the person's groups."""
    return (
        permissions.readable_boards(user)
        .select_related("group")
        .order_by(F("group_id").asc(nulls_first=True), "position", "name")
    )


def _board(slug: str, reader_id: int | None) -> QuerySet[Board]:
    qs = Board.objects.select_related("group").filter(slug=slug)
    if reader_id is not None:
        follows = Subscription.objects.filter(user_id=reader_id, board=OuterRef("pk"))
        qs = qs.annotate(is_followed=Exists(follows))
    return qs


_BOARD = Prepared(_board)


def board_by_slug(*, slug: str) -> Board:
    found = _BOARD(slug, None)
    if not found:
        raise Http404
    return found[0]


def board_for(*, user: Reader, slug: str) -> tuple[Board, bool]:
    """The board, and whether the reader follows it, in one query."""
    found = _BOARD(slug, _reader_id(user))
    if not found:
        raise Http404
    return found[0], bool(_annotated(found[0], "is_followed", False))


def _reader_id(user: Reader) -> int | None:
    return user.pk if user.is_authenticated else None


def _others_held(reader_id: int | None, *, moderator: bool, prefix: str = "") -> Q:
    """Held posts stay out of lists except for their writer and the board's moderators:
    exclude() what this matches."""
    if moderator:
        return Q()
    held = Q(**{f"{prefix}is_held": True})
    if reader_id is not None:
        held &= ~Q(**{f"{prefix}author_id": reader_id})
    return held


def _last_read(reader_id: int) -> Subquery:
    """The id of the newest post the reader has seen in the thread the query is about."""
    marks = ThreadReadState.objects.filter(thread=OuterRef("pk"), user_id=reader_id)
    return Subquery(marks.values("last_read_post_id")[:1])


@dataclass
class ThreadRow:
    """A board's thread as the board page shows it to this reader (forums/_thread_item.html)."""

    title: str
    reply_count: int
    url: str
    is_unread: bool
    collapsed: bool  # it has a topic the reader chose to fold away
    starter_label: str
    last_post_iso: str
    last_post_label: str
    topic_names: list[str]


@dataclass
class ThreadPage:
    threads: list[ThreadRow]
    next_cursor: str | None
    pinned: list[ThreadRow] = field(default_factory=list)  # on the first page, above the rest


class _Cursored(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def last_post_at(self) -> datetime: ...


def thread_cursor(thread: _Cursored) -> str:
    """The cursor of the board page that starts after `thread` (a Thread or a ThreadValues)."""
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


def _in_topic_order(links: "QuerySet[Any]") -> "QuerySet[Any]":
    return links.order_by("topic__position", "topic__name")


_TOPIC_NAMES = Prepared(
    lambda thread_ids: _in_topic_order(
        Thread.topics.through.objects.filter(thread_id__in=thread_ids)
    ).values_list("thread_id", "topic__name")
)


def _topic_names(threads: "list[ThreadValues]") -> dict[int, list[str]]:
    """Each thread's topic names in the topics' order, in the reader's language. PostgreSQL
    gives them in the threads' own query (topic_names); elsewhere (the demo's SQLite) they are
    one plain query more (prefetch_related's machinery cost more than the rest of the rows)."""
    if settings.USING_POSTGRES:
        return {t.pk: [_(name) for name in t.topic_names] for t in threads if t.topic_names}
    names: dict[int, list[str]] = {}
    thread_ids = [t.pk for t in threads]
    for thread_id, name in _TOPIC_NAMES(padded(thread_ids)) if thread_ids else ():
        names.setdefault(thread_id, []).append(_(name))
    return names


# What a board's row shows, as plain rows (ThreadValues) rather than model instances.
_THREAD_COLUMNS = (
    "pk",
    "title",
    "reply_count",
    "last_post_at",
    "last_post_id",
    "author__display_name",
    "starter_anonymous",
    "collapsed",  # it has a topic the reader chose to fold away
    "last_read",  # the newest post the reader has seen there (None: none, or not signed in)
    "pinned_at",
    "topic_names",  # in the topics' order (PostgreSQL; None elsewhere: _topic_names)
)


class ThreadValues(Protocol):
    """A row of _threads() (its _THREAD_COLUMNS)."""

    pk: int
    title: str
    reply_count: int
    last_post_at: datetime
    last_post_id: int
    author__display_name: str | None
    starter_anonymous: bool
    collapsed: bool
    last_read: int | None
    pinned_at: datetime | None
    topic_names: list[str] | None


def _reader_topics(reader_id: int, action: str) -> QuerySet[Pref, Any]:
    """The topics the reader chose to hide or to fold away, as a subquery."""
    return Pref.objects.filter(user_id=reader_id, action=action).values("topic_id")


def _threads(
    board_id: int,
    reader_id: int | None,
    after: datetime | None,
    after_id: int | None,
    *,
    moderator: bool,
    limit: int,
    pinned: bool = False,
) -> "QuerySet[Thread, ThreadValues]":
    """A board's threads, most recently active first (threads_page); pinned ones apart, newest
    pin first. The reader's topic choices are read in the same query: threads on a topic they
    hide are left out, and those on a topic they fold away are marked."""
    topics = Thread.topics.through.objects
    collapsed_topic = (
        Exists(
            topics.filter(
                thread=OuterRef("pk"), topic__in=_reader_topics(reader_id, Pref.Action.COLLAPSE)
            )
        )
        if reader_id is not None
        else Value(False)
    )
    qs = (
        Thread.objects.filter(board_id=board_id)
        .exclude(_others_held(reader_id, moderator=moderator, prefix="opening_post__"))
        .annotate(
            starter_anonymous=Q(opening_post__is_anonymous=True),
            collapsed=collapsed_topic,
            last_read=_last_read(reader_id)
            if reader_id is not None
            else Value(None, BigIntegerField()),
            topic_names=ArraySubquery(
                _in_topic_order(topics.filter(thread=OuterRef("pk"))).values("topic__name")
            )
            if settings.USING_POSTGRES
            else Value(None, TextField()),
        )
        .filter(pinned_at__isnull=not pinned)
        .order_by(*(("-pinned_at", "-id") if pinned else ("-last_post_at", "-id")))
    )
    if reader_id is not None:
        hidden = topics.filter(topic__in=_reader_topics(reader_id, Pref.Action.HIDE))
        qs = qs.exclude(Exists(hidden.filter(thread=OuterRef("pk"))))
    if after is not None:
        qs = qs.filter(Q(last_post_at__lt=after) | Q(last_post_at=after, id__lt=after_id))
    return qs.values_list(*_THREAD_COLUMNS, named=True)[:limit]


_THREADS = Prepared(_threads)


def _first_page(
    board_id: int, reader_id: int | None, *, moderator: bool, limit: int, pinned_limit: int
) -> "QuerySet[Thread, ThreadValues]":
    """The pinned threads and the first page of the rest in one query: each part still reads
    its own index, and the two are told apart (and put in order) by pinned_at."""
    pinned = _threads(
        board_id, reader_id, None, None, moderator=moderator, limit=pinned_limit, pinned=True
    )
    latest = _threads(board_id, reader_id, None, None, moderator=moderator, limit=limit)
    return pinned.union(latest, all=True)


_FIRST_PAGE = Prepared(_first_page)


# Pinned threads a board shows at most: a notice board, not a second list.
PINNED_LIMIT = 10


def threads_page(*, user: Reader, board: Board, cursor: str | None = None) -> ThreadPage:
    """Most recently active first; hidden topics left out, collapsed ones marked. The first
    page also has the board's pinned threads, which the pages below leave out."""
    at, pk = _parsethread_cursor(cursor) or (None, None)
    moderator = permissions.can_moderate_board(user, board)
    args = (board.pk, _reader_id(user))
    limit = page_size() + 1
    if at:
        rows, pinned = _THREADS(*args, at, pk, moderator=moderator, limit=limit), []
    elif connection.features.supports_slicing_ordering_in_compound:
        both = _FIRST_PAGE(*args, moderator=moderator, limit=limit, pinned_limit=PINNED_LIMIT)
        # The order each part had (_threads), which a UNION does not promise to keep.
        pinned = [t for t in both if t.pinned_at]
        pinned.sort(key=lambda t: (t.pinned_at, t.pk), reverse=True)
        rows = [t for t in both if not t.pinned_at]
        rows.sort(key=lambda t: (t.last_post_at, t.pk), reverse=True)
    else:  # SQLite (the demo) takes no LIMIT inside a UNION
        rows = _THREADS(*args, None, None, moderator=moderator, limit=limit)
        pinned = _THREADS(*args, None, None, moderator=moderator, limit=PINNED_LIMIT, pinned=True)
    shown = [*pinned, *rows[: page_size()]]
    reveal = permissions.can_see_anonymous_author(user, board)
    dates, link = DateTimeLabels(), url_maker("forums:thread")
    topics = _topic_names(shown)
    signed_in = user.is_authenticated
    threads = [
        ThreadRow(
            title=thread.title,
            reply_count=thread.reply_count,
            url=link(thread.pk),
            is_unread=(thread.last_read or 0) < (thread.last_post_id or 0) if signed_in else False,
            collapsed=bool(thread.collapsed),
            starter_label=_label(
                thread.author__display_name,
                anonymous=bool(thread.starter_anonymous),
                reveal=reveal,
            ),
            last_post_label=(texts := dates.texts(thread.last_post_at))[0],
            last_post_iso=texts[1],
            topic_names=topics.get(thread.pk, []),
        )
        for thread in shown
    ]
    more = len(rows) > page_size()
    return ThreadPage(
        threads[len(pinned) :],
        thread_cursor(rows[page_size() - 1]) if more else None,
        pinned=threads[: len(pinned)],
    )


def _annotated(row: object, name: str, default: Any) -> Any:
    """An annotation the query added to a model instance (None counts as missing)."""
    value = getattr(row, name, None)
    return default if value is None else value


# --- threads ------------------------------------------------------------------------------------


def _thread(pk: int, reader_id: int | None) -> QuerySet[Thread]:
    qs = Thread.objects.select_related("board__group").annotate(
        opening_held=Q(opening_post__is_held=True),
        opening_author_id=F("opening_post__author_id"),
    )
    if reader_id is not None:
        qs = qs.annotate(
            last_read=_last_read(reader_id),
            is_followed=Exists(
                Subscription.objects.filter(thread=OuterRef("pk"), user_id=reader_id)
            ),
        )
    return qs.filter(pk=pk)


_THREAD = Prepared(_thread)


def thread_for(*, user: Reader, pk: int) -> "WithAnnotations[Thread, OpeningPost]":
    """The thread with its board and group, and the reader's read mark and follow, in one query."""
    found = _THREAD(int(pk), _reader_id(user))
    if not found:
        raise Http404
    return cast("WithAnnotations[Thread, OpeningPost]", found[0])  # _thread()'s annotations


def _thread_topics(thread_id: int, reader_id: int | None) -> QuerySet[Topic]:
    qs = Topic.objects.filter(threads=thread_id)
    if reader_id is not None:
        qs = qs.annotate(
            action=Subquery(
                Pref.objects.filter(user_id=reader_id, topic=OuterRef("pk")).values("action")[:1]
            )
        )
    return qs


_THREAD_TOPICS = Prepared(_thread_topics)


def thread_topics(*, user: Reader, thread: Thread) -> list[Topic]:
    """The thread's topics, each with the reader's own action ('hide', 'collapse' or None)."""
    return _THREAD_TOPICS(thread.pk, _reader_id(user))


def author_label(author: User | None, *, anonymous: bool, reveal: bool) -> str:
    return _label(author.display_name if author else None, anonymous=anonymous, reveal=reveal)


def _label(name: str | None, *, anonymous: bool, reveal: bool) -> str:
    """author_label() from the author's name (None: their account is gone)."""
    if name is None:
        return _("A former member")
    if anonymous and not reveal:
        return _("Anonymous member")
    return name


def _reaction_counts(
    reactions: QuerySet[Reaction], reader_id: int | None
) -> QuerySet[Reaction, Any]:
    """(post id, kind, how many, how many of them the reader gave), grouped (index post+kind)."""
    mine: Count | Value = (
        Count("id", filter=Q(user_id=reader_id)) if reader_id is not None else Value(0)
    )
    return reactions.order_by().values_list("post_id", "kind").annotate(n=Count("id"), mine=mine)


_REACTIONS = Prepared(
    lambda post_ids, reader_id: _reaction_counts(
        Reaction.objects.filter(post_id__in=post_ids), reader_id
    )
)

Reactions = dict[tuple[int, str], tuple[int, bool]]


def _reactions_of(rows: list[Any]) -> Reactions:
    return {(post_id, kind): (n, bool(given)) for post_id, kind, n, given in rows}


def _reactions_by_post(user: Reader, post_ids: list[int]) -> Reactions:
    """(post id, kind) -> (how many, whether the reader gave one), in one grouped query
    for a whole page."""
    return _reactions_of(_REACTIONS(padded(post_ids), _reader_id(user)) if post_ids else [])


# What a page shows of a post and needs to lay out its tree, as plain rows (PostValues): turning
# them into model instances, each with its author's, cost a thread page more than its SQL.
_POST_COLUMNS = (
    "id",
    "depth",
    "root_id",
    "is_opening",
    "support_count",
    "author_id",
    "author__display_name",
    "author__is_verified_professional",
    "is_anonymous",
    "body_html",
    "content_warning",
    "created_at",
    "edited_at",
    "removed_by_author_at",
    "removed_by_moderators_at",
    "hidden_at",
    "is_held",
    "author_is_facilitator",  # a facilitator of the group wrote it
    "has_replies",
)


class PostValues(Protocol):
    """A row of _posts() (its _POST_COLUMNS)."""

    id: int
    depth: int
    root_id: int | None
    is_opening: bool
    support_count: int
    author_id: int | None
    author__display_name: str | None
    author__is_verified_professional: bool | None
    is_anonymous: bool
    body_html: str
    content_warning: str
    created_at: datetime
    edited_at: datetime | None
    removed_by_author_at: datetime | None
    removed_by_moderators_at: datetime | None
    hidden_at: datetime | None
    is_held: bool
    author_is_facilitator: bool
    has_replies: bool


def _posts(
    thread_id: int, group_id: int | None, reader_id: int | None, *, moderator: bool
) -> "QuerySet[Post, PostValues]":
    facilitators = Membership.objects.filter(
        user=OuterRef("author"),
        state=Membership.State.ACTIVE,
        role=Membership.Role.FACILITATOR,
    )
    if group_id is not None:
        facilitators = facilitators.filter(group_id=group_id)
    return (
        Post.objects.filter(thread_id=thread_id)
        .exclude(_others_held(reader_id, moderator=moderator))
        .annotate(
            author_is_facilitator=Exists(facilitators),
            has_replies=Exists(Post.objects.filter(parent=OuterRef("pk"))),
        )
        .values_list(*_POST_COLUMNS, named=True)
    )


def _post_queryset(
    *, user: Reader, thread: Thread, moderator: bool
) -> "QuerySet[Post, PostValues]":
    return _posts(thread.pk, thread.board.group_id, _reader_id(user), moderator=moderator)


def _toplevel_order(sort: str) -> list[str]:
    return {"newest": ["-id"], "supported": ["-support_count", "-id"]}.get(sort, ["id"])


def _cursor_parts(sort: str, cursor: str | None) -> tuple[int, ...]:
    """A cursor anyone could have typed, as the numbers it holds: () (the first page) unless
    it has the form this sort gives its cursors."""
    try:
        parts = tuple(int(p) for p in (cursor or "").split("_"))
    except ValueError:
        return ()
    return parts if len(parts) == (2 if sort == "supported" else 1) else ()


def _after(sort: str, parts: tuple[int, ...]) -> Q:
    if not parts:
        return Q()
    if sort == "supported":
        count, pk = parts
        return Q(support_count__lt=count) | Q(support_count=count, id__lt=pk)
    return Q(id__lt=parts[0]) if sort == "newest" else Q(id__gt=parts[0])


def _cursor_of(sort: str, post_id: int, support_count: int) -> str:
    return f"{support_count}_{post_id}" if sort == "supported" else str(post_id)


class ReactionCount(TypedDict):
    kind: str
    label: str
    count: int
    mine: bool  # the reader gave one


@dataclass(slots=True)
class PostRow:
    """A post as a page shows it to this reader (forums/_post.html): labels, badges, reaction
    counts, the 'new' marker, the depth cut-off, dates and links, worked out once per page so
    the template only prints them."""

    pk: int
    author_id: int | None
    author_name: str | None  # None: the author's account is gone
    is_anonymous: bool
    body_html: str  # sanitised on write (render_markdown)
    content_warning: str
    edited_at: datetime | None
    is_removed: bool  # by its author
    is_removed_by_moderators: bool
    is_hidden: bool
    is_held: bool
    display_depth: int
    label: str
    revealed_anonymous: bool
    is_professional: bool
    can_edit: bool
    can_report: bool
    is_new: bool
    continues: bool  # deeper replies are on its "continue this thread" page
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
    moderate_url: str


@dataclass
class PostTree:
    opening: PostRow | None
    posts: list[PostRow]  # in display order
    next_cursor: str | None


def _decorate(
    posts: list[PostValues],
    *,
    user: Reader,
    thread: Thread,
    base_depth: int,
    reactions: Reactions | None = None,
) -> list[PostRow]:
    """The page's rows: what each post shows this reader (`reactions`: the posts' counts, when
    already read)."""
    board = thread.board
    reveal = permissions.can_see_anonymous_author(user, board)
    last_read: int = _annotated(thread, "last_read", 0)
    if reactions is None:
        reactions = _reactions_by_post(user, [post.id for post in posts])
    reacted = {post_id for post_id, _kind in reactions}
    labels = [(kind, str(label)) for kind, label in Reaction.Kind.choices]
    # Most posts have no reactions: they share one list (nothing changes it afterwards).
    unreacted: list[ReactionCount] = [
        {"kind": kind, "label": label, "count": 0, "mine": False} for kind, label in labels
    ]
    dates = DateTimeLabels()
    permalink = url_maker("forums:permalink")
    reply = url_maker("forums:reply")(thread.pk)
    edit, delete = url_maker("forums:edit"), url_maker("forums:delete")
    history, replies = url_maker("forums:history"), url_maker("forums:replies")
    react, report = url_maker("forums:react"), url_maker("moderation:report", "forums.post")
    moderate = url_maker("forums:moderate_post")
    reader_id = _reader_id(user)
    signed_in, deepest = reader_id is not None, display_depth() - 1
    rows = []
    for post in posts:
        pk, author_id, name = post.id, post.author_id, post.author__display_name
        depth = post.depth - base_depth
        removed, hidden = post.removed_by_author_at is not None, post.hidden_at is not None
        anonymous, has_author = post.is_anonymous, author_id is not None
        created_label, created_iso = dates.texts(post.created_at)
        rows.append(
            PostRow(
                pk=pk,
                author_id=author_id,
                author_name=name,
                is_anonymous=anonymous,
                body_html=post.body_html,
                content_warning=post.content_warning,
                edited_at=post.edited_at,
                is_removed=removed,
                is_removed_by_moderators=post.removed_by_moderators_at is not None,
                is_hidden=hidden,
                is_held=post.is_held,
                display_depth=depth,
                label=_label(name, anonymous=anonymous, reveal=reveal),
                revealed_anonymous=anonymous and reveal and has_author,
                is_professional=not anonymous
                and (post.author_is_facilitator or bool(post.author__is_verified_professional)),
                can_edit=permissions.may_edit_own(
                    reader_id, author_id=author_id, removed=removed, hidden=hidden
                ),
                # Hidden and removed posts are moderation's already (can_report_post).
                can_report=signed_in and author_id != reader_id and not (hidden or removed),
                is_new=signed_in and pk > last_read and author_id != reader_id,
                continues=depth >= deepest and post.has_replies,
                reaction_counts=[
                    {"kind": kind, "label": label, "count": count, "mine": mine}
                    for kind, label in labels
                    for count, mine in [reactions.get((pk, kind), (0, False))]
                ]
                if pk in reacted
                else unreacted,
                created_label=created_label,
                created_iso=created_iso,
                permalink=permalink(pk),
                reply_url=f"{reply}?parent={pk}",
                edit_url=edit(pk),
                delete_url=delete(pk),
                history_url=history(pk),
                replies_url=replies(pk),
                react_url=react(pk),
                report_url=report(pk),
                moderate_url=moderate(pk),
            )
        )
    return rows


def _toplevel_key(sort: str) -> Callable[[PostValues], tuple[int, ...]]:
    """The order of _toplevel_order(), applied in Python to rows already fetched."""
    if sort == "newest":
        return lambda p: (-p.id,)
    if sort == "supported":
        return lambda p: (-p.support_count, -p.id)
    return lambda p: (p.id,)


def _tree(
    thread_id: int,
    group_id: int | None,
    reader_id: int | None,
    after: tuple[int, ...],
    opening_id: int | None,
    *,
    sort: str,
    moderator: bool,
    limit: int,
    depth: int,
) -> "QuerySet[Post, PostValues]":
    """One page of top-level replies (one more than shown, to know whether there is a next
    page) with their subtrees to the display depth, in one query: the page of top-level replies
    is a subquery naming the subtrees to fetch."""
    top = (
        Post.objects.filter(thread_id=thread_id, parent__isnull=True, is_opening=False)
        .exclude(_others_held(reader_id, moderator=moderator))
        .filter(_after(sort, after))
        .order_by(*_toplevel_order(sort))
        .values("id")[:limit]
    )
    roots = Q(root_id__in=top)
    if opening_id is not None and connection.features.supports_slicing_ordering_in_compound:
        # The opening post is its own root; in the same subquery (an OR beside it would turn
        # the subtree lookup into a scan of the whole thread on PostgreSQL).
        roots = Q(root_id__in=top.union(Post.objects.filter(pk=opening_id).values("id"), all=True))
    elif opening_id is not None:  # SQLite (the demo) takes no LIMIT inside a UNION
        roots |= Q(root_id=opening_id)
    return (
        _posts(thread_id, group_id, reader_id, moderator=moderator)
        .filter(roots, depth__lt=depth)
        .order_by("path")
    )


_TREE = Prepared(_tree)


def _tree_reactions(
    thread_id: int,
    group_id: int | None,
    reader_id: int | None,
    after: tuple[int, ...],
    opening_id: int | None,
    **shape: Any,
) -> QuerySet[Reaction, Any]:
    """The reaction counts of the posts _tree() reads with the same arguments, naming them by
    that same query: a page's post ids as parameters cost the database driver more to send."""
    tree = _tree(thread_id, group_id, reader_id, after, opening_id, **shape)
    shown = tree.order_by().values("id")
    return _reaction_counts(Reaction.objects.filter(post_id__in=shown), reader_id)


_TREE_REACTIONS = Prepared(_tree_reactions)


def thread_tree(
    *, user: Reader, thread: Thread, sort: str = "oldest", cursor: str | None = None
) -> PostTree:
    """One page of top-level replies with their subtrees to the display depth (_tree)."""
    sort = sort if sort in SORTS else "oldest"
    after = _cursor_parts(sort, cursor)
    opening_id = thread.opening_post_id if not cursor else None
    tree = (thread.pk, thread.board.group_id, _reader_id(user), after, opening_id)
    shape = {
        "sort": sort,
        "moderator": permissions.can_moderate_board(user, thread.board),
        "limit": page_size() + 1,
        "depth": display_depth(),
    }
    rows = _TREE(*tree, **shape)
    opening = next((p for p in rows if p.is_opening), None)
    tops = sorted((p for p in rows if p.depth == 0 and not p.is_opening), key=_toplevel_key(sort))
    more = len(tops) > page_size()
    order = {p.id: i for i, p in enumerate(tops[: page_size()])}
    rows = [p for p in rows if p.root_id in order and not p.is_opening]
    rows.sort(key=lambda p: order[p.root_id or p.id])  # stable: path order in each subtree
    shown = _decorate(
        [*rows, *([opening] if opening else [])],
        user=user,
        thread=thread,
        base_depth=0,
        reactions=_reactions_of(_TREE_REACTIONS(*tree, **shape)),
    )
    last = tops[page_size() - 1] if more else None
    next_cursor = _cursor_of(sort, last.id, last.support_count) if last else None
    return PostTree(
        opening=shown[-1] if opening else None,
        posts=shown[: len(rows)],
        next_cursor=next_cursor,
    )


def subtree(*, user: Reader, thread: Thread, post: Post) -> list[PostRow]:
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


def post_or_none(pk: object) -> Post | None:
    """A post by an id taken from a form or query string (anything else gives None)."""
    text = str(pk)
    # Longer than any database id: int() of thousands of digits is refused by Python itself.
    if not (text.isdecimal() and len(text) <= 18):
        return None
    return Post.objects.select_related("thread__board__group").filter(pk=int(text)).first()


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


def one_post(*, user: Reader, post: Post) -> PostRow:
    """A single post as on the thread page (for htmx reaction updates)."""
    moderator = permissions.can_moderate_board(user, post.thread.board)
    row = _post_queryset(user=user, thread=post.thread, moderator=moderator).get(pk=post.pk)
    return _decorate([row], user=user, thread=post.thread, base_depth=row.depth)[0]


def digest_choice(user: User) -> str:
    pref = EmailPreference.objects.filter(user=user).first()
    return pref.digest if pref else EmailPreference.Digest.NEVER
