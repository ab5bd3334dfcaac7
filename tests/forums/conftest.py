"""People and places for the forum tests: one public board, one group with its private board."""

import itertools

import pytest

from forums import services
from tests.factories import (
    BoardFactory,
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    with_mfa,
)


@pytest.fixture(autouse=True)
def _generous_posting_limits(settings):
    """These tests write many posts as one person within seconds; the rate-limit tests
    (test_rate_limit.py) set the limits they exercise."""
    settings.FORUMS_POSTS_PER_MINUTE = 1000
    settings.FORUMS_POSTS_PER_HOUR = 1000


@pytest.fixture
def board(db):
    return BoardFactory(name="Treatment talk", slug="treatment-talk", allows_anonymous=True)


@pytest.fixture
def group(db):
    return SupportGroupFactory(name="Tuesday circle", slug="tuesday-circle")


@pytest.fixture
def private_board(group):
    board = services.ensure_group_board(group=group)
    board.allows_anonymous = True
    board.save(update_fields=["allows_anonymous"])
    return board


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user=UserFactory(display_name="Marta")).user


@pytest.fixture
def facilitator(group):
    return FacilitatorMembershipFactory(group=group, user=UserFactory(display_name="Fay")).user


@pytest.fixture
def outsider(db):
    return UserFactory(display_name="Otto")


@pytest.fixture
def staff(db):
    return with_mfa(UserFactory(display_name="Stella staff", is_staff=True))


@pytest.fixture
def writer(db):
    return UserFactory(display_name="Wren")


def start_thread(board, author, title="Hello", body="First post", **kwargs):
    return services.create_thread(author=author, board=board, title=title, body=body, **kwargs)


_replies = itertools.count()


def reply_to(thread, author, parent=None, body=None, **kwargs):
    """A reply; bodies differ by default, since moderation holds repeated text as spam."""
    body = body or f"A reply, number {next(_replies)}"
    return services.create_reply(
        author=author, thread=thread, parent=parent, body=body, **kwargs
    ).post


def bulk_replies(thread, author, count: int, *, top_level_share: int = 3, seed: int = 1):
    """Add `count` replies fast (bulk inserts), shaped like a real thread: about one in
    `top_level_share` is a top-level reply, the rest answer a random earlier post, to any depth.
    Paths are built exactly as services._insert_post builds them."""
    import random

    from django.utils import timezone

    from forums.models import Post, Thread, path_segment
    from supportgroups.markdown import render_markdown

    rng = random.Random(seed)
    made: list[Post] = []
    batch = 50  # parents come from earlier batches (a new row has no id until it is saved)
    for start in range(0, count, batch):
        rows = []
        for i in range(start, min(count, start + batch)):
            parent = None
            if made and i % top_level_share:
                parent = rng.choice(made[-200:])
            rows.append(
                Post(
                    thread=thread,
                    parent=parent,
                    depth=parent.depth + 1 if parent else 0,
                    author=author,
                    body=f"Reply number {i}",
                    body_html=render_markdown(f"Reply number {i}"),
                )
            )
        Post.objects.bulk_create(rows)
        for post in rows:
            post.path = (post.parent.path if post.parent else "") + path_segment(post.pk)
            post.root_id = post.parent.root_id if post.parent else post.pk
        Post.objects.bulk_update(rows, ["path", "root_id"])
        made.extend(rows)
    Thread.objects.filter(pk=thread.pk).update(
        reply_count=len(made), last_post_id=made[-1].pk, last_post_at=timezone.now()
    )
    thread.refresh_from_db()
    return made
