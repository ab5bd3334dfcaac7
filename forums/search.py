"""Search across the posts a person may read: newest first, a page at a time.

The board ids the person may read (permissions.boards_readable_by) are fetched first, so the
search itself filters on a short list of constants that PostgreSQL can plan with. Results come
newest first and page by keyset (the id of the last post shown), so a later page costs what the
first does and nothing counts every match: for a common word PostgreSQL walks the posts' primary
key backwards and stops after a page, for a rare word it takes the few matches from the GIN
index of the search vector (partial: only posts shown to everyone are in it).

PostgreSQL: the maintained search vector, with highlighted snippets from SearchHeadline, made
for the shown page only. Other databases (the SQLite demo): every word must appear (icontains,
like the group directory). Snippets are plain text either way: they come from the rendered,
sanitised body with its tags taken out, so no Markdown or HTML source shows.
"""

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from groups.permissions import is_staff_with_mfa
from supportgroups.dates import DateTimeLabels
from supportgroups.languages import search_config
from supportgroups.links import url_maker
from supportgroups.prepared import Prepared, padded

from . import permissions
from .models import Board, Post
from .selectors import author_label, page_size

# Highlight markers: control characters, taken out of what people wrote (see _plain), so only
# the search puts them in.
START, STOP = "\x02", "\x03"
MARKERS = re.compile(f"([{START}{STOP}])")
NO_MARKERS = str.maketrans("", "", START + STOP)
MAX_QUERY_CHARS = 200
MAX_TERMS = 8  # as in the group directory: a pasted paragraph is not hundreds of LIKE clauses
SNIPPET_CHARS = 200
MAX_POST_ID = 2**63 - 1  # a cursor past PostgreSQL's bigint is not one
# What a hit shows and its permission checks read: every other column stays in the database.
SHOWN_FIELDS = [
    "is_anonymous", "created_at", "is_held", "hidden_at", "removed_by_author_at", "thread__title",
    "thread__board__name", "thread__board__group_id", "author__display_name",
]  # fmt: skip


@dataclass
class Hit:
    post: Post
    snippet: SafeString
    author_label: str
    written_label: str
    written_iso: str
    permalink: str


@dataclass
class ResultPage:
    """One page of hits, newest first, and the cursors of its neighbours (None: no such page).

    `older` is the id of the last hit shown: the next page holds the posts before it. `newer`
    is the id of the first: the previous page holds the posts after it."""

    hits: list[Hit]
    newer: int | None = None
    older: int | None = None
    number: int | None = 1  # shown to help people keep their place; None when not known
    from_cursor: bool = False  # asked for a page other than the first

    @property
    def newer_number(self) -> int | None:
        return self.number - 1 if self.number and self.number > 1 else None

    @property
    def older_number(self) -> int | None:
        return self.number + 1 if self.number else None


def parse_cursor(value: str | None) -> int | None:
    """A post id from the address, or None for anything else (the page then starts afresh)."""
    if value is None or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_POST_ID else None


def parse_page_number(value: str | None) -> int | None:
    """The page's number as the address gives it: only shown, so anything odd is left out."""
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 6:
        return None
    return int(value) or None


def clean_query(query: str) -> str:
    # PostgreSQL refuses NUL in text, and no post can contain one: it separates words like a space.
    return query.replace("\x00", " ").strip()[:MAX_QUERY_CHARS]


def _plain(html_text: str) -> str:
    """The text of (sanitised) HTML, entities decoded, with nothing that could pass for a marker."""
    return html.unescape(strip_tags(html_text)).translate(NO_MARKERS)


def _snippet(marked: str) -> SafeString:
    """Escape everything the writer wrote, then turn only our own markers into <mark>."""
    escaped = escape(" ".join(marked.split()))
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _headline_text(headline: str) -> str:
    """PostgreSQL's headline of the tag-stripped body: decode the text between its markers."""
    return "".join(p if p in (START, STOP) else _plain(p) for p in MARKERS.split(headline))


def _body_text():
    """body_html without its tags (and without stray marker characters), in SQL."""
    pattern = Value(f"<[^>]*>|[{START}{STOP}]")
    return Func(
        F("body_html"), pattern, Value(" "), Value("g"),
        function="regexp_replace", output_field=TextField(),
    )  # fmt: skip


def plain_search(posts: QuerySet[Post], query: str) -> QuerySet[Post]:
    """The fallback without full-text search: every word, in the post or its thread's title."""
    for word in query.split()[:MAX_TERMS]:
        posts = posts.filter(
            Q(body__icontains=word) | Q(is_opening=True, thread__title__icontains=word)
        )
    return posts


