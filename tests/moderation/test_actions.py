"""Claims, stale versions, and what each action does to the content and the author."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from moderation import actions, appeals, errors, permissions, queue, selectors, services
from moderation.models import Appeal, AuditLogEntry, ItemNote, ReviewItem, Sanction
from supportgroups.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(post_model, scope, facilitator):
    """A reported post in group 1, claimed by its facilitator."""
    post = post_model.objects.create(
        author=UserFactory(), body="Stop your chemo, eat kale", group=1
    )
    item = services.request_review(target=post, reason="misinformation", by=UserFactory())
    item = queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    return post, item


def handed_to(item, moderator, by):
    """Suspension and site-wide silence are for site moderators: the facilitator hands over."""
    item = queue.release(item_id=item.pk, user=by, version=item.version)
    return queue.claim(item_id=item.pk, user=moderator, version=item.version)


def run(name, item, user, **kwargs):
    item.refresh_from_db()
    kwargs.setdefault("reason", f"{name}: see the group rules")
    return actions.TABLE[name].handler(item_id=item.pk, user=user, version=item.version, **kwargs)


def test_two_facilitators_cannot_claim_at_once(reported, scope):
    _, item = reported
    other = scope.facilitate(UserFactory(), 1)
    with pytest.raises(errors.ClaimConflict):
        queue.claim(item_id=item.pk, user=other, version=item.version)
    with pytest.raises(errors.ClaimConflict):
        run("hide", item, other)


def test_claims_expire_after_idle_minutes(reported, scope):
    _, item = reported
    other = scope.facilitate(UserFactory(), 1)
    ReviewItem.objects.filter(pk=item.pk).update(claimed_at=timezone.now() - timedelta(minutes=16))
    assert queue.release_stale_claims() == 1
    item.refresh_from_db()
    assert item.claimed_by is None and item.state == "open"
    queue.claim(item_id=item.pk, user=other, version=item.version)
    item.refresh_from_db()
    assert item.claimed_by == other


def test_acting_on_a_stale_copy_is_refused(reported, facilitator):
    post, item = reported
    stale_version = item.version
    run("message", item, facilitator)
    with pytest.raises(errors.StaleVersion):
        actions.do_hide(item_id=item.pk, user=facilitator, version=stale_version, reason="x")
    post.refresh_from_db()
    assert not post.hidden


def test_every_action_needs_a_reason(reported, facilitator):
    post, item = reported
    with pytest.raises(ValidationError):
        run("hide", item, facilitator, reason="   ")
    post.refresh_from_db()
    assert not post.hidden and not AuditLogEntry.objects.filter(action="hide").exists()


def test_hide_then_restore_changes_what_members_see(reported, facilitator, post_model):
    post, item = reported
    run("hide", item, facilitator)
    assert post not in post_model.shown_to_members()
    item.refresh_from_db()
    assert (item.state, item.resolution) == ("resolved", "hidden")
    note = Notification.objects.get(user=post.author)
    assert note.body == "hide: see the group rules" and "/moderation/appeals/" in note.url

    queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    run("restore", item, facilitator)
    assert post in post_model.shown_to_members()


def test_remove_hides_for_good(reported, facilitator, post_model):
    post, item = reported
    run("remove", item, facilitator)
    assert post not in post_model.shown_to_members()
    assert ReviewItem.objects.get().resolution == "removed"


def test_approve_publishes_a_held_post(post_model, scope, facilitator):
    scope.premoderation[1] = 1
    post = post_model.objects.create(author=UserFactory(), body="hi all", group=1, hidden=True)
    assert services.screen(post).held
    item = ReviewItem.objects.get()
    queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    run("approve", item, facilitator)
    post.refresh_from_db()
    item.refresh_from_db()
    assert not post.hidden and not item.held and item.resolution == "approved"


def test_edit_changes_the_text_and_tells_the_author_why(reported, facilitator):
    post, item = reported
    run("edit", item, facilitator, text="[removed medical advice]", reason="No treatment advice")
    post.refresh_from_db()
    assert post.body == "[removed medical advice]"
    assert Notification.objects.get(user=post.author).body == "No treatment advice"


def test_message_reaches_the_author_privately(reported, facilitator):
    post, item = reported
    run("message", item, facilitator, reason="Could you share a source for that?")
    note = Notification.objects.get(user=post.author)
    assert note.kind == "moderation" and note.body == "Could you share a source for that?"
    assert (
        note.url == f"/moderation/appeals/{AuditLogEntry.objects.get(action='message').pk}/write/"
    )


def test_warn_is_recorded_in_the_authors_history(reported, facilitator):
    post, item = reported
    run("warn", item, facilitator)
    assert Sanction.objects.get().kind == "warn"
    assert selectors.can_post(post.author, 1)
    history = selectors.author_history(ReviewItem.objects.get())
    assert [s.kind for s in history["sanctions"]] == ["warn"]


def test_silence_stops_posting_until_the_time_but_not_signing_in(reported, facilitator, staff):
    post, item = reported
    item = handed_to(item, staff, facilitator)
    run("silence", item, staff, until=timezone.now() + timedelta(days=1))
    author = post.author
    author.refresh_from_db()
    assert selectors.is_silenced(author) and not selectors.can_post(author, 1)
    assert author.is_active  # can still sign in, read, appeal and write to facilitators
    Sanction.objects.filter(user=author).update(until=timezone.now() - timedelta(seconds=1))
    assert not selectors.is_silenced(author) and selectors.can_post(author, 1)


def test_silence_needs_a_future_time(reported, facilitator, staff):
    _, item = reported
    item = handed_to(item, staff, facilitator)
    with pytest.raises(ValidationError):
        run("silence", item, staff, until=timezone.now() - timedelta(hours=1))
    assert not Sanction.objects.exists()


def test_mute_applies_to_one_group_only(reported, facilitator):
    post, item = reported
    run("mute", item, facilitator)
    assert not selectors.can_post(post.author, 1)
    assert selectors.can_post(post.author, 2) and selectors.can_post(post.author)
    assert not selectors.is_silenced(post.author)


def test_suspension_switches_the_account_off_and_ends_its_sessions(reported, facilitator, staff):
    post, item = reported
    item = handed_to(item, staff, facilitator)
    author = post.author
    client = Client()
    client.force_login(author)
    assert client.get("/profile/").status_code == 200
    run("suspend", item, staff)
    author.refresh_from_db()
    assert not author.is_active and not selectors.can_post(author)
    assert not selectors.is_silenced(author)  # suspension is not a silence
    assert client.get("/profile/").status_code == 302  # signed out


def test_escalate_hands_the_item_to_staff(reported, facilitator, staff):
    _, item = reported
    run("escalate", item, facilitator)
    item.refresh_from_db()
    assert item.state == "escalated" and item.claimed_by is None
    alert = Notification.objects.get(user=staff)
    assert alert.url == item.get_absolute_url() and alert.body == "escalate: see the group rules"
    queue.claim(item_id=item.pk, user=staff, version=item.version)


def test_profile_reports_offer_only_sanctions(post_model, staff):
    target = UserFactory(display_name="Rude Name")
    item = services.request_review(target=target, reason="harassment", by=UserFactory())
    item = queue.claim(item_id=item.pk, user=staff, version=item.version)
    with pytest.raises(errors.ModerationError):
        run("hide", item, staff)
    run("warn", item, staff)
    assert Sanction.objects.get().user == target


def test_appeal_once_and_handled_by_someone_else(reported, facilitator, scope, post_model):
    post, item = reported
    entry = run("hide", item, facilitator)
    appeal = appeals.appeal(action=entry, user=post.author, body="It was a joke about kale")
    with pytest.raises(ValidationError, match="already appealed"):
        appeals.appeal(action=entry, user=post.author, body="again")
    with pytest.raises(PermissionDenied):
        appeals.appeal(action=entry, user=UserFactory(), body="not mine")

    appeal_item = ReviewItem.objects.get(object_id=appeal.pk, content_type__model="appeal")
    assert appeal_item.group_id == 1
    assert permissions.can_handle(facilitator, appeal_item)  # nobody else could
    colleague = scope.facilitate(UserFactory(), 1)
    with pytest.raises(PermissionDenied):  # the original moderator, now someone else exists
        queue.claim(item_id=appeal_item.pk, user=facilitator, version=appeal_item.version)
    queue.claim(item_id=appeal_item.pk, user=colleague, version=appeal_item.version)
    run("approve", appeal_item, colleague, reason="Fair enough")
    assert post in post_model.shown_to_members()
    assert AuditLogEntry.objects.filter(action="overturn", item=item).exists()
    assert Appeal.objects.count() == 1


def test_upheld_appeal_lifts_a_suspension(reported, facilitator, staff, scope):
    post, item = reported
    item = handed_to(item, staff, facilitator)
    entry = run("suspend", item, staff)
    appeal = appeals.appeal(action=entry, user=post.author, body="Please")
    appeal_item = ReviewItem.objects.get(object_id=appeal.pk, content_type__model="appeal")
    other_staff = UserFactory(is_staff=True)  # not the moderator who suspended
    queue.claim(item_id=appeal_item.pk, user=other_staff, version=appeal_item.version)
    run("approve", appeal_item, other_staff)
    post.author.refresh_from_db()
    assert post.author.is_active and Sanction.objects.get().lifted_at is not None


def test_deleted_content_can_still_be_closed(reported, facilitator):
    post, item = reported
    post.delete()
    with pytest.raises(errors.ModerationError, match="no longer exists"):
        run("hide", item, facilitator)
    run("dismiss", item, facilitator)
    assert ReviewItem.objects.get().state == "resolved"


def test_a_silenced_member_can_still_write_to_the_facilitators(reported, facilitator, staff):
    post, item = reported
    item = handed_to(item, staff, facilitator)
    entry = run("silence", item, staff, until=timezone.now() + timedelta(days=1))
    client = Client()
    client.force_login(post.author)
    url = f"/moderation/appeals/{entry.pk}/write/"
    empty = client.post(url, {"body": "  "})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    assert client.post(url, {"body": "I was upset, sorry."}).status_code == 302
    note = ItemNote.objects.get(from_author=True)
    assert note.item == item and note.author == post.author
    assert Notification.objects.filter(user=staff, kind="moderation").exists()
    # Only the member the decision was about.
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.post(url, {"body": "hi"}).status_code == 404
