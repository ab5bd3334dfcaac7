"""Every change that takes away a person's access, or their right to write, reaches their
already-open chat socket within a second: it closes, or it tells the page it is read-only and
why. Either way nothing more they send is stored. Real ASGI stack, channels-redis, PostgreSQL."""

import uuid

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client
from django.urls import reverse

from groups import services as groups_services
from groups.chat.models import ChatMessage
from groups.models import Membership
from supportgroups import services as account_services
from supportgroups.privacy import services as privacy_services
from tests.chat.sockets import open_socket, run, session_cookie
from tests.factories import PASSWORD, UserFactory, sanction, with_mfa

pytestmark = pytest.mark.django_db(transaction=True)


def _silence(people, user):
    sanction(user, "silence")


def _mute_here(people, user):
    sanction(user, "mute", group=people["group"])


def _suspend(people, user):
    sanction(user, "suspend")


def _memorialise(people, user):
    privacy_services.memorialise(user=user, by=people["facilitator"], note="At the family's ask")


def _sign_out_everywhere(people, user):
    privacy_services.end_all_sessions(user=user)


def _change_password(people, user):
    account_services.set_password(user=user, password="a new passphrase for a new start")


def _remove_from_group(people, user):
    membership = Membership.objects.get(user=user, group=people["group"])
    groups_services.remove(membership=membership, by=people["facilitator"])


def _demote_staff(people, user):
    user.is_staff = False
    account_services.save_account(user=user, changed=["is_staff"])


READ_ONLY = {"silence": _silence, "group mute": _mute_here}
CLOSED = {
    "suspension": _suspend,
    "memorial": _memorialise,
    "sign-out everywhere": _sign_out_everywhere,
    "password change": _change_password,
    "removal": _remove_from_group,
}


async def _try_to_write(socket) -> None:
    """Send, edit and type as a client that ignores what it was told would."""
    for frame in (
        {"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "still here?"},
        {"type": "edit", "id": 1, "body": "changed after all"},
        {"type": "typing"},
    ):
        try:
            await socket.send(frame)
        except Exception:  # noqa: BLE001 - a closed socket may refuse outright; that is the point
            return


@pytest.mark.parametrize("change", READ_ONLY.values(), ids=READ_ONLY.keys())
def test_a_sanction_turns_an_open_socket_read_only_within_a_second(room_people, change):
    group, alice = room_people["group"], room_people["alice"]

    async def scenario():
        _, a = await open_socket(room_people["cookies"][alice.pk], group.slug)
        _, b = await open_socket(room_people["cookies"][room_people["bob"].pk], group.slug)
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "before"})
        await a.expect("message")
        await b.expect("message")
        await database_sync_to_async(change)(room_people, alice)
        told = (await a.expect("write", timeout=1))["write"]
        await _try_to_write(a)
        refusals = [f for f in await a.frames(0.5) if f["type"] == "error"]
        heard = await b.frames(0.3)
        await a.close()
        await b.close()
        return told, refusals, heard

    told, refusals, heard = run(scenario)
    assert not told["allowed"] and told["reason"]
    assert [f["action"] for f in refusals] == ["send", "edit", "typing"]
    assert {f["message"] for f in refusals} == {told["reason"]}
    assert not [f for f in heard if f["type"] in ("message", "typing")]
    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["before"]


@pytest.mark.parametrize("change", CLOSED.values(), ids=CLOSED.keys())
def test_losing_access_closes_an_open_socket_within_a_second(room_people, change):
    group, alice = room_people["group"], room_people["alice"]
    cookie = signed_in_cookie(alice)  # a real sign-in, which "sign out everywhere" can see

    async def scenario():
        _, a = await open_socket(cookie, group.slug)
        await database_sync_to_async(change)(room_people, alice)
        told = await a.expect("closed", timeout=1)
        code = await a.expect_closed(timeout=1)
        await _try_to_write(a)
        return told, code

    told, code = run(scenario)
    assert code == 4403 and told["message"]
    assert not ChatMessage.objects.exists()


def signed_in_cookie(user) -> str:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_staff_demotion_closes_a_staff_members_socket_within_a_second(room_people):
    """Staff (with MFA) read private rooms without being members; that ends with their role."""
    staff = with_mfa(UserFactory(is_staff=True))
    cookie = session_cookie(staff)

    async def scenario():
        accepted, socket = await open_socket(cookie, room_people["group"].slug)
        assert accepted
        await database_sync_to_async(_demote_staff)(room_people, staff)
        code = await socket.expect_closed(timeout=1)
        await _try_to_write(socket)
        return code

    assert run(scenario) == 4403
    assert not ChatMessage.objects.exists()


def test_when_a_mute_runs_out_the_page_asks_and_may_write_again(room_people):
    from datetime import timedelta

    from django.utils import timezone

    from moderation.models import Sanction

    group, alice = room_people["group"], room_people["alice"]
    sanction(alice, "mute", group=group, until=timezone.now() + timedelta(minutes=5))

    def run_out():  # what the clock does, without a save (and so without an event)
        Sanction.objects.filter(user=alice).update(until=timezone.now() - timedelta(seconds=1))

    async def scenario():
        _, a = await open_socket(room_people["cookies"][alice.pk], group.slug)
        await database_sync_to_async(run_out)()
        await a.send({"type": "recheck"})  # chat.js sends it just after the "until" it was told
        told = (await a.expect("write", timeout=1))["write"]
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "back again"})
        await a.expect("message")
        await a.close()
        return a.welcome["write"], told

    before, after = run(scenario)
    assert not before["allowed"] and before["until"]
    assert after["allowed"]
    assert ChatMessage.objects.get().body == "back again"


def test_a_write_reads_the_session_afresh_even_before_any_event(room_people):
    """The session is gone (as "sign out everywhere" leaves it) but no event has arrived yet:
    the next send is not stored, and the socket closes."""
    from importlib import import_module

    group, alice = room_people["group"], room_people["alice"]
    cookie = room_people["cookies"][alice.pk]

    def end_session_quietly():
        import_module(settings.SESSION_ENGINE).SessionStore().delete(cookie)

    async def scenario():
        _, a = await open_socket(cookie, group.slug)
        await database_sync_to_async(end_session_quietly)()
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), "body": "sneaked in"})
        told = await a.expect("closed", timeout=1)
        return told, await a.expect_closed(timeout=1)

    told, code = run(scenario)
    assert code == 4403 and "session has ended" in told["message"]
    assert not ChatMessage.objects.exists()


@pytest.mark.parametrize("frame", [{"body": ""}, {"body": "hi", "client_msg_id": "not an id"}])
def test_any_refused_write_asks_afresh_even_before_any_event(room_people, frame):
    """Removed from the group without an event reaching the socket (a lost publish): even a
    write refused for what it holds (empty, unreadable) has the socket ask again, and close."""
    group, alice = room_people["group"], room_people["alice"]

    def leave_quietly():
        Membership.objects.filter(user=alice, group=group).update(state=Membership.State.LEFT)

    async def scenario():
        _, a = await open_socket(room_people["cookies"][alice.pk], group.slug)
        await database_sync_to_async(leave_quietly)()
        await a.send({"type": "send", "client_msg_id": str(uuid.uuid4()), **frame})
        await a.expect("error", timeout=1)
        return await a.expect("closed", timeout=1), await a.expect_closed(timeout=1)

    told, code = run(scenario)
    assert code == 4403 and told["message"]
    assert not ChatMessage.objects.exists()
