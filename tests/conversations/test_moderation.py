"""Safety in private conversations: every message is screened (crisis words take the crisis
path, spam from new accounts is held), moderators read only what the job needs, and the
reporter is never revealed to the people in the conversation."""

import re
import time

import pytest
from django.core import mail

from groups.conversations import permissions, selectors, services
from moderation import actions, queue
from moderation import services as moderation
from moderation.models import Reason, ReviewItem
from supportgroups.models import Notification
from supportgroups.privacy import export
from tests.conversations.conftest import People, ask, client_for, say, start
from tests.factories import OnDutyShiftFactory, with_mfa
from tests.moderation.conftest import crisis_lexicon  # noqa: F401 - a fixture

CRISIS_WORDS = "I can't keep going. I want to end my life."
ALERT_WITHIN = 60  # seconds


def _talk(people: People, lines: int):
    conversation = start(people.nico, people.group, people.marta, body="earlier line 0")
    services.accept(conversation=conversation, user=people.marta)
    for n in range(1, lines):
        say(conversation, people.marta if n % 2 else people.nico, f"earlier line {n}")
    return conversation


def _item_page(user, item) -> str:
    response = client_for(user).get(f"/moderation/items/{item.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_crisis_words_reach_the_on_duty_facilitator_with_only_that_message(
    celery_worker,
    crisis_lexicon,  # noqa: F811
):
    people = People()
    on_duty = with_mfa(people.sam)
    OnDutyShiftFactory(user=on_duty)
    OnDutyShiftFactory(user=people.olga)  # on duty too, but not for this group
    conversation = _talk(people, 7)
    mail.outbox.clear()

    started = time.monotonic()
    result = say(conversation, people.marta, CRISIS_WORDS)
    assert result.screen.crisis and not result.screen.held, "Nico still reads it"
    while not mail.outbox and time.monotonic() - started < ALERT_WITHIN:
        time.sleep(0.05)
    assert [m.to for m in mail.outbox] == [[on_duty.email]]
    item = ReviewItem.objects.get()
    assert (item.crisis, item.group_id, item.author) == (True, people.group.pk, people.marta)
    assert item.get_absolute_url() in mail.outbox[0].body

    page = _item_page(on_duty, item)
    assert CRISIS_WORDS.replace("'", "&#x27;") in page and "Marta" in page
    assert "earlier line" not in page, "never the rest of the conversation"
    assert f"/messages/{conversation.pk}/" not in page


def _as_read(user, conversation) -> str:
    """The conversation page as the person reads it (CSRF tokens differ on every render)."""
    page = client_for(user).get(conversation.get_absolute_url()).content.decode()
    return re.sub(r"[A-Za-z0-9]{64}|[0-9a-f-]{36}", "", page)


@pytest.mark.django_db
def test_a_report_shows_the_moderators_five_messages_before_and_the_author_nothing(people):
    moderator = with_mfa(people.fran)
    conversation = _talk(people, 8)  # lines 0-7
    reported = say(conversation, people.nico, "You are pathetic, stop whining").message
    before = _as_read(people.nico, conversation)
    moderation.request_review(
        target=reported, reason=Reason.HARASSMENT, note="He keeps doing this", by=people.marta
    )
    assert _as_read(people.nico, conversation) == before, "a report changes nothing he sees"

    item = ReviewItem.objects.get()
    page = _item_page(moderator, item)
    for n in range(3, 8):
        assert f"earlier line {n}" in page
    for n in range(0, 3):
        assert f"earlier line {n}" not in page
    assert "You are pathetic" in page

    item = queue.claim(item_id=item.pk, user=moderator, version=item.version)
    actions.do_hide(item_id=item.pk, user=moderator, version=item.version, reason="Unkind words")
    # Nico is told what was decided and why, never by whom or on whose word.
    told = Notification.objects.filter(user=people.nico).values_list("title", "body")
    assert list(told) == [("A facilitator hid something you wrote", "Unkind words")]
    nico_data = str(export.collect(user=people.nico))
    assert "He keeps doing this" not in nico_data
    assert "You are pathetic" not in _as_read(people.nico, conversation)
    assert "You are pathetic" not in _as_read(people.marta, conversation), "gone for everyone"


@pytest.mark.django_db
def test_a_new_members_first_messages_are_not_held_for_the_facilitators(people):
    people.group.premoderated_posts = 3
    people.group.save()
    question = ask(people.marta, people.group)
    conversation = start(people.marta, people.group, people.nico)
    assert not question.messages.get().is_held
    assert not conversation.messages.get().is_held
    assert not ReviewItem.objects.exists()


@pytest.mark.django_db
def test_spam_from_a_new_account_is_held_and_only_its_author_sees_it(people):
    conversation = start(people.nico, people.group, people.marta, people.fran)
    services.accept(conversation=conversation, user=people.marta)
    services.accept(conversation=conversation, user=people.fran)
    # Every factory account is new, so a link is what holds it.
    result = say(conversation, people.nico, "Cheap pills at www.pills.example.com")
    assert result.screen.held and result.message.is_held and result.broadcast is None

    def shown_to(reader) -> list[str]:
        seat = permissions.seat_of(reader, conversation)
        return [m.body for m in selectors.messages_for(conversation, reader, seat)]

    assert "Cheap pills at www.pills.example.com" not in shown_to(people.marta)
    assert "Cheap pills at www.pills.example.com" not in shown_to(people.fran)
    assert "Cheap pills at www.pills.example.com" in shown_to(people.nico)
