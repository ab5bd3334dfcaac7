"""Chat asks the one write policy (groups.policy): silenced, muted-in-this-group and read-only
groups are refused on every chat surface, with the reason the person is shown, nothing stored,
and what they typed kept. Sockets over the real ASGI stack; the form through the test client."""

import datetime as dt
import html
import uuid

import pytest
from django.urls import reverse

from groups.chat import services
from groups.chat.models import ChatMessage
from tests.chat.sockets import open_socket, post, run
from tests.factories import SupportGroupFactory, client_for, sanction

pytestmark = pytest.mark.django_db(transaction=True)


def _silenced(people):
    sanction(people["alice"], "silence")
    return "paused your posting"


def _muted_here(people):
    sanction(people["alice"], "mute", group=people["group"])
    return "muted you in this group"


def _archived(people):
    people["group"].is_archived = True
    people["group"].save(update_fields=["is_archived"])
    return "no longer meets"


def _finished_cohort(people):
    group = people["group"]
    group.kind, group.cohort_starts_on = "cohort", dt.date(2020, 1, 6)
    group.cohort_ends_on = dt.date(2020, 3, 30)  # long before any day these tests run
    group.save(update_fields=["kind", "cohort_starts_on", "cohort_ends_on"])
    return "no longer meets"


REFUSED = {
    "silenced": _silenced,
    "muted in this group": _muted_here,
    "archived group": _archived,
    "finished cohort": _finished_cohort,
}


@pytest.mark.parametrize("refuse", REFUSED.values(), ids=REFUSED.keys())
def test_the_form_refuses_with_the_reason_and_keeps_the_text(room_people, refuse):
    said = refuse(room_people)
    url = reverse("chat:room", args=[room_people["group"].slug])
    client = client_for(room_people["alice"])
    typed = "I wanted to say <this> & that"

    page = client.get(url).content.decode()
    response = client.post(url, {"body": typed, "client_msg_id": str(uuid.uuid4())})

    assert said in html.unescape(page)  # the page says why before anyone types
    assert 'id="chat-send" type="submit" class="btn btn-primary" disabled' in page
    assert response.status_code == 400
    refused = html.unescape(response.content.decode())
    assert said in refused and typed in refused  # the reason, and their words to copy
    assert not ChatMessage.objects.exists()


@pytest.mark.parametrize("refuse", REFUSED.values(), ids=REFUSED.keys())
def test_the_socket_refuses_send_edit_and_typing_with_the_reason(room_people, refuse):
    mine = post(room_people, "alice", "written earlier")
    said = refuse(room_people)
    group, cookies = room_people["group"], room_people["cookies"]

    async def scenario():
        _, a = await open_socket(cookies[room_people["alice"].pk], group.slug)
        _, b = await open_socket(cookies[room_people["bob"].pk], group.slug)
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "new words"})
        await a.send({"type": "edit", "id": mine.sequence, "body": "other words"})
        await a.send({"type": "typing"})
        refusals = [f for f in await a.frames(0.8) if f["type"] == "error"]
        heard = await b.frames(0.3)
        await a.close()
        await b.close()
        return a.welcome["write"], refusals, heard

    write, refusals, heard = run(scenario)
    assert not write["allowed"] and said in write["reason"]
    assert [f["action"] for f in refusals] == ["send", "edit", "typing"]
    assert all(f["message"] == write["reason"] for f in refusals)
    assert heard == []  # not even "typing…"
    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["written earlier"]


def test_a_mute_in_another_group_does_not_stop_writing_here(room_people):
    sanction(room_people["alice"], "mute", group=SupportGroupFactory())
    message = post(room_people, "alice", "still welcome here")
    assert message.body == "still welcome here"


def test_facilitators_still_write_in_a_locked_room_but_not_in_an_ended_one(room_people):
    room = services.room_for_group(group=room_people["group"])
    facilitator = room_people["facilitator"]
    services.set_room_state(room=room, by=facilitator, locked=True)
    with pytest.raises(services.ChatRefused) as locked:
        post(room_people, "alice", "me too")
    assert post(room_people, "facilitator", "welcome").body == "welcome"
    services.set_room_state(room=room, by=facilitator, ended=True)
    with pytest.raises(services.ChatRefused) as ended:
        post(room_people, "facilitator", "anyone?")
    assert (locked.value.code, ended.value.code) == ("locked", "ended")
    assert ChatMessage.objects.count() == 1


def test_opening_sockets_is_rate_limited_per_person(room_people, settings):
    settings.CHAT_CONNECTS_PER_MINUTE = 3
    group, cookies = room_people["group"], room_people["cookies"]
    alice, bob = room_people["alice"], room_people["bob"]

    async def scenario():
        sockets = [(await open_socket(cookies[alice.pk], group.slug))[1] for _ in range(3)]
        refused = await _connect_refused(cookies[alice.pk], group.slug)
        accepted, other = await open_socket(cookies[bob.pk], group.slug)  # per person
        for socket in [*sockets, other]:
            await socket.close()
        return refused, accepted

    refused, bob_accepted = run(scenario)
    assert refused == 4429 and bob_accepted


async def _connect_refused(cookie: str, slug: str) -> int | None:
    from channels.testing import WebsocketCommunicator

    from supportgroups.asgi import application
    from tests.chat.sockets import ORIGIN

    headers = [(b"origin", ORIGIN), (b"cookie", f"sessionid={cookie}".encode())]
    communicator = WebsocketCommunicator(application, f"/ws/chat/{slug}/", headers=headers)
    accepted, _ = await communicator.connect(timeout=5)
    assert accepted  # accepted, so that the browser can read the code and back off
    output = await communicator.receive_output(timeout=3)
    assert output["type"] == "websocket.close"
    return output.get("code")
