"""The conversation pages without JavaScript: inboxes in constant queries, plain form posts
that keep the typed text when refused, 404 for anyone outside, the header's unread count."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.conversations.models import Conversation, Message, Participant
from moderation.models import Report
from tests.conversations.conftest import ask, client_for, say, start
from tests.factories import MembershipFactory, sanction

pytestmark = pytest.mark.django_db


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("team", [False, True])
def test_the_inbox_costs_the_same_for_one_conversation_as_for_twenty(people, team):
    """Member inbox, 8 queries: session, user, conversations (with unread counts, group and
    who answers), the people in them, requests, their first messages, the notification count,
    the header's "facilitates a group?" (which also shows the team inbox's tab).
    Team inbox, 9: session, user, "on a team?", the person's permissions (site moderator?,
    two), conversations, the people in them, notifications, "facilitates a group?"."""
    reader = people.fran if team else people.marta
    url = reverse("conversations:team_inbox" if team else "conversations:inbox")
    client = client_for(reader)

    ask(people.marta, people.group)
    start(people.nico, people.group, people.marta)
    client.get(url)  # the header's count is worked out on the first page after a change
    one = _queries(client, url)
    for n in range(19):
        asker = people.marta if n % 2 else MembershipFactory(group=people.group).user
        conversation = ask(asker, people.group, body=f"Question {n}")
        say(conversation, people.sam, f"Answer {n}")
        if not team:
            start(MembershipFactory(group=people.group).user, people.group, people.marta)
    twenty = _queries(client, url)
    assert len(one) == len(twenty) <= (9 if team else 8), "\n".join(twenty)


def test_a_member_asks_and_a_facilitator_answers_with_plain_forms(people):
    marta = client_for(people.marta)
    page = marta.get(reverse("groups:detail", args=[people.group.slug])).content.decode()
    ask_url = reverse("conversations:ask", args=[people.group.slug])
    assert ask_url in page
    response = marta.post(
        ask_url,
        {"subject": "Tiredness", "body": "Is it normal?", "client_msg_id": str(uuid.uuid4())},
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response.url.startswith(conversation.get_absolute_url())

    sam = client_for(people.sam)
    inbox = sam.get(reverse("conversations:team_inbox")).content.decode()
    assert "Tiredness" in inbox and "waiting for a reply since" in inbox
    answer = sam.post(
        conversation.get_absolute_url(),
        {"body": "Yes, it is very common.", "client_msg_id": str(uuid.uuid4())},
    )
    assert answer.status_code == 302
    seen = marta.get(conversation.get_absolute_url()).content.decode()
    assert "Yes, it is very common." in seen and "Facil Sam" in seen and "Facilitator" in seen


def test_a_form_sent_twice_is_stored_once(people):
    conversation = ask(people.marta, people.group)
    client = client_for(people.marta)
    data = {"body": "Sent twice by a double click", "client_msg_id": str(uuid.uuid4())}
    client.post(conversation.get_absolute_url(), data)
    client.post(conversation.get_absolute_url(), data)
    assert conversation.messages.filter(body=data["body"]).count() == 1

    ask_url = reverse("conversations:ask", args=[people.group.slug])
    start_data = {"body": "A new question", "client_msg_id": str(uuid.uuid4())}
    client.post(ask_url, start_data)
    client.post(ask_url, start_data)
    assert Message.objects.filter(body="A new question").count() == 1


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ("   ", 400, "Write a message first."),
        ("nul \x00 byte", 400, "Null characters are not allowed"),
        ("x" * 5001, 400, "at most 5000 characters"),
    ],
)
def test_text_that_cannot_be_taken_comes_back_with_the_reason(people, body, status, says):
    conversation = ask(people.marta, people.group)
    response = client_for(people.marta).post(
        conversation.get_absolute_url(), {"body": body, "client_msg_id": "not-a-uuid"}
    )
    assert response.status_code == status
    assert says in response.content.decode()
    assert conversation.messages.count() == 1


def test_sending_too_fast_keeps_the_text_with_a_429(people, settings):
    settings.CONVERSATIONS_MESSAGES_PER_MINUTE = 2
    conversation = ask(people.marta, people.group)
    client = client_for(people.marta)
    for n in range(2):
        client.post(conversation.get_absolute_url(), {"body": f"quick {n}"})
    response = client.post(conversation.get_absolute_url(), {"body": "one too many"})
    assert response.status_code == 429 and response["Retry-After"]
    assert "one too many" in response.content.decode()
    assert not conversation.messages.filter(body="one too many").exists()


def test_starting_conversations_is_rate_limited(people, settings):
    settings.CONVERSATIONS_STARTS_PER_HOUR = 1
    client = client_for(people.marta)
    url = reverse("conversations:ask", args=[people.group.slug])
    assert client.post(url, {"body": "first"}).status_code == 302
    response = client.post(url, {"body": "second question"})
    assert response.status_code == 429 and "second question" in response.content.decode()


def test_a_silenced_member_can_answer_the_facilitators_but_not_a_member(people):
    question = ask(people.marta, people.group)
    between = start(people.marta, people.group, people.nico)
    sanction(people.marta, "silence")
    client = client_for(people.marta)
    assert client.post(question.get_absolute_url(), {"body": "Still me"}).status_code == 302
    refused = client.post(between.get_absolute_url(), {"body": "Kept words"})
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "A moderator has paused your posting" in html and "Kept words" in html


@pytest.mark.parametrize("who", ["nico", "olga", "oscar", "removed"])
def test_outsiders_get_a_404_like_a_missing_conversation(people, who):
    conversation = ask(people.marta, people.group)
    if who == "removed":
        from groups import services as groups_services
        from groups.models import Membership

        membership = Membership.objects.get(user=people.marta, group=people.group)
        groups_services.remove(membership=membership, by=people.fran)
        who = "marta"
    client = client_for(getattr(people, who))
    for url in (
        conversation.get_absolute_url(),
        reverse("conversations:detail", args=[conversation.pk + 1000]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "let me in"}).status_code == 404
    assert client.post(reverse("conversations:close", args=[conversation.pk])).status_code == 404
    assert conversation.messages.count() == 1


def test_a_request_is_accepted_ignored_or_reported_from_its_page(people):
    client = client_for(people.marta)
    first = start(people.nico, people.group, people.marta, body="Hello from Nico")
    say(first, people.nico, "A second message, not yet for Marta")
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Hello from Nico" in page and "not yet for Marta" not in page
    assert "Hello from Nico" in client.get(reverse("conversations:inbox")).content.decode()
    client.post(reverse("conversations:accept", args=[first.pk]))
    assert "not yet for Marta" in client.get(first.get_absolute_url()).content.decode()

    second = start(people.fran, people.group, people.marta, body="Hello from Fran")
    client.post(reverse("conversations:ignore", args=[second.pk]))
    assert "Hello from Fran" not in client.get(reverse("conversations:inbox")).content.decode()

    third = start(people.sam, people.group, people.marta, body="Buy my supplements")
    response = client.post(reverse("conversations:report_request", args=[third.pk]))
    request = third.messages.get()
    assert response.url == reverse("moderation:report", args=["conversations.message", request.pk])
    client.post(response.url, {"reason": "spam", "note": ""})
    assert Report.objects.get().target == request
    assert Participant.objects.get(conversation=third, user=people.marta).state == "ignored"


def test_the_start_page_offers_only_people_who_take_a_conversation(people):
    from groups.conversations import services

    services.set_contact_setting(user=people.nico, who_may_start="nobody")
    client = client_for(people.marta)
    url = reverse("conversations:start", args=[people.group.slug])
    page = client.get(url).content.decode()
    assert "Facil Fran" in page and "Nico" not in page
    response = client.post(url, {"people": [people.fran.pk], "body": "Hello Fran"})
    assert response.status_code == 302
    assert Participant.objects.get(user=people.fran).state == "requested"
    refused = client.post(url, {"people": [people.nico.pk], "body": "Hello Nico"})
    assert refused.status_code == 400 and "Hello Nico" in refused.content.decode()
    assert client_for(people.oscar).get(url).status_code == 404


def test_the_team_gives_a_conversation_to_one_of_them_and_closes_it(people):
    conversation = ask(people.marta, people.group)
    fran, sam = client_for(people.fran), client_for(people.sam)
    fran.post(reverse("conversations:assign", args=[conversation.pk]), {"to": people.fran.pk})
    page = sam.get(conversation.get_absolute_url()).content.decode()
    assert "Given to Facil Fran to answer." in page
    assert "given to Facil Fran" in sam.get(reverse("conversations:team_inbox")).content.decode()
    refused = client_for(people.marta).post(
        reverse("conversations:assign", args=[conversation.pk]), {"to": people.marta.pk}
    )
    assert refused.status_code == 302
    conversation.refresh_from_db()
    assert conversation.assigned_to == people.fran
    sam.post(reverse("conversations:close", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert conversation.closed_by == people.sam
    assert client_for(people.marta).get(reverse("conversations:team_inbox")).status_code == 404


def test_the_header_counts_unread_conversations_without_a_query_until_they_change(
    people, django_capture_on_commit_callbacks
):
    client = client_for(people.nico)
    url = reverse("groups:directory")
    client.get(url)  # the count is worked out once and kept
    quiet = _queries(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        conversation = start(people.marta, people.group, people.nico)
    badge = '1<span class="visually-hidden"> unread</span>'
    assert len(_queries(client, url)) > len(quiet), "worked out again after the change"
    assert badge in client.get(url).content.decode()
    assert len(_queries(client, url)) == len(quiet)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(conversation.get_absolute_url())  # reading the request does not accept it
    assert badge in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("conversations:accept", args=[conversation.pk]))
    assert badge in client.get(url).content.decode(), "now one unread message"
    with django_capture_on_commit_callbacks(execute=True):
        client.get(conversation.get_absolute_url())
    assert "unread</span>" not in client.get(url).content.decode()


def _messages_badge(client) -> int:
    """The unread count on the header's Messages link (0: no badge)."""
    html = client.get(reverse("groups:directory")).content.decode()
    found = re.search(r'Messages(?: <span class="badge text-bg-primary">(\d+)<span)?', html)
    assert found, "the header has a Messages link"
    return int(found.group(1) or 0)


