"""resolve_for_target: closing an item from the content's own page, with the stand-in post.

The resources tests cover the real caller (a curator publishing or declining a suggestion);
these pin the generic rules: no claim needed, the audit row, a live claim is dropped, a crisis
item is left to the people on duty, nothing waiting is not an error.
"""

import pytest
from django.core.exceptions import ValidationError

from moderation import actions, errors, in_place, queue, services
from moderation.models import AuditLogEntry, ReviewItem
from supportgroups.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Resolution = ReviewItem.Resolution


@pytest.fixture
def post(post_model, scope):
    return post_model.objects.create(author=UserFactory(), body="My oncologist said", group=1)


def test_closes_the_open_item_without_a_claim_and_logs_who_and_why(post):
    item = services.request_review(target=post, reason="misinformation", by=UserFactory())
    owner = UserFactory(display_name="Owner Olu")  # no queue rights at all
    entry = in_place.resolve_for_target(
        target=post, by=owner, resolution=Resolution.REMOVED, reason="  Taken down by the owner "
    )
    item.refresh_from_db()
    assert (item.state, item.resolution, item.version) == ("resolved", "removed", 2)
    assert entry == item.audit.order_by("-id").first()
    assert (entry.actor, entry.action, entry.reason) == (owner, "remove", "Taken down by the owner")
    assert entry.subject == post.author and entry.detail == {"decided_in": "moderation"}
    # The owning app tells the author in its own words; moderation sends nothing extra.
    assert not Notification.objects.filter(user=post.author).exists()


def test_a_live_claim_is_dropped_and_the_claimers_stale_page_cannot_act(post, facilitator):
    item = services.request_review(target=post, reason="spam", by=UserFactory())
    item = queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    in_place.resolve_for_target(
        target=post, by=UserFactory(), resolution=Resolution.APPROVED, reason="Checked: fine"
    )
    stale_version = item.version
    item.refresh_from_db()
    assert item.state == "resolved" and item.claimed_by is None and item.claimed_at is None
    with pytest.raises(errors.StaleVersion):
        actions.do_hide(item_id=item.pk, user=facilitator, version=stale_version, reason="spam")


def test_approving_clears_the_hold_so_the_next_edit_is_not_held_again(post, scope):
    scope.premoderation[1] = 1
    assert services.screen(post).held
    in_place.resolve_for_target(
        target=post, by=UserFactory(), resolution=Resolution.APPROVED, reason="Shown by owner"
    )
    item = ReviewItem.objects.get()
    assert (item.state, item.resolution, item.held) == ("resolved", "approved", False)
    assert not services.screen(post).held


def test_nothing_waiting_or_already_resolved_is_not_an_error(post, facilitator):
    by = UserFactory()
    args = {"target": post, "by": by, "resolution": Resolution.APPROVED, "reason": "ok"}
    assert in_place.resolve_for_target(**args) is None
    item = services.request_review(target=post, reason="spam", by=UserFactory())
    queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    item.refresh_from_db()
    actions.do_dismiss(item_id=item.pk, user=facilitator, version=item.version, reason="fine")
    rows = AuditLogEntry.objects.count()
    assert in_place.resolve_for_target(**args) is None
    item.refresh_from_db()
    assert item.resolution == "no_action" and AuditLogEntry.objects.count() == rows


def test_a_crisis_item_stays_with_the_people_on_duty(post):
    services.request_review(target=post, reason="at_risk", by=UserFactory())
    assert in_place.resolve_for_target(
        target=post, by=UserFactory(), resolution=Resolution.REMOVED, reason="Off topic"
    ) is None  # fmt: skip
    item = ReviewItem.objects.get()
    assert item.crisis and item.state == "escalated" and item.resolution == ""


def test_a_reason_and_a_known_resolution_are_required(post):
    services.request_review(target=post, reason="spam", by=UserFactory())
    with pytest.raises(ValidationError):
        in_place.resolve_for_target(
            target=post, by=UserFactory(), resolution=Resolution.APPROVED, reason="  "
        )
    with pytest.raises(ValueError):
        in_place.resolve_for_target(target=post, by=UserFactory(), resolution="gone", reason="x")
    assert ReviewItem.objects.get().state == "open"
