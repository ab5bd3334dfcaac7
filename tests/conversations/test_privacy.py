"""The privacy lifecycle of conversations: a person's copy is in their data export (also after
they lose the view), deleting an account leaves the others' copies by "Former member" or takes
the person's words away if asked, memorial accounts receive nothing more, and only the people
in a conversation can search it."""

import json

import pytest
from django.contrib import admin
from django.urls import reverse

from groups import services as groups_services
from groups.conversations import permissions, selectors, services
from groups.conversations.models import Message, Participant
from groups.models import Membership
from groups.policy import WriteRefused
from supportgroups.privacy import deletion, export
from supportgroups.privacy import services as privacy
from tests.conversations.conftest import ask, client_for, say, start
from tests.factories import UserFactory, with_mfa

pytestmark = pytest.mark.django_db


def _exported(user) -> dict:
    return json.loads(json.dumps(export.collect(user=user), default=str))["records"]


def test_a_removed_member_loses_the_view_but_keeps_their_copy_in_the_export(people):
    question = ask(people.marta, people.group, body="Can my sister come on Thursday?")
    say(question, people.sam, "Of course she can.")
    groups_services.remove(
        membership=Membership.objects.get(user=people.marta, group=people.group), by=people.fran
    )
    client = client_for(people.marta)
    assert client.get(question.get_absolute_url()).status_code == 404
    assert "Can my sister" not in client.get(reverse("conversations:inbox")).content.decode()

    [copy] = _exported(people.marta)["conversations.Participant"]["rows"]
    assert copy["group"] == "Thursday circle"
    assert [(m["author"], m["body"]) for m in copy["messages"]] == [
        ("Marta", "Can my sister come on Thursday?"),
        ("Facil Sam", "Of course she can."),
    ]
    # The facilitator's export holds what they wrote for the team, not the member's words.
    sams = json.dumps(_exported(people.sam))
    assert "Of course she can." in sams and "Can my sister" not in sams


def test_someone_asked_exports_only_the_request(people):
    conversation = start(people.nico, people.group, people.marta, body="Hello Marta")
    say(conversation, people.nico, "Not for Marta's eyes yet")
    [copy] = _exported(people.marta)["conversations.Participant"]["rows"]
    assert [m["body"] for m in copy["messages"]] == ["Hello Marta"]


@pytest.mark.parametrize("remove_content", [False, True])
def test_deleting_an_account_leaves_the_others_their_copy(
    people, remove_content, django_capture_on_commit_callbacks
):
    conversation = start(people.nico, people.group, people.marta, body="Hello Marta")
    services.accept(conversation=conversation, user=people.marta)
    say(conversation, people.marta, "Hello Nico, I remember you from Thursday")
    with django_capture_on_commit_callbacks(execute=True):
        deletion.delete_account(user=people.marta, remove_content=remove_content)

    former = deletion.former_member()
    assert not Participant.objects.filter(user_id=people.marta.pk).exists()
    seat = permissions.seat_of(people.nico, conversation)
    shown = selectors.messages_for(conversation, people.nico, seat)
    if remove_content:
        assert [m.body for m in shown] == ["Hello Marta"]
        assert Message.objects.get(author=former).body == ""
    else:
        assert [(m.author, m.body) for m in shown][-1] == (
            former,
            "Hello Nico, I remember you from Thursday",
        )
        page = client_for(people.nico).get(conversation.get_absolute_url()).content.decode()
        assert "Former member" in page
    # Nobody is left to receive what Nico would write.
    with pytest.raises(WriteRefused) as refused:
        say(conversation, people.nico, "Marta?")
    assert refused.value.verdict.code == "nobody"


def test_memorial_accounts_stop_receiving(people):
    conversation = start(people.nico, people.group, people.marta)
    question = ask(people.marta, people.group)
    privacy.memorialise(user=people.marta, by=with_mfa(UserFactory(is_staff=True)))
    for writer, place in ((people.nico, conversation), (people.sam, question)):
        with pytest.raises(WriteRefused) as refused:
            say(place, writer, "Thinking of you")
        assert refused.value.verdict.code == "nobody"
    assert not permissions.may_start_with(people.nico, people.marta, people.group)


def test_only_the_people_in_a_conversation_can_search_it(people):
    conversation = start(people.nico, people.group, people.marta, body="zebra crossing")
    services.accept(conversation=conversation, user=people.marta)
    question = ask(people.marta, people.group, body="zebra question for the team")
    for reader, team, expected in (
        (people.marta, False, {conversation.pk, question.pk}),
        (people.nico, False, {conversation.pk}),
        (people.fran, True, {question.pk}),
        (people.fran, False, set()),
        (people.olga, True, set()),
        (people.oscar, False, set()),
        (with_mfa(UserFactory(is_staff=True)), True, set()),
    ):
        found = {c.pk for c in selectors.inbox(reader, team=team, q="zebra")}
        assert found == expected, reader
    # Site staff cannot search messages in admin either: they are not registered there.
    assert Message not in admin.site._registry
    assert not admin.site._registry[type(conversation)].search_fields
