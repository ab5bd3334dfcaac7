"""Email about a request reaches the facilitators, and a facilitator's email reaches the group,
through a real Celery worker and Redis."""

import time

import pytest
from django.core import mail

from groups import group_email, services
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_request_email_is_sent_by_the_worker_after_commit(celery_worker):
    group = SupportGroupFactory(join_policy="approval", name="Evening circle")
    facilitator = FacilitatorMembershipFactory(group=group).user
    applicant = UserFactory(display_name="Applicant Ari")
    services.join(user=applicant, group=group, note="Could I join on Thursdays?")
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [facilitator.email]
    assert message.subject.endswith("Applicant Ari asked to join Evening circle")
    assert "Could I join on Thursdays?" in message.body
    assert f"/groups/{group.slug}/manage/" in message.body


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_email_to_the_group_is_sent_by_the_worker_after_commit(celery_worker):
    group = SupportGroupFactory(name="Evening circle")
    facilitator = FacilitatorMembershipFactory(group=group).user
    members = [MembershipFactory(group=group).user for _ in range(2)]
    group_email.send_to_group(
        by=facilitator, group=group, subject="Tonight moves online", body="New link soon."
    )
    deadline = time.monotonic() + 20
    while len(mail.outbox) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in members)
    assert all(m.subject.endswith("Evening circle: Tonight moves online") for m in mail.outbox)
    assert all("List-Unsubscribe" in m.extra_headers for m in mail.outbox)
