"""A curator's decision on the resource pages closes the suggestion's moderation queue item,
so the facilitators' queue does not fill with suggestions that were dealt with long ago."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from moderation import actions, errors, queue
from moderation.models import AuditLogEntry, ReviewItem
from resources import services
from resources.models import Resource
from supportgroups.models import Notification
from tests.factories import FacilitatorMembershipFactory, ResourceFactory, UserFactory, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggested(member_client) -> Resource:
    response = member_client.post(
        reverse("resources:suggest"),
        {
            "title": "Lymphoma Action",
            "url": "https://lymphoma-action.org.uk/",
            "kind": "organisation",
            "summary": "UK lymphoma charity with a helpline.",
            "note": "Their nurses helped me a lot.",
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert item_for(resource).state == "open"
    return resource


def item_for(resource: Resource) -> ReviewItem:
    ct = ContentType.objects.get_for_model(Resource)
    return ReviewItem.objects.get(content_type=ct, object_id=resource.pk)


def test_publishing_on_the_resource_page_approves_the_queue_item(suggested, user, curator):
    response = client_for(curator).post(reverse("resources:publish", args=[suggested.slug]))
    assert response.status_code == 302
    item = item_for(suggested)
    assert (item.state, item.resolution, item.claimed_by) == ("resolved", "approved", None)
    entry = item.audit.order_by("-id").first()
    assert (entry.actor, entry.action, entry.subject) == (curator, "approve", user)
    assert entry.reason == "Published in the library by a curator."
    assert entry.detail == {"decided_in": "resources"}
    # One message for the suggester, in the library's words; the queue adds none.
    assert Notification.objects.filter(user=user).count() == 1


def test_declining_on_the_resource_page_removes_the_queue_item(suggested, user, curator):
    reason = "We list UK charities through Macmillan."
    url = reverse("resources:decline", args=[suggested.slug])
    assert client_for(curator).post(url, {"reason": reason}).status_code == 302
    item = item_for(suggested)
    assert (item.state, item.resolution) == ("resolved", "removed")
    entry = item.audit.order_by("-id").first()
    assert (entry.actor, entry.action, entry.reason) == (curator, "remove", reason)
    assert [n.body for n in Notification.objects.filter(user=user)] == [reason]


def test_a_facilitator_curator_closes_an_item_the_queue_does_not_show_them(suggested):
    """Facilitators curate the library, but a suggestion's item is site-wide (no group), so
    they could never claim it: the page's own permission is what counts."""
    facilitator = FacilitatorMembershipFactory().user
    url = reverse("resources:edit", args=[suggested.slug])
    form = {
        "title": "Lymphoma Action (UK)",
        "slug": suggested.slug,
        "kind": "organisation",
        "summary": "Information, a helpline and support groups.",
        "url": suggested.url,
        "body": "",
        "action": "publish",
    }
    assert client_for(facilitator).post(url, form).status_code == 302
    item = item_for(suggested)
    assert item.resolution == "approved" and item.audit.order_by("-id")[0].actor == facilitator


def test_a_moderator_holding_the_item_finds_it_closed(suggested, curator):
    moderator = UserFactory(is_staff=True)
    item = item_for(suggested)
    item = queue.claim(item_id=item.pk, user=moderator, version=item.version)
    services.decline(resource=suggested, by=curator, reason="Duplicate of Blood Cancer UK")
    with pytest.raises(errors.StaleVersion):
        actions.do_approve(item_id=item.pk, user=moderator, version=item.version, reason="ok")
    item.refresh_from_db()
    assert (item.state, item.resolution, item.claimed_by) == ("resolved", "removed", None)


def test_a_resource_staff_added_directly_has_no_item_and_publishes_cleanly(staff_client):
    form = {
        "title": "Sarcoma UK",
        "kind": "organisation",
        "summary": "Support and information for people affected by sarcoma.",
        "url": "https://sarcoma.org.uk/",
        "body": "",
        "action": "publish",
    }
    assert staff_client.post(reverse("resources:new"), form).status_code == 302
    resource = Resource.objects.get()
    assert resource.state == "published"
    listed = ResourceFactory()
    services.decline(resource=listed, by=UserFactory(is_staff=True), reason="Closed down")
    assert not ReviewItem.objects.exists() and not AuditLogEntry.objects.exists()


def test_the_decision_and_the_queue_change_together(suggested, curator, monkeypatch):
    """One transaction: if closing the item fails, the resource is not declined either."""

    def broken(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services, "resolve_for_target", broken)
    with pytest.raises(RuntimeError):
        services.decline(resource=suggested, by=curator, reason="Not a charity")
    suggested.refresh_from_db()
    assert suggested.state == "draft" and item_for(suggested).state == "open"
