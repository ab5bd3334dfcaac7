"""Suggestion -> moderation queue -> curator publishes or declines -> readers see it (or not)."""

import pytest
from django.contrib.admin.sites import site
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from moderation import actions, queue
from moderation.adapters import adapter_for
from moderation.models import ReviewItem
from resources.admin import ResourceAdmin
from resources.models import Resource
from supportgroups.models import Notification
from tests.factories import CancerTypeFactory, ResourceFactory, UserFactory

pytestmark = pytest.mark.django_db
SUGGEST = reverse("resources:suggest")
LIBRARY = reverse("resources:library")


def queue_items():
    """The facilitators' queue items (moderation.ReviewItem) about resources."""
    return ReviewItem.objects.filter(content_type=ContentType.objects.get_for_model(Resource))


def suggestion(**overrides) -> dict:
    return {
        "title": "Lymphoma Action",
        "url": "https://lymphoma-action.org.uk/",
        "kind": "organisation",
        "summary": "UK lymphoma charity with a helpline.",
        "note": "Their nurses helped me a lot.",
        **overrides,
    }


def test_member_suggestion_becomes_a_draft_in_the_moderation_queue(member_client, user):
    lymphoma = CancerTypeFactory(name="Lymphoma", slug="lymphoma")
    response = member_client.post(SUGGEST, suggestion(cancer_types=[lymphoma.pk]))
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.state, resource.is_suggestion, resource.suggested_by) == ("draft", True, user)
    assert list(resource.cancer_types.all()) == [lymphoma]
    item = queue_items().get()
    assert (item.object_id, item.reason, item.state) == (resource.pk, "other", "open")
    assert item.author == user and item.group_id is None  # site-wide: the library's curators
    assert item.flags.get().detail == "Their nurses helped me a lot."
    # Not listed, and its page is hidden, until a curator publishes it.
    assert "Lymphoma Action" not in member_client.get(LIBRARY).content.decode()
    assert member_client.get(resource.get_absolute_url()).status_code == 404


def test_curator_publishes_a_suggestion_and_readers_see_it(
    member_client, user, curator, curator_client, client
):
    member_client.post(SUGGEST, suggestion())
    resource = Resource.objects.get()
    response = curator_client.post(reverse("resources:publish", args=[resource.slug]))
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.state == "published" and resource.reviewed_by == curator
    assert resource.reviewed_on is not None
    assert "Lymphoma Action" in client.get(LIBRARY).content.decode()
    assert client.get(resource.get_absolute_url()).status_code == 200
    note = Notification.objects.get(user=user)
    assert "now in the library" in note.title and note.url == resource.get_absolute_url()


def test_curator_edits_then_saves_and_publishes(member_client, curator_client):
    member_client.post(SUGGEST, suggestion())
    resource = Resource.objects.get()
    form = {
        "title": "Lymphoma Action (UK)",
        "slug": resource.slug,
        "kind": "organisation",
        "summary": "Information, a helpline and support groups.",
        "url": resource.url,
        "body": "",
        "action": "publish",
    }
    response = curator_client.post(reverse("resources:edit", args=[resource.slug]), form)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Lymphoma Action (UK)" and resource.state == "published"


def test_curator_declines_with_a_reason_the_member_reads(member_client, user, curator_client):
    member_client.post(SUGGEST, suggestion())
    resource = Resource.objects.get()
    url = reverse("resources:decline", args=[resource.slug])
    response = curator_client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    response = curator_client.post(url, {"reason": "We list UK charities through Macmillan."})
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.state == "declined"
    note = Notification.objects.get(user=user)
    assert note.body == "We list UK charities through Macmillan."


