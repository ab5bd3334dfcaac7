"""Search per language: posts indexed in their board's group's language (public boards in the
site's), indexed again when the group's language changes, and resources in their own."""

import pytest

from forums import indexing
from forums import services as forums
from forums.models import Post
from forums.search import search_posts
from resources.selectors import LibraryFilters, library
from tests.factories import (
    BoardFactory,
    MembershipFactory,
    ResourceFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def titles(page) -> list[str]:
    return [hit.post.thread.title for hit in page.hits]


def test_posts_are_indexed_in_their_boards_language_and_searched_in_it():
    group = SupportGroupFactory(language="es")
    member = MembershipFactory(group=group).user
    spanish = forums.create_thread(
        author=member,
        board=forums.ensure_group_board(group=group),
        title="Noches",
        body="Soy cuidadora de mi madre.",
    ).post
    public = forums.create_thread(
        author=member, board=BoardFactory(), title="Nights", body="Caring for my mother."
    ).post
    configs = dict(Post.objects.values_list("pk", "search_config"))
    assert configs == {spanish.pk: "spanish", public.pk: "english"}
    assert titles(search_posts(user=member, query="cuidadores")) == ["Noches"]
    assert titles(search_posts(user=member, query="cares")) == ["Nights"]
    # Someone who may not read the group's board finds nothing there, in any language.
    assert titles(search_posts(user=UserFactory(), query="cuidadores")) == []


def test_a_groups_new_language_reindexes_its_board(django_capture_on_commit_callbacks):
    group = SupportGroupFactory(language="en")
    member = MembershipFactory(group=group).user
    board = forums.ensure_group_board(group=group)
    post = forums.create_thread(
        author=member, board=board, title="Le soir", body="Je suis si fatiguée."
    ).post
    assert titles(search_posts(user=member, query="fatigue")) == []  # stemmed as English
    with django_capture_on_commit_callbacks() as queued:
        group.language = "fr"
        group.save()
    assert len(queued) == 1  # the re-indexing task, once the change commits
    assert indexing.reindex_board(board_id=board.pk) == 1
    post.refresh_from_db()
    assert post.search_config == "french"
    assert titles(search_posts(user=member, query="fatigue")) == ["Le soir"]
    with django_capture_on_commit_callbacks() as queued:
        group.name = "Renamed"
        group.save(update_fields=["name"])
    assert queued == []  # nothing to do when the language stays


def test_resources_are_searched_in_the_language_they_are_written_in():
    spanish = ResourceFactory(
        title="Guía para cuidadoras", summary="Cuidar de quien cuidas.", language="es"
    )
    ResourceFactory(title="Carers' guide", summary="Looking after yourself.", language="en")
    assert spanish.search_config == "spanish"
    assert [r.title for r in library(LibraryFilters(q="cuidadores"))] == ["Guía para cuidadoras"]
    assert [r.title for r in library(LibraryFilters(q="carer"))] == ["Carers' guide"]
