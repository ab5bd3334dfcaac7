"""Facilitators email the whole group: every active member who wants announcement email gets
it once, with the one-click unsubscribe; three a day per group; each one audited."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from groups import group_email, policy, tasks
from groups.models import GroupEmail
from moderation.models import AuditLogEntry
from supportgroups.models import NotificationPreference
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def group():
    return SupportGroupFactory(name="Evening circle", slug="evening-circle")


@pytest.fixture
def facilitator(group):
    return FacilitatorMembershipFactory(group=group).user


def page(group):
    return reverse("groups:email_group", args=[group.slug])


def send(user, group, subject="Tonight moves online", body="Same time, new link."):
    return client_for(user).post(page(group), {"subject": subject, "body": body})


def test_every_active_member_who_wants_it_is_emailed_once_with_unsubscribe(
    clock, group, facilitator, django_capture_on_commit_callbacks, monkeypatch
):
    member = MembershipFactory(group=group).user
    switched_off = MembershipFactory(group=group).user
    NotificationPreference.objects.create(user=switched_off, kind="announcement", email=False)
    MembershipFactory(group=group, state="pending")
    MembershipFactory(group=group, state="left")
    UserFactory()  # an outsider
    queued: list[int] = []
    monkeypatch.setattr(tasks.send_group_email, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(facilitator, group)
    assert response.status_code == 302
    sent = GroupEmail.objects.get()
    assert queued == [sent.pk]  # enqueued once the email row committed

    assert tasks.send_group_email(sent.pk) == 1
    assert tasks.send_group_email(sent.pk) == 0  # a second copy of the task sends nothing
    (email,) = mail.outbox
    assert email.to == [member.email]
    assert email.subject.endswith("Evening circle: Tonight moves online")
    assert "Same time, new link." in email.body
    assert "List-Unsubscribe" in email.extra_headers
    assert facilitator.email not in email.body and member.email not in email.body
    sent.refresh_from_db()
    assert sent.sent_count == 1 and sent.sent_at == NOW
    listing = client_for(facilitator).get(page(group)).content.decode()
    assert "Tonight moves online" in listing and "emailed to 1 member" in listing


def test_each_email_is_in_the_moderation_audit_log(clock, group, facilitator):
    send(facilitator, group)
    entry = AuditLogEntry.objects.get(action="email_group")
    assert entry.actor == facilitator
    assert entry.item.group_id == group.pk and entry.item.state == "resolved"
    assert entry.detail["subject"] == "Tonight moves online"


def test_three_a_day_then_a_clear_refusal_that_keeps_the_words(clock, group, facilitator):
    for n in range(3):
        assert send(facilitator, group, subject=f"News {n}").status_code == 302
    refused = send(facilitator, group, subject="A fourth", body="Kept words")
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "3 emails in the last day" in text and "Kept words" in text and "A fourth" in text
    assert GroupEmail.objects.count() == 3
    clock.move_to(NOW + timedelta(days=1, seconds=1))
    assert send(facilitator, group, subject="Next day").status_code == 302


def test_the_limit_is_per_group(clock, group, facilitator):
    other = FacilitatorMembershipFactory(user=facilitator).group
    for n in range(3):
        send(facilitator, group, subject=f"News {n}")
    assert send(facilitator, other).status_code == 302


def test_members_outsiders_and_visitors_cannot_email_the_group(group, facilitator):
    member = MembershipFactory(group=group).user
    assert send(member, group).status_code == 403
    assert send(UserFactory(), group).status_code == 404
    assert client_for(None).post(page(group), {"subject": "x", "body": "y"}).status_code == 404
    assert GroupEmail.objects.count() == 0


def test_empty_nul_and_overlong_input_is_refused_with_nothing_sent(group, facilitator):
    assert send(facilitator, group, subject="  ", body="Hello").status_code == 400
    assert send(facilitator, group, subject="Hi", body="bad\x00byte").status_code == 400
    assert send(facilitator, group, subject="Hi", body="x" * 4001).status_code == 400
    assert GroupEmail.objects.count() == 0 and mail.outbox == []


def test_a_group_that_no_longer_meets_is_refused_by_the_write_policy(group, facilitator):
    group.is_archived = True
    group.save()
    with pytest.raises(policy.WriteRefused) as refused:
        group_email.send_to_group(by=facilitator, group=group, subject="Hi", body="Hello")
    assert refused.value.verdict.code == "read_only"
    response = send(facilitator, group, body="Kept words")
    assert response.status_code == 403 and "Kept words" in response.content.decode()
    assert GroupEmail.objects.count() == 0


def test_a_line_break_in_the_subject_is_folded_and_one_refused_address_costs_nobody_else(
    clock, group, facilitator, monkeypatch
):
    """A crafted post's CR/LF would make the mail library refuse the header (for everyone);
    and a mail server refusing one address must not stop the members after it."""
    from groups import emails

    first, second = (MembershipFactory(group=group).user for _ in range(2))
    real_send = emails.send_user_email

    def refusing_the_first(*, user, **kwargs):
        if user == first:
            raise OSError("mailbox unavailable")
        return real_send(user=user, **kwargs)

    monkeypatch.setattr(emails, "send_user_email", refusing_the_first)
    monkeypatch.setattr(tasks.send_group_email, "delay", lambda pk: None)
    send(facilitator, group, subject="Tonight\r\nBcc: everyone@example.org")
    sent = GroupEmail.objects.get()
    assert sent.subject == "Tonight Bcc: everyone@example.org"

    assert tasks.send_group_email(sent.pk) == 1
    (email,) = mail.outbox
    assert email.to == [second.email]
