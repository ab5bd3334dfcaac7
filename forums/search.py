"""Search across the posts a person may read.

PostgreSQL: the maintained search vector (GIN index), ranked with SearchRank, with highlighted
snippets from SearchHeadline. Other databases (the SQLite demo): every word must appear
(icontains, like the group directory). Both start from permissions.readable_boards, so
private-board posts never reach outsiders. Snippets are plain text either way: they come from
the rendered, sanitised body with its tags taken out, so no Markdown or HTML source shows.
"""

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from . import permissions
from .models import Post
from .selectors import author_label

# Highlight markers: control characters, taken out of what people wrote (see _plain), so only
# the search puts them in.
START, STOP = "\x02", "\x03"
MARKERS = re.compile(f"([{START}{STOP}])")
NO_MARKERS = str.maketrans("", "", START + STOP)
MAX_RESULTS = 30
MAX_TERMS = 8  # as in the group directory: a pasted paragraph is not hundreds of LIKE clauses
SNIPPET_CHARS = 200


@dataclass
class Hit:
    post: Post
    snippet: SafeString
    author_label: str


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
    return posts.order_by("-id")


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


def search_posts(*, user, query: str) -> list[Hit]:
    # PostgreSQL refuses NUL in text, and no post can contain one: it separates words like a space.
    query = query.replace("\x00", " ").strip()[:200]
    if not query:
        return []
    posts = (
        Post.objects.filter(
            thread__board__in=permissions.readable_boards(user),
            is_held=False,
            hidden_at__isnull=True,
            removed_by_author_at__isnull=True,
        )
        .select_related("thread__board", "author")
        .defer("search_vector")
    )
    if settings.USING_POSTGRES:
        from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

        terms = SearchQuery(query, search_type="websearch", config="english")
        posts = (
            posts.filter(search_vector=terms)
            .annotate(
                rank=SearchRank(F("search_vector"), terms),
                headline=SearchHeadline(
                    _body_text(),
                    terms,
                    config="english",
                    start_sel=START,
                    stop_sel=STOP,
                    max_fragments=2,
                    max_words=30,
                    min_words=10,
                ),
            )
            .order_by("-rank", "-id")
        )
    else:
        posts = plain_search(posts, query)
    hits = []
    for post in posts[:MAX_RESULTS]:
        board = post.thread.board
        reveal = permissions.can_see_anonymous_author(user, board)
        label = author_label(post.author, anonymous=post.is_anonymous, reveal=reveal)
        if settings.USING_POSTGRES:
            text = _headline_text(post.headline)
        else:
            text = plain_snippet(post.body_html, query)
        hits.append(Hit(post=post, snippet=_snippet(text), author_label=label))
    return hits
