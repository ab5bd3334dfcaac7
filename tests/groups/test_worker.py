"""Email about a request reaches the facilitators through a real Celery worker and Redis."""

import time

import pytest
from django.core import mail

from groups import services
from tests.factories import FacilitatorMembershipFactory, SupportGroupFactory, UserFactory


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
