"""Email about a new conversation or a reply still unread 15 minutes after it arrived: one email
per person until they come back, never the words nor who wrote them, the person's email choice
and memorials respected, and access asked again when it goes."""

from datetime import timedelta

import pytest
from django.core import mail

from groups.conversations import emails, services, tasks
from groups.conversations.models import Participant
from supportgroups.models import NotificationPreference
from supportgroups.privacy import services as privacy
from tests.conversations.conftest import People, ask, say, start

QUESTION = "Is it normal to feel this tired after the third cycle?"


def _send_due(now) -> dict[int, list[int]]:
    """One scan, then the emails it enqueued, here rather than through a worker."""
    due = emails.scan_unread(now=now)
    for user_id, conversation_ids in due.items():
        emails.email_unread(user_id=user_id, conversation_ids=conversation_ids)
    return due


def _to(person) -> list:
    return [m for m in mail.outbox if m.to == [person.email]]


@pytest.mark.django_db
def test_a_question_unread_for_15_minutes_is_emailed_once_to_each_facilitator(people, time_machine):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    question = ask(people.marta, people.group, body=QUESTION)
    start_time = question.created_at
    assert _send_due(start_time + timedelta(minutes=14, seconds=59)) == {}
    due = _send_due(start_time + timedelta(minutes=15))
    assert set(due) == {people.fran.pk, people.sam.pk}
    for facilitator in (people.fran, people.sam):
        [email] = _to(facilitator)
        assert "A member is waiting for an answer (Thursday circle)." in email.body
        assert question.get_absolute_url() in email.body
        assert QUESTION not in email.body and "Marta" not in email.body
        assert email.extra_headers["List-Unsubscribe"]
    assert _send_due(start_time + timedelta(hours=2)) == {}, "once until they come back"

    services.mark_read(conversation=question, user=people.sam, up_to=10**6)
    time_machine.move_to("2026-05-04 12:00Z", tick=False)
    say(question, people.marta, "And I can't sleep either")
    due = _send_due(start_time + timedelta(hours=3, minutes=15))
    assert set(due) == {people.sam.pk}, "Fran has not read since her email"


@pytest.mark.django_db
def test_a_colleagues_answer_is_not_emailed_to_the_team(people, time_machine):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    question = ask(people.marta, people.group)
    for facilitator in (people.fran, people.sam):
        services.mark_read(conversation=question, user=facilitator, up_to=1)
    say(question, people.sam, "Yes, it is common.")
    due = _send_due(question.created_at + timedelta(hours=1))
    assert set(due) == {people.marta.pk}
    [email] = _to(people.marta)
    assert "The facilitators of Thursday circle wrote to you." in email.body
    assert "Yes, it is common." not in email.body and "Sam" not in email.body


@pytest.mark.django_db
def test_members_are_told_only_that_something_is_new(people, time_machine):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    conversation = start(people.nico, people.group, people.marta, body="My scan is Monday")
    say(conversation, people.nico, "Are you nervous too?")
    later = conversation.created_at + timedelta(minutes=20)
    assert set(_send_due(later)) == {people.marta.pk}
    [email] = _to(people.marta)
    assert "Someone would like to start a conversation with you." in email.body
    for secret in ("My scan is Monday", "nervous", "Nico"):
        assert secret not in email.body
    assert _send_due(later + timedelta(hours=1)) == {}, "nothing after the request"

    services.accept(conversation=conversation, user=people.marta)
    services.mark_read(conversation=conversation, user=people.marta, up_to=2)
    time_machine.move_to("2026-05-04 11:00Z", tick=False)
    say(conversation, people.nico, "See you Monday then")
    mail.outbox.clear()
    assert set(_send_due(later + timedelta(hours=2))) == {people.marta.pk}
    [email] = _to(people.marta)
    assert "You have a new message." in email.body and "See you Monday" not in email.body


@pytest.mark.django_db
def test_the_email_choice_and_memorials_are_respected(people, time_machine):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    NotificationPreference.objects.create(user=people.fran, kind="message", email=False)
    question = ask(people.marta, people.group)
    privacy.memorialise(user=people.sam, by=None)
    _send_due(question.created_at + timedelta(minutes=30))
    assert mail.outbox == []
    assert Participant.objects.get(user=people.fran).emailed_sequence == 1, "not asked again"


