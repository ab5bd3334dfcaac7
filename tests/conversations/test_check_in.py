"""A facilitator opens a conversation with one member as the group's team ("checking in with a
quiet member"): the whole team reads and answers it, the member answers the team, consent and
blocks apply, and the button sits on the member's row of the facilitator tools."""

import uuid

import pytest
from django.urls import reverse

from groups.conversations import permissions, selectors, services
from groups.conversations.models import ContactSetting, Conversation
from groups.policy import WriteRefused
from supportgroups.privacy import services as privacy
from tests.conversations.conftest import client_for, say

pytestmark = pytest.mark.django_db


def check_in(facilitator, group, member, body="How are you doing this week?"):
    return services.start_from_team(
        facilitator=facilitator,
        group=group,
        member=member,
        subject="Checking in",
        body=body,
        client_msg_id=uuid.uuid4(),
    ).message.conversation


def test_the_member_reads_it_from_the_team_and_any_facilitator_answers(people):
    conversation = check_in(people.fran, people.group, people.marta)
    assert conversation.kind == Conversation.Kind.FACILITATORS
    [first] = selectors.messages_for(
        conversation, people.marta, permissions.seat_of(people.marta, conversation)
    )
    assert first.from_team and first.author == people.fran
    assert [c.pk for c in selectors.inbox(people.marta)] == [conversation.pk]
    assert [c.pk for c in selectors.inbox(people.sam, team=True)] == [conversation.pk]
    assert selectors.inbox(people.nico) == [], "the other members never see it"

    say(conversation, people.marta, "Not great, to be honest.")
    conversation.refresh_from_db()
    assert conversation.awaiting_reply_since is not None, "the team owes an answer now"
    say(conversation, people.sam, "Thank you for telling us.")
    conversation.refresh_from_db()
    assert conversation.awaiting_reply_since is None


@pytest.mark.parametrize("case", ["nobody", "blocked", "facilitator", "outsider", "not_team"])
def test_refused_where_the_member_said_no_or_it_is_not_the_teams_place(people, case):
    writer, member = people.fran, people.marta
    if case == "nobody":
        ContactSetting.objects.create(user=member, who_may_start="nobody")
    elif case == "blocked":
        privacy.block(blocker=member, blocked=people.fran)
    elif case == "facilitator":
        member = people.sam
    elif case == "outsider":
        member = people.oscar
    else:
        writer = people.olga
    with pytest.raises(WriteRefused):
        check_in(writer, people.group, member)
    assert not Conversation.objects.exists()


def test_facilitators_only_is_enough_for_the_team(people):
    ContactSetting.objects.create(user=people.marta, who_may_start="facilitators")
    assert check_in(people.fran, people.group, people.marta)


def test_the_button_on_a_members_row_opens_the_form_and_sends(people):
    fran = client_for(people.fran)
    tools = fran.get(reverse("groups:manage", args=[people.group.slug])).content.decode()
    url = reverse("conversations:check_in", args=[people.group.slug, people.marta.pk])
    assert url in tools
    assert reverse("conversations:check_in", args=[people.group.slug, people.sam.pk]) not in tools

    page = fran.get(url)
    assert page.status_code == 200 and "Checking in" in page.content.decode()
    refused = fran.post(url, {"subject": "Thinking of you", "body": "   "})
    assert refused.status_code == 400 and "Thinking of you" in refused.content.decode()
    sent = fran.post(
        url,
        {"subject": "Thinking of you", "body": "We missed you on Thursday.", "client_msg_id": ""},
    )
    conversation = Conversation.objects.get()
    assert sent.status_code == 302 and sent.url.startswith(conversation.get_absolute_url())
    marta_page = client_for(people.marta).get(conversation.get_absolute_url())
    assert "We missed you on Thursday." in marta_page.content.decode()


@pytest.mark.parametrize("who", ["marta", "olga"])
def test_the_form_is_a_404_for_anyone_but_the_groups_facilitators(people, who):
    url = reverse("conversations:check_in", args=[people.group.slug, people.nico.pk])
    assert client_for(getattr(people, who)).get(url).status_code == 404


def test_the_form_is_a_404_for_someone_who_is_not_a_member(people):
    url = reverse("conversations:check_in", args=[people.group.slug, people.oscar.pk])
    assert client_for(people.fran).get(url).status_code == 404
