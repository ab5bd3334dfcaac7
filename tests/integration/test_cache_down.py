"""With the cache's Redis unreachable, posting still works: rate limits let people through (the
outage is logged once), nothing is lost, and what was typed stays on the form.

The cache is pointed at a real Redis client on a closed port, so every cache call really fails.
"""

import pytest

from forums import services as forums
from forums.models import Post
from groups.chat.models import ChatMessage
from tests.factories import client_for

DEAD_CACHE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused


@pytest.fixture
def cache_down(settings, member):
    """Returns a function that brings the cache back; it is back after the test in any case, and
    a first successful rate-limit check closes the logged outage for the tests after this one."""
    live = settings.CACHES["default"]
    assert live["BACKEND"].endswith("RedisCache"), "tests run on Redis"
    settings.CACHES = {"default": {**live, "LOCATION": DEAD_CACHE}}

    def restore():
        settings.CACHES = {"default": live}
        forums.check_posting_rate(member)

    yield restore
    restore()


def outage_log(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "supportgroups.degrade"]


@pytest.fixture
def thread(board, facilitator):
    return forums.create_thread(
        author=facilitator, board=board, title="Hi", body="Hello"
    ).post.thread


def reply(member, thread, body, action="post"):
    return client_for(member).post(
        f"/forums/t/{thread.pk}/reply/", {"action": action, "body": body}
    )


def test_replies_are_posted_while_the_cache_is_down_and_the_outage_is_logged_once(
    thread, member, cache_down, caplog
):
    for n in range(3):
        response = reply(member, thread, f"Still here, reply {n}")
        assert response.status_code == 302
    bodies = set(Post.objects.filter(author=member).values_list("body", flat=True))
    assert bodies == {f"Still here, reply {n}" for n in range(3)}
    assert len(outage_log(caplog)) == 1 and "unreachable" in outage_log(caplog)[0]

    cache_down()  # Redis is back
    assert reply(member, thread, "And again").status_code == 302
    assert len(outage_log(caplog)) == 2 and "answers again" in outage_log(caplog)[1]


def test_the_reply_form_answers_and_keeps_the_text_while_the_cache_is_down(
    thread, member, cache_down
):
    response = reply(member, thread, "My words, previewed first", action="preview")
    assert response.status_code == 200
    assert "My words, previewed first" in response.content.decode()
    too_long = "x" * 30_000 + "THE-END"
    response = reply(member, thread, too_long)
    assert response.status_code == 400 and "THE-END" in response.content.decode()
    assert not Post.objects.filter(author=member).exists()


def test_the_chat_form_posts_while_the_cache_is_down(group, member, cache_down):
    response = client_for(member).post(f"/chat/{group.slug}/", {"body": "Anyone around?"})
    assert response.status_code == 302
    assert ChatMessage.objects.get().body == "Anyone around?"