def test_bad_suggestion_keeps_the_typed_text_and_makes_nothing(member_client):
    response = member_client.post(
        SUGGEST, suggestion(url="not a web address", summary="Kind nurses on the phone.")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid URL" in html
    assert "Kind nurses on the phone." in html and 'value="Lymphoma Action"' in html
    assert not Resource.objects.exists() and not queue_items().exists()


def test_suggesting_an_address_already_listed_is_a_field_error_not_a_twin(member_client):
    ResourceFactory(url="https://lymphoma-action.org.uk/")
    response = member_client.post(SUGGEST, suggestion())
    assert response.status_code == 200
    assert "already in the library" in response.content.decode()
    assert Resource.objects.count() == 1 and not queue_items().exists()


def test_visitors_must_sign_in_to_suggest(client):
    response = client.post(SUGGEST, suggestion())
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Resource.objects.exists()


def test_slug_never_shadows_library_pages(member_client):
    member_client.post(SUGGEST, suggestion(title="Suggest", url="https://a.example.org/"))
    member_client.post(SUGGEST, suggestion(title="Suggest", url="https://b.example.org/"))
    assert sorted(Resource.objects.values_list("slug", flat=True)) == ["suggest-2", "suggest-3"]


def test_changing_the_address_resets_the_link_check(curator_client):
    resource = ResourceFactory(link_status="broken", link_failures=3, link_detail="HTTP 404")
    form = {
        "title": resource.title,
        "slug": resource.slug,
        "kind": resource.kind,
        "summary": resource.summary,
        "url": "https://new-home.example.org/",
        "body": "",
        "action": "save",
    }
    curator_client.post(reverse("resources:edit", args=[resource.slug]), form)
    resource.refresh_from_db()
    assert (resource.link_status, resource.link_failures) == ("unknown", 0)
    assert resource.state == "published"  # saving alone does not change the state


def test_curator_form_requires_an_address_or_a_text(curator_client):
    form = {"title": "Empty", "kind": "article", "summary": "Nothing here.", "url": "", "body": ""}
    response = curator_client.post(reverse("resources:new"), form)
    assert response.status_code == 200
    assert "Give a web address, a text, or both." in response.content.decode()
    assert not Resource.objects.exists()


def test_admin_bulk_publish(rf):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    drafts = [ResourceFactory(state="draft", reviewed_on=None) for _ in range(3)]
    request = rf.post("/admin/resources/resource/")
    request.user = admin_user
    model_admin = ResourceAdmin(Resource, site)
    model_admin.message_user = lambda *args, **kwargs: None
    model_admin.publish_selected(request, Resource.objects.filter(pk__in=[d.pk for d in drafts]))
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.state == "published" and draft.reviewed_by == admin_user


def test_suggestions_are_limited_per_member_per_day(member_client, settings):
    settings.RESOURCES_SUGGESTIONS_PER_DAY = 2
    for n in range(3):
        response = member_client.post(SUGGEST, suggestion(url=f"https://s{n}.example.org/"))
    assert response.status_code == 200
    assert "many suggestions today" in response.content.decode()
    assert Resource.objects.count() == 2 and queue_items().count() == 2


def test_moderation_hide_and_restore(member_client):
    """What moderation's queue actions do to a resource (the Moderatable contract)."""
    member_client.post(SUGGEST, suggestion())
    suggested = Resource.objects.get()
    adapter = adapter_for(suggested)
    assert adapter.author == suggested.suggested_by and adapter.group_id() is None
    assert "Their nurses helped me" in adapter.text_for_screening()
    adapter.hide(reason="spam")
    assert suggested.state == "declined" and suggested.curator_note == "spam"
    listed = ResourceFactory()
    adapter_for(listed).hide(reason="misinformation")
    assert Resource.objects.get(pk=listed.pk).state == "draft"
    adapter_for(listed).restore()
    assert Resource.objects.get(pk=listed.pk).state == "published"


def test_site_moderator_hiding_the_queue_item_declines_the_suggestion(member_client, client):
    """The whole path through the real moderation queue: claim, then hide."""
    member_client.post(SUGGEST, suggestion())
    moderator = UserFactory(is_staff=True)
    item = queue_items().get()
    item = queue.claim(item_id=item.pk, user=moderator, version=item.version)
    actions.do_hide(item_id=item.pk, user=moderator, version=item.version, reason="Advertising")
    resource = Resource.objects.get()
    assert (resource.state, resource.curator_note) == ("declined", "Advertising")
    assert client.get(resource.get_absolute_url()).status_code == 404
