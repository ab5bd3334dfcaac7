"""Inbox rows and messages are cached fragments (groups/conversations/rendering.py): their
templates read only what the cached context holds, and each reader still sees their own time
zone, their own marks and no one else's."""

import re

import pytest
from django.template.loader import get_template
from django.urls import reverse

from groups.conversations import permissions, rendering, selectors
from tests.conversations.conftest import ask, client_for, say

pytestmark = pytest.mark.django_db


def test_the_row_and_message_templates_read_only_what_their_context_holds(people):
    """A field a template reads but the context leaves out would print as nothing, silently."""
    conversation = ask(people.marta, people.group)
    [row] = selectors.inbox(people.marta)
    [message] = selectors.messages_for(
        conversation, people.marta, permissions.seat_of(people.marta, conversation)
    )
    cases = [
        (
            rendering.ROW_TEMPLATES,
            "row",
            rendering.row_context(row, url="/", team=True, zone="UTC"),
        ),
        (
            rendering.MESSAGE_TEMPLATES,
            "message",
            rendering.message_context(
                message,
                reader=people.marta,
                team_label="team",
                blocked=False,
                report_url="/",
                edit_url="/",
                zone="UTC",
            ),
        ),
    ]
    for names, variable, context in cases:
        source = "".join(get_template(name).template.source for name in names)
        read = set(re.findall(rf"\b{variable}\.(\w+)", source))
        assert read and read <= set(context[variable]), read - set(context[variable])
        assert {"zone"} <= set(context)


def test_each_reader_sees_the_same_row_in_their_own_time_zone(people, time_machine):
    time_machine.move_to("2026-03-09 23:30Z", tick=False)
    people.marta.time_zone = "Europe/Paris"
    people.marta.save()
    people.fran.time_zone = "Europe/London"
    people.fran.save()
    conversation = ask(people.marta, people.group)
    say(conversation, people.fran, "Good evening")
    marta = client_for(people.marta).get(reverse("conversations:inbox")).content.decode()
    fran = client_for(people.fran).get(reverse("conversations:team_inbox")).content.decode()
    shown = re.compile(r"last message <time datetime=\"([^\"]+)\">([^<]+)</time>")
    [(marta_at, marta_text)] = shown.findall(marta)
    [(fran_at, fran_text)] = shown.findall(fran)
    assert marta_at.startswith("2026-03-10T00:30:00+01:00") and "10" in marta_text, marta_text
    assert fran_at.startswith("2026-03-09T23:30:00+00:00") and "9" in fran_text, fran_text


def test_a_message_is_reportable_by_others_and_marked_as_ones_own(people):
    conversation = ask(people.marta, people.group)
    say(conversation, people.sam, "Welcome")
    report = reverse("moderation:report", args=["conversations.message", 2])
    page = client_for(people.marta).get(conversation.get_absolute_url()).content.decode()
    sam_page = client_for(people.sam).get(conversation.get_absolute_url()).content.decode()
    assert page.count("conversation-mine") == 1 and report.rsplit("/", 2)[0] in page
    assert 'id="message-2"' in sam_page and "Facilitator" in sam_page
