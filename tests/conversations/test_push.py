"""A new private message pushes "New message" to the devices of those who may hear of it now:
the team for a member's question, a person asked to a conversation for the request alone."""

import pytest

from groups.conversations import services

from .conftest import ask, say, start


@pytest.fixture
def heard(vapid, push_server, device_of, tasks_run_here):
    """Which of the people's devices got a push, as {display name: payload}."""
    devices = {}

    def subscribe(*people):
        for person in people:
            devices[person.display_name] = device_of(person)

    def received():
        got = {}
        while not push_server.nothing_more():
            arrived = push_server.next()
            for name, device in devices.items():
                if device.endpoint.endswith(arrived.path):
                    got[name] = device.decrypt(arrived)
        return got

    return subscribe, received


@pytest.mark.django_db
def test_a_question_to_the_facilitators_reaches_their_devices(
    people, heard, django_capture_on_commit_callbacks
):
    subscribe, received = heard
    subscribe(people.fran, people.sam, people.marta, people.olga)
    with django_capture_on_commit_callbacks(execute=True):
        conversation = ask(people.marta, people.group, body="I am scared of the scan")
    got = received()
    assert set(got) == {"Facil Fran", "Facil Sam"}  # not the writer, not another group's
    assert got["Facil Fran"] == {
        "title": "New message",
        "body": "Open Support Groups to read it.",
        "url": conversation.get_absolute_url(),
        "tag": "messages",
    }
    with django_capture_on_commit_callbacks(execute=True):
        say(conversation, people.fran, "We are here for you")
    # The member hears of the team's answer; Sam does not hear of a colleague's.
    assert set(received()) == {"Marta"}


@pytest.mark.django_db
def test_a_request_reaches_the_asked_person_once_until_they_accept(
    people, heard, django_capture_on_commit_callbacks
):
    subscribe, received = heard
    subscribe(people.nico)
    with django_capture_on_commit_callbacks(execute=True):
        conversation = start(people.marta, people.group, people.nico)
    assert set(received()) == {"Nico"}
    with django_capture_on_commit_callbacks(execute=True):
        say(conversation, people.marta, "Are you there?")
    assert received() == {}  # nothing after the request
    services.accept(conversation=conversation, user=people.nico)
    with django_capture_on_commit_callbacks(execute=True):
        say(conversation, people.marta, "Thank you for accepting")
    assert set(received()) == {"Nico"}
