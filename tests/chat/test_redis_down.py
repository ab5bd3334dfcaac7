"""With the channel layer's Redis down, chat still answers: the no-JavaScript form saves the
message and says the chat is offline, a socket is turned away with "try again later", and the
outage is logged once rather than as a traceback per attempt.

The channel layer is pointed at a real Redis client on a closed port, so every call really fails.
"""

import logging

import pytest
from django.test import Client

from groups.chat.consumers import CLOSE_TRY_AGAIN
from groups.chat.models import ChatMessage
from supportgroups.live import outage
from tests.chat.sockets import open_socket, run

pytestmark = pytest.mark.django_db(transaction=True)

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused


@pytest.fixture
def layer_down(settings):
    live = settings.CHANNEL_LAYERS["default"]
    assert live["BACKEND"].startswith("channels_redis"), "tests run on Redis"
    hosts = [{**live["CONFIG"]["hosts"][0], "address": DEAD_REDIS}]
    settings.CHANNEL_LAYERS = {"default": {**live, "CONFIG": {**live["CONFIG"], "hosts": hosts}}}
    # An earlier test in this process may have left the outage noted (logged in this set-up, not
    # in the test): each test starts from a layer that answered.
    outage.answered()
    yield
    settings.CHANNEL_LAYERS = {"default": live}
    outage.answered()  # as the first broadcast after the outage would


def outage_log(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "channel layer" in r.getMessage()]


def errors_logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_chat_form_keeps_the_message_and_says_chat_is_offline(room_people, layer_down, caplog):
    client = Client()
    client.force_login(room_people["alice"])
    url = f"/chat/{room_people['group'].slug}/"
    for body in ["Anyone around?", "Hello?"]:
        response = client.post(url, {"body": body}, follow=True)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Chat is offline; your message is kept." in page
        assert body in page
    assert list(ChatMessage.objects.values_list("body", flat=True).order_by("sequence")) == [
        "Anyone around?",
        "Hello?",
    ]
    assert len(outage_log(caplog)) == 1 and "unreachable" in outage_log(caplog)[0]
    assert not errors_logged(caplog)


def test_a_socket_is_told_to_try_again_later_and_the_outage_is_logged_once(
    room_people, layer_down, caplog
):
    cookie = room_people["cookies"][room_people["alice"].pk]

    async def scenario():
        codes = []
        for _ in range(3):
            accepted, socket = await open_socket(cookie, room_people["group"].slug, welcome=False)
            assert accepted
            codes.append(await socket.expect_closed())
        return codes

    assert run(scenario) == [CLOSE_TRY_AGAIN] * 3
    assert len(outage_log(caplog)) == 1
    assert not errors_logged(caplog)