def plain_snippet(body_html: str, query: str) -> str:
    """About SNIPPET_CHARS of plain text from the first word found on, each word marked."""
    text = " ".join(_plain(body_html).split())
    words = sorted(set(query.split()[:MAX_TERMS]), key=len, reverse=True)
    found = re.compile("|".join(map(re.escape, words)), re.IGNORECASE) if words else None
    first = found.search(text) if found else None
    start = max(0, first.start() - SNIPPET_CHARS // 4) if first else 0
    window = text[start : start + SNIPPET_CHARS]
    if found:
        window = found.sub(lambda m: START + m.group(0) + STOP, window)
    return ("…" if start else "") + window + ("…" if start + SNIPPET_CHARS < len(text) else "")


def _board_languages(user_id: int | None, *, everything: bool) -> QuerySet[Board, tuple]:
    return permissions.boards_readable_by(user_id, everything=everything).values_list(
        "id", "group__language"
    )


# Asked on every search: built and compiled once per process (see supportgroups.prepared).
_BOARD_LANGUAGES = Prepared(_board_languages)


def _readable_boards(user) -> tuple[list[int], list[str]]:
    """The ids of the boards the person may read, and the text search configurations their
    posts are indexed with (their groups' languages; the site's for public boards)."""
    rows = _BOARD_LANGUAGES(
        user.pk if user.is_authenticated else None,
        everything=is_staff_with_mfa(user),
    )
    return [board_id for board_id, _language in rows], sorted(
        {search_config(language) for _board_id, language in rows}
    )


def _matching(
    board_ids: tuple[int, ...], configs: tuple[str, ...], query: str, *, postgres: bool
) -> QuerySet[Post]:
    """Every post the person may read that matches: shown to everyone (never held, hidden or
    removed, nor in a thread whose opening post waits for a facilitator), on a readable board.

    Each post is matched by the query in its own text search configuration: "cuidadoras" is
    stemmed as Spanish for the Madrid group's posts and as English for the public boards'. One
    condition per configuration among the readable boards (usually one, at most one per
    language), each answerable from the one GIN index of the search vector."""
    posts = (
        Post.objects.filter(
            thread__board_id__in=board_ids,
            is_held=False,
            hidden_at__isnull=True,
            removed_by_author_at__isnull=True,
        )
        .exclude(thread__opening_post__is_held=True)
        .select_related("thread__board", "author")
        .only(*SHOWN_FIELDS)
    )
    if not postgres:
        return plain_search(posts.only(*SHOWN_FIELDS, "body_html"), query)
    from django.contrib.postgres.search import SearchHeadline, SearchQuery

    if not configs:
        return posts.none()
    matches = Q()
    for config in configs:
        terms = SearchQuery(query, search_type="websearch", config=config)
        matches |= Q(search_config=config, search_vector=terms)
    # The headline stems the query as each post was stemmed (the configuration is the row's).
    terms = SearchQuery(query, search_type="websearch", config=F("search_config"))
    headline = SearchHeadline(
        _body_text(), terms, config=F("search_config"), start_sel=START, stop_sel=STOP,
        max_fragments=2, max_words=30, min_words=10,
    )  # fmt: skip
    return posts.filter(matches).annotate(headline=headline)


def _page(
    board_ids: tuple[int, ...],
    query: str,
    after: int | None,
    before: int | None,
    *,
    configs: tuple[str, ...],
    limit: int,
    postgres: bool,
) -> QuerySet[Post]:
    """`limit` matches: the newest, those before the post `after`, or (oldest first) those
    after the post `before`."""
    posts = _matching(board_ids, configs, query, postgres=postgres)
    if before is not None:
        return posts.filter(id__gt=before).order_by("id")[:limit]
    if after is not None:
        posts = posts.filter(id__lt=after)
    return posts.order_by("-id")[:limit]


# Building and compiling this query cost more CPU than PostgreSQL spends running it.
_PAGE = Prepared(_page)


def _hits(user, posts: list[Post], query: str) -> list[Hit]:
    # Only anonymous posts ask who may see their writer: one question for all their boards.
    permissions.remember_boards(user, [p.thread.board for p in posts if p.is_anonymous])
    dates = DateTimeLabels()
    permalink = url_maker("forums:permalink")
    hits = []
    for post in posts:
        board = post.thread.board
        reveal = post.is_anonymous and permissions.can_see_anonymous_author(user, board)
        if settings.USING_POSTGRES:
            # _matching() annotates the headline on PostgreSQL only, so Post's type lacks it.
            text = _headline_text(post.headline)  # type: ignore[attr-defined]
        else:
            text = plain_snippet(post.body_html, query)
        hits.append(
            Hit(
                post=post,
                snippet=_snippet(text),
                author_label=author_label(post.author, anonymous=post.is_anonymous, reveal=reveal),
                written_label=dates.text(post.created_at),
                written_iso=dates.iso(post.created_at),
                permalink=permalink(post.pk),
            )
        )
    return hits


def search_posts(
    *,
    user,
    query: str,
    after: int | None = None,
    before: int | None = None,
    number: int | None = None,
) -> ResultPage:
    """A page of the newest matches: the first page, the one after the post `after` (older
    posts) or the one before the post `before` (newer posts). `number` is the page's number as
    the address says, only for showing."""
    query = clean_query(query)
    if not query:
        return ResultPage(hits=[])
    board_ids, configs = _readable_boards(user)
    size = page_size()
    rows = _PAGE(
        padded(board_ids),
        query,
        after,
        before,
        configs=tuple(configs),
        limit=size + 1,
        postgres=settings.USING_POSTGRES,
    )
    if before is not None:
        shown = rows[:size][::-1]
        newer = shown[0].pk if len(rows) > size else None
        older = shown[-1].pk if shown else None
        number = number if newer else 1
    else:
        shown = rows[:size]
        newer = shown[0].pk if after is not None and shown else None
        older = shown[-1].pk if len(rows) > size else None
        number = number if after is not None else 1
    hits = _hits(user, shown, query)
    return ResultPage(
        hits=hits,
        newer=newer,
        older=older,
        number=number,
        from_cursor=after is not None or before is not None,
    )
