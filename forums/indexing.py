"""The posts' search vectors: each post indexed in its board's language (its group's; the
site's for public boards), with that text search configuration kept beside it. PostgreSQL only:
the SQLite demo searches by plain word match (forums/search.py)."""

from django.conf import settings
from django.db import connection
from django.db.models import Value

from supportgroups.languages import search_config

from .models import Board, Post


def board_search_config(board: Board) -> str:
    """Posts are indexed in their board's group's language; public boards in the site's."""
    group = board.group if board.group_id is not None else None
    return search_config(group.language if group is not None else None)


def index_post(post: Post) -> None:
    """Refresh the post's search vector (title weighs more than body) in the text search
    configuration of its board's language; PostgreSQL only."""
    if not settings.USING_POSTGRES:
        return
    from django.contrib.postgres.search import SearchVector

    config = board_search_config(post.thread.board)
    title = post.thread.title if post.is_opening else ""
    searchable = "" if post.is_removed else post.body
    Post.objects.filter(pk=post.pk).update(
        search_config=config,
        search_vector=SearchVector(Value(title), weight="A", config=config)
        + SearchVector(Value(searchable), weight="B", config=config),
    )


# The same vector as index_post's, for every indexed post of one board at once (a group's
# language changed). Posts out of search (NULL vector: removed or hidden) stay out.
REINDEX_BOARD_SQL = """
UPDATE forums_post AS p
SET search_config = %(config)s,
    search_vector =
        setweight(to_tsvector(%(config)s::regconfig,
                  CASE WHEN p.is_opening THEN t.title ELSE '' END), 'A')
        || setweight(to_tsvector(%(config)s::regconfig,
                     CASE WHEN p.removed_by_author_at IS NULL THEN p.body ELSE '' END), 'B')
FROM forums_thread AS t
WHERE p.thread_id = t.id AND t.board_id = %(board)s
  AND p.search_vector IS NOT NULL AND p.search_config <> %(config)s
"""


def reindex_board(*, board_id: int) -> int:
    """Index a board's posts again in its (group's) language; returns how many changed."""
    if not settings.USING_POSTGRES:
        return 0
    board = Board.objects.select_related("group").filter(pk=board_id).first()
    if board is None:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(REINDEX_BOARD_SQL, {"config": board_search_config(board), "board": board.pk})
        return int(cursor.rowcount)
