"""With the cache's Redis unreachable, every page answers and posting still works: rate limits
let people through (the outage is logged once), nothing is lost, and what was typed stays on the
form. Sign-in too, though allauth keeps its own rate limits (and its record of TOTP codes already
used) in the cache: there the cache answers as an empty one.

The cache is pointed at a real Redis client on a closed port, so every cache call really fails.
"""

import contextlib
import logging
import socket
import threading

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from forums import services as forums
from forums.models import Post
from groups.chat.models import ChatMessage
from supportgroups.models import User
from tests.factories import UserFactory, client_for
from tests.integration.conftest import every_page
from tests.supportgroups.test_accounts import CONSENT, sign_in, totp_code

DEAD_CACHE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused


@pytest.fixture
def cache_down(settings, member):
    """Returns a function that brings the cache back; it is back after the test in any case, and
    a first successful rate-limit check closes the logged outage for the tests after this one."""
    live = settings.CACHES["default"]
    assert "Redis" in live["BACKEND"], "tests run on Redis"
    settings.CACHES = {"default": {**live, "LOCATION": DEAD_CACHE}}

    def restore():
        settings.CACHES = {"default": live}
        forums.check_posting_rate(member)

    yield restore
    restore()


def outage_log(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "supportgroups.degrade"]


def errors_logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


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


def signed_in(client: Client) -> int | None:
    return client.session.get("_auth_user_id") and int(client.session["_auth_user_id"])


def test_people_sign_in_while_the_cache_is_down(member, cache_down, caplog):
    client = Client()
    wrong = sign_in(client, member.email, "not my password")
    assert wrong.status_code == 200  # the form again, with what was typed
    assert member.email in wrong.content.decode()
    assert signed_in(client) is None
    assert sign_in(client, member.email).status_code == 302
    assert signed_in(client) == member.pk
    assert len(outage_log(caplog)) == 1 and "unreachable" in outage_log(caplog)[0]
    assert not errors_logged(caplog)


def test_staff_give_their_totp_code_at_sign_in_while_the_cache_is_down(cache_down, caplog):
    staff = UserFactory(is_staff=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    client = Client()
    assert sign_in(client, staff.email).url == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 302
    assert signed_in(client) == staff.pk
    assert not errors_logged(caplog)


def test_sign_up_and_password_reset_answer_while_the_cache_is_down(cache_down, member, caplog):
    client = Client()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "brook@example.org",
            "display_name": "Brook",
            "time_zone": "Europe/Paris",
            "password1": "a long and quiet brook",
            "password2": "a long and quiet brook",
            **CONSENT,
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="brook@example.org").exists()
    response = Client().post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert not errors_logged(caplog)


def test_every_page_answers_while_the_cache_is_down(world, cache_down, caplog):
    for client in (world.client, Client()):  # signed in, and a visitor
        for url in every_page(world):
            caplog.clear()
            response = client.get(url)
            if url == "/healthz":  # names what is down, for the monitoring
                assert response.status_code == 503 and response.json()["down"] == ["redis"]
                continue
            assert response.status_code < 500, url
            assert not errors_logged(caplog), url


def test_thread_and_board_pages_read_while_the_cache_is_down(thread, member, cache_down, caplog):
    """Rendered posts and board rows are kept in the cache; without it they are drawn afresh."""
    forums.create_reply(author=member, thread=thread, parent=None, body="Drawn afresh")
    client = client_for(member)
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200 and "Drawn afresh" in page.content.decode()
    board = client.get(thread.board.get_absolute_url())
    assert board.status_code == 200 and thread.title in board.content.decode()
    assert len(outage_log(caplog)) == 1


@pytest.fixture
def hung_cache(settings):
    """A server that takes connections and never answers, as a stalled Redis does; yields how
    many connections it was asked for. Each waits out a short timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    asked: list[socket.socket] = []

    def take() -> None:
        with contextlib.suppress(OSError):
            while True:
                asked.append(listener.accept()[0])

    threading.Thread(target=take, daemon=True).start()
    live = settings.CACHES["default"]
    port = listener.getsockname()[1]
    settings.CACHES = {
        "default": {
            **live,
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {**live.get("OPTIONS", {}), "socket_timeout": 0.25},
        }
    }
    yield asked
    settings.CACHES = {"default": live}
    listener.close()
    for connection in asked:
        connection.close()


def test_a_hung_cache_costs_a_page_one_timeout_not_one_per_cache_call(
    group, member, hung_cache, caplog
):
    """A member's group page asks the cache several times (the header's links, the kept part,
    the unread count); once one has waited out its timeout, the rest do not ask."""
    response = client_for(member).get(reverse("groups:detail", args=[group.slug]))
    assert response.status_code == 200 and group.name in response.content.decode()
    assert len(hung_cache) == 1
    assert len(outage_log(caplog)) == 1 and "unreachable" in outage_log(caplog)[0]
