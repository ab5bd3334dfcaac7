"""Search across the posts a person may read.

PostgreSQL: the maintained search vector (GIN index), ranked with SearchRank, with highlighted
snippets from SearchHeadline. Other databases (the SQLite demo): a plain icontains match.
Both start from permissions.readable_boards, so private-board posts never reach outsiders.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import permissions
from .models import Post
from .selectors import author_label

# Control characters cannot occur in the escaped text, so they mark highlights unambiguously.
START, STOP = "\x02", "\x03"
MAX_RESULTS = 30


@dataclass
class Hit:
    post: Post
    snippet: SafeString
    author_label: str


def _snippet(text: str) -> SafeString:
    """Escape everything the writer wrote, then turn only our own markers into <mark>."""
    html = escape(text)
    return mark_safe(html.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def search_posts(*, user, query: str) -> list[Hit]:
    query = query.strip()[:200]
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
                    "body",
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
        posts = posts.filter(
            Q(body__icontains=query) | Q(is_opening=True, thread__title__icontains=query)
        ).order_by("-id")
    hits = []
    for post in posts[:MAX_RESULTS]:
        board = post.thread.board
        reveal = permissions.can_see_anonymous_author(user, board)
        label = author_label(post.author, anonymous=post.is_anonymous, reveal=reveal)
        text = getattr(post, "headline", None) or post.excerpt()
        hits.append(Hit(post=post, snippet=_snippet(text), author_label=label))
    return hits