def test_the_header_count_is_right_again_after_the_cache_is_emptied(
    people, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    client = client_for(people.marta)
    with django_capture_on_commit_callbacks(execute=True):
        ask(people.marta, people.group)
        start(people.nico, people.group, people.marta)
    assert _messages_badge(client) == 1
    cache.clear()
    assert _messages_badge(client) == 1


def test_a_facilitator_who_joins_later_sees_the_groups_waiting_questions_counted(
    people, django_capture_on_commit_callbacks
):
    from groups import services as groups_services
    from groups.models import Membership

    newcomer = MembershipFactory(group=people.group).user
    client = client_for(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        ask(people.marta, people.group)
        ask(people.nico, people.group)
    assert _messages_badge(client) == 0, "a member reads no one's questions"
    with django_capture_on_commit_callbacks(execute=True):
        groups_services.promote(
            membership=Membership.objects.get(user=newcomer, group=people.group), by=people.fran
        )
    assert _messages_badge(client) == 2
    with django_capture_on_commit_callbacks(execute=True):
        groups_services.leave(user=newcomer, group=people.group)
    assert _messages_badge(client) == 0, "stepping down ends the team's count"


def test_who_may_write_to_me_is_a_choice_on_the_privacy_pages(people):
    client = client_for(people.marta)
    privacy = client.get(reverse("privacy:settings")).content.decode()
    assert reverse("conversations:settings") in privacy
    response = client.post(reverse("conversations:settings"), {"who_may_start": "facilitators"})
    assert response.status_code == 302
    assert (
        client.post(reverse("conversations:settings"), {"who_may_start": "everyone"}).status_code
        == 400
    )
    page = client.get(reverse("conversations:settings")).content.decode()
    assert reverse("conversations:ask_moderators") in page
    response = client.post(reverse("conversations:ask_moderators"), {"body": "Account question"})
    assert Conversation.objects.get().kind == "moderators"


@pytest.mark.parametrize("team", [False, True])
def test_a_conversation_page_costs_the_same_for_one_message_as_for_a_hundred(
    people, team, settings
):
    """Marta's page between members, 12 queries: session, user, the conversation, her place in
    it, the messages (her read mark is where it was: no write), the people shown, a sanction,
    the people and the blocks between them (the write rule), the notification count,
    "facilitates a group?" (header), her own blocks (folded messages).
    Sam's page on Marta's question, 14: the same, with his membership of the group asked twice
    (on the team? and the write policy), and the team for the assign form, but no blocks."""
    settings.CONVERSATIONS_MESSAGES_PER_MINUTE = 1000
    if team:
        conversation, reader, other = ask(people.marta, people.group), people.sam, people.fran
    else:
        conversation = start(people.nico, people.group, people.marta)
        reader, other = people.marta, people.nico
        from groups.conversations import services

        services.accept(conversation=conversation, user=people.marta)
    client = client_for(reader)
    client.get(conversation.get_absolute_url())  # the first visit moves the read mark
    one = _queries(client, conversation.get_absolute_url())
    for n in range(99):
        say(conversation, people.marta if n % 2 else other, f"Line {n}")
    client.get(conversation.get_absolute_url())
    hundred = _queries(client, conversation.get_absolute_url())
    assert len(one) == len(hundred) <= (14 if team else 12), "\n".join(hundred)


def test_a_long_conversation_shows_its_newest_messages_and_earlier_ones_a_link_away(
    people, settings
):
    """70 messages: the page shows the newest 30 and links to the 30 before, then the first
    10; an earlier page costs what the newest does and leaves the read mark alone."""
    from groups.conversations import services

    settings.CONVERSATIONS_MESSAGES_PER_MINUTE = 1000
    conversation = start(people.nico, people.group, people.marta, body="Line 1")
    services.accept(conversation=conversation, user=people.marta)
    for n in range(2, 71):
        say(conversation, people.nico, f"Line {n}")
    client = client_for(people.marta)

    def lines(page: str) -> list[int]:
        return [int(n) for n in re.findall(r"Line (\d+)<", page)]

    earlier = client.get(f"{conversation.get_absolute_url()}?before=41")
    assert lines(earlier.content.decode()) == list(range(11, 41))
    assert 'href="?before=11"' in earlier.content.decode()
    assert "Back to the newest messages" in earlier.content.decode()
    mark = Participant.objects.get(conversation=conversation, user=people.marta)
    assert mark.last_read_sequence == 0, "an earlier page is not the news"

    newest = client.get(conversation.get_absolute_url()).content.decode()
    assert lines(newest) == list(range(41, 71))
    assert 'href="?before=41"' in newest and "Back to the newest messages" not in newest
    first = client.get(f"{conversation.get_absolute_url()}?before=11").content.decode()
    assert lines(first) == list(range(1, 11)) and "Show earlier messages" not in first
    for junk in ["-3", "1e9", "99999999999999999999", "x"]:
        page = client.get(f"{conversation.get_absolute_url()}?before={junk}")
        assert lines(page.content.decode()) == list(range(41, 71)), junk

    newest_cost = _queries(client, conversation.get_absolute_url())
    assert len(_queries(client, f"{conversation.get_absolute_url()}?before=41")) == len(newest_cost)
