"""Reports and flags aggregate on one item per target; a resolved item reopens with history."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from moderation import actions, queue, services
from moderation.models import AuditLogEntry, Flag, Report, ReviewItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reports_and_flags_on_one_target_share_one_item(post_model, scope):
    post = post_model.objects.create(author=UserFactory(), body="Buy cheap pills", group=1)
    first = services.request_review(target=post, reason="spam", by=UserFactory())
    second = services.request_review(target=post, reason="harassment", by=UserFactory())
    services.request_review(target=post, reason="other", note="please check")
    assert first.pk == second.pk
    item = ReviewItem.objects.get()
    assert item.reports.count() == 2
    assert list(item.flags.values_list("kind", flat=True)) == [Flag.Kind.REVIEW]
    # The most urgent reason wins and stays.
    assert item.reason == "harassment" and item.priority == 1
    assert item.group_id == 1 and item.author == post.author


def test_one_report_per_member_per_target(post_model):
    post = post_model.objects.create(author=UserFactory(), body="hello")
    reporter = UserFactory()
    services.request_review(target=post, reason="spam", by=reporter)
    with pytest.raises(ValidationError, match="already reported"):
        services.request_review(target=post, reason="other", by=reporter)
    assert Report.objects.count() == 1


@override_settings(MODERATION_REPORTS_PER_HOUR=2)
def test_reports_are_rate_limited_per_reporter(post_model):
    reporter = UserFactory()
    posts = [post_model.objects.create(author=UserFactory(), body=f"p{i}") for i in range(3)]
    services.request_review(target=posts[0], reason="spam", by=reporter)
    services.request_review(target=posts[1], reason="spam", by=reporter)
    with pytest.raises(ValidationError, match="a lot of reports"):
        services.request_review(target=posts[2], reason="spam", by=reporter)
    assert Report.objects.count() == 2
    services.request_review(target=posts[2], reason="spam", by=UserFactory())  # others may


def test_new_report_reopens_a_resolved_item_and_keeps_history(post_model, staff):
    post = post_model.objects.create(author=UserFactory(), body="hello")
    item = services.request_review(target=post, reason="spam", by=UserFactory())
    item = queue.claim(item_id=item.pk, user=staff, version=item.version)
    actions.do_dismiss(item_id=item.pk, user=staff, version=item.version, reason="fine")
    item.refresh_from_db()
    assert item.state == "resolved" and item.resolution == "no_action"

    services.request_review(target=post, reason="misinformation", by=UserFactory())
    item.refresh_from_db()
    assert item.state == "open" and item.resolution == "" and item.claimed_by is None
    assert item.reason == "misinformation"
    assert item.reports.count() == 2
    assert list(item.audit.values_list("action", flat=True)) == [
        "reported",
        "claimed",
        "dismiss",
        "reopened",
        "reported",
    ]


def test_queue_is_ordered_crisis_first_then_by_age(post_model, staff):
    from moderation.selectors import queue

    posts = [post_model.objects.create(author=UserFactory(), body=f"p{i}") for i in range(4)]
    for post, reason in zip(posts, ["other", "spam", "at_risk", "harassment"], strict=True):
        services.request_review(target=post, reason=reason, by=UserFactory())
    reasons = [i.reason for i in queue(staff)]
    assert reasons == ["at_risk", "harassment", "spam", "other"]
    assert queue(staff)[0].state == "escalated"


def test_unknown_reason_is_refused(post_model):
    post = post_model.objects.create(author=UserFactory(), body="x")
    with pytest.raises(ValidationError):
        services.request_review(target=post, reason="boring", by=UserFactory())
    assert not ReviewItem.objects.exists() and not AuditLogEntry.objects.exists()
