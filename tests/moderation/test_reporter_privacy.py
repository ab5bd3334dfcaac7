"""Reporters are never exposed: a member can appeal, or write to the facilitators about, only a
decision about them that can be appealed (or a facilitator's message to them); every other
audit row is a 404 exactly like an id that does not exist, and what they write reaches the
item's moderators, never a reporter."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from moderation import actions, queue, services
from moderation.models import AuditLogEntry, ItemNote
from supportgroups.models import Notification
from tests.factories import UserFactory, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(post_model, scope, facilitator):
    author, reporter = UserFactory(), UserFactory()
    post = post_model.objects.create(author=author, body="Stop your chemo", group=1)
    item = services.request_review(target=post, reason="harassment", by=reporter, note="mean")
    return author, reporter, item


def _without_tokens(response) -> str:
    """The page as a person reads it: the CSRF token is masked differently on every render."""
    return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())


def _pages(entry_id: int) -> list[str]:
    return [
        reverse("moderation:appeal", args=[entry_id]),
        reverse("moderation:write", args=[entry_id]),
    ]


def test_the_audit_row_of_a_report_is_a_404_like_a_missing_id(reported):
    author, reporter, item = reported
    report_row = AuditLogEntry.objects.get(action="reported")
    assert report_row.subject == author  # the row is about them, and still not theirs to open
    client = client_for(author)
    missing = AuditLogEntry.objects.order_by("-pk").first().pk + 1000
    for url, absent in zip(_pages(report_row.pk), _pages(missing), strict=True):
        response = client.get(url)
        assert response.status_code == 404
        # Nothing tells them apart but the address asked for (the language switcher's way back).
        asked = _without_tokens(response).replace(url, "<address>")
        assert asked == _without_tokens(client.get(absent)).replace(absent, "<address>")
        assert client.post(url, {"body": "Who reported me?"}).status_code == 404
    assert not ItemNote.objects.exists()
    assert not Notification.objects.filter(user=reporter).exists()
    assert not any(reporter.email in m.to for m in mail.outbox)


def test_claims_and_releases_are_not_pages_either(reported, facilitator):
    author, _, item = reported
    item = queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    claimed = AuditLogEntry.objects.get(action="claimed")
    client = client_for(author)
    for url in _pages(claimed.pk):
        assert client.get(url).status_code == 404


def test_a_message_about_a_decision_reaches_the_moderators_not_the_reporter(
    reported, facilitator, scope
):
    author, reporter, item = reported
    colleague = scope.facilitate(UserFactory(), 1)
    item = queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    hide = actions.do_hide(item_id=item.pk, user=facilitator, version=item.version, reason="r")
    client = client_for(author)
    appeal_page = client.get(reverse("moderation:appeal", args=[hide.pk]))
    assert appeal_page.status_code == 200 and "Appeal a decision" in appeal_page.content.decode()
    response = client.post(reverse("moderation:write", args=[hide.pk]), {"body": "Sorry"})
    assert response.status_code == 302
    assert ItemNote.objects.get(from_author=True).item == item
    wrote = Notification.objects.filter(title="A member wrote about your decision")
    told = set(wrote.values_list("user", flat=True))
    assert facilitator.pk in told and reporter.pk not in told and author.pk not in told
    assert colleague.pk not in told  # the moderator who decided is the one to answer
    assert not any(reporter.email in m.to for m in mail.outbox)


def test_a_facilitators_message_can_be_answered_but_not_appealed(reported, facilitator):
    author, _, item = reported
    item = queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    message = actions.do_message(
        item_id=item.pk, user=facilitator, version=item.version, reason="Can we talk?"
    )
    client = client_for(author)
    assert client.get(reverse("moderation:appeal", args=[message.pk])).status_code == 404
    response = client.post(reverse("moderation:write", args=[message.pk]), {"body": "Yes"})
    assert response.status_code == 302
    assert ItemNote.objects.filter(from_author=True, body="Yes").exists()


def test_the_pages_are_rate_limited_and_keep_the_typed_text(reported, facilitator, settings):
    settings.MODERATION_APPEAL_PAGES_PER_HOUR = 3
    author, _, item = reported
    item = queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    warn = actions.do_warn(item_id=item.pk, user=facilitator, version=item.version, reason="r")
    client = client_for(author)
    url = reverse("moderation:write", args=[warn.pk])
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = client.post(url, {"body": "My careful words"})
    assert response.status_code == 429 and response.has_header("Retry-After")
    assert "My careful words" in response.content.decode()
    assert not ItemNote.objects.exists()
    appeal = client.post(reverse("moderation:appeal", args=[warn.pk]), {"body": "Please look"})
    assert appeal.status_code == 429 and "Please look" in appeal.content.decode()
    assert not hasattr(AuditLogEntry.objects.get(pk=warn.pk), "appeal")
    # Someone else's limit is their own.
    assert client_for(UserFactory()).get(url).status_code == 404