@pytest.mark.django_db
def test_an_email_that_fails_to_send_is_sent_by_the_next_scan_and_only_once(
    people, time_machine, monkeypatch
):
    from smtplib import SMTPServerDisconnected

    from django.core.mail.backends.locmem import EmailBackend

    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    question = ask(people.marta, people.group)
    say(question, people.sam, "Welcome, Marta")
    services.mark_read(conversation=question, user=people.fran, up_to=2)
    deliver = EmailBackend.send_messages
    failures = iter([SMTPServerDisconnected("the mail server went away")])

    def fails_once(backend, messages):
        if failure := next(failures, None):
            raise failure
        return deliver(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", fails_once)
    first_scan = question.created_at + timedelta(minutes=20)
    due = emails.scan_unread(now=first_scan)
    assert due == {people.marta.pk: [question.pk]}
    with pytest.raises(SMTPServerDisconnected):
        emails.email_unread(user_id=people.marta.pk, conversation_ids=due[people.marta.pk])
    assert _to(people.marta) == []

    assert _send_due(first_scan + timedelta(minutes=1)) == {people.marta.pk: [question.pk]}
    [email] = _to(people.marta)
    assert "The facilitators of Thursday circle wrote to you." in email.body
    assert _send_due(first_scan + timedelta(hours=1)) == {}, "marked once sent"


@pytest.mark.django_db
def test_a_claimed_email_goes_once_however_often_its_task_runs(people, time_machine):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    question = ask(people.marta, people.group)
    say(question, people.sam, "Welcome, Marta")
    services.mark_read(conversation=question, user=people.fran, up_to=2)
    scan = question.created_at + timedelta(minutes=20)
    due = emails.scan_unread(now=scan)
    assert emails.scan_unread(now=scan + timedelta(minutes=1)) == {}, "claimed"
    assert emails.email_unread(user_id=people.marta.pk, conversation_ids=due[people.marta.pk])
    assert not emails.email_unread(user_id=people.marta.pk, conversation_ids=due[people.marta.pk])
    assert len(_to(people.marta)) == 1


@pytest.mark.django_db
def test_a_claim_whose_task_never_ran_lapses(people, time_machine, settings):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    question = ask(people.marta, people.group)
    say(question, people.sam, "Welcome, Marta")
    services.mark_read(conversation=question, user=people.fran, up_to=2)
    scan = question.created_at + timedelta(minutes=20)
    assert emails.scan_unread(now=scan), "its task is lost"
    lapsed = scan + settings.CONVERSATIONS_EMAIL_CLAIM_FOR
    assert emails.scan_unread(now=lapsed) == {}
    assert set(_send_due(lapsed + timedelta(seconds=1))) == {people.marta.pk}
    assert len(_to(people.marta)) == 1


@pytest.mark.django_db
def test_someone_on_the_daily_digest_gets_conversation_news_in_it_not_one_by_one(
    people, time_machine
):
    from forums import emails as forum_emails
    from forums.models import EmailPreference

    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    EmailPreference.objects.create(user=people.marta, digest=EmailPreference.Digest.DAILY)
    question = ask(people.marta, people.group)
    say(question, people.sam, "Yes, it is common.")
    services.mark_read(conversation=question, user=people.fran, up_to=2)
    scan = question.created_at + timedelta(minutes=20)
    assert set(_send_due(scan)) == {people.marta.pk}
    assert _to(people.marta) == [], "waits for the digest"
    assert _send_due(scan + timedelta(hours=2)) == {}, "and the scan leaves it there"

    time_machine.move_to("2026-05-04 20:00Z", tick=False)
    assert forum_emails.send_daily_digests() == 1
    [digest] = _to(people.marta)
    assert "The facilitators of Thursday circle wrote to you." in digest.body
    assert question.get_absolute_url() in digest.body
    assert "Yes, it is common." not in digest.body and "Sam" not in digest.body
    assert forum_emails.send_daily_digests() == 0, "once"
    assert _send_due(scan + timedelta(days=2)) == {}, "marked as emailed"


@pytest.mark.django_db
def test_leaving_the_digest_releases_held_news_at_the_next_scan(people, time_machine):
    from forums import services as forum_services
    from forums.models import EmailPreference

    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    EmailPreference.objects.create(user=people.marta, digest=EmailPreference.Digest.DAILY)
    question = ask(people.marta, people.group)
    say(question, people.sam, "Yes, it is common.")
    scan = question.created_at + timedelta(minutes=20)
    _send_due(scan)
    assert _to(people.marta) == [], "held for the digest"

    time_machine.move_to(scan + timedelta(minutes=5), tick=False)
    forum_services.set_reading_preferences(
        user=people.marta, topic_actions={}, digest=EmailPreference.Digest.IMMEDIATELY
    )
    assert set(_send_due(scan + timedelta(minutes=6))) == {people.marta.pk}
    [email] = _to(people.marta)
    assert "The facilitators of Thursday circle wrote to you." in email.body
    assert _send_due(scan + timedelta(hours=3)) == {}, "once"


@pytest.mark.django_db
def test_someone_not_on_the_digest_is_not_waited_for(people, time_machine):
    from forums import emails as forum_emails
    from forums.models import EmailPreference

    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    EmailPreference.objects.create(user=people.marta, digest=EmailPreference.Digest.IMMEDIATELY)
    question = ask(people.marta, people.group)
    say(question, people.sam, "Yes, it is common.")
    time_machine.move_to("2026-05-04 20:00Z", tick=False)
    assert forum_emails.send_daily_digests() == 0
    assert set(_send_due(question.created_at + timedelta(minutes=20))) >= {people.marta.pk}
    assert len(_to(people.marta)) == 1


@pytest.mark.django_db
def test_someone_removed_since_is_not_emailed(people, time_machine):
    from groups import services as groups_services
    from groups.models import Membership

    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    question = ask(people.marta, people.group)
    say(question, people.sam, "Welcome, Marta")
    groups_services.remove(
        membership=Membership.objects.get(user=people.marta, group=people.group), by=people.fran
    )
    _send_due(question.created_at + timedelta(minutes=30))
    assert _to(people.marta) == []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_emails_through_a_real_worker(celery_worker, settings):
    import time

    settings.CONVERSATIONS_EMAIL_AFTER = timedelta(0)
    people = People()
    ask(people.marta, people.group)
    tasks.scan_unread.delay()
    deadline = time.monotonic() + 30
    while len(mail.outbox) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people.fran.email, people.sam.email])
