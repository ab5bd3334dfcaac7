import pytest
from django.urls import reverse

from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    ResourceFactory,
    UserFactory,
    client_for,
)

pytestmark = pytest.mark.django_db


def detail_url(resource) -> str:
    return reverse("resources:detail", args=[resource.slug])


def test_published_resource_is_public_with_review_date_and_safe_markdown(client):
    reviewer = UserFactory(display_name="Nurse Ada")
    resource = ResourceFactory(
        title="Fatigue guide",
        body="Rest **often**.\n\n<script>alert(1)</script>\n\n[more](javascript:alert(1))",
        reviewed_by=reviewer,
    )
    response = client.get(detail_url(resource))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>often</strong>" in html
    assert "<script>alert(1)</script>" not in html and "javascript:" not in html
    assert "Reviewed on" in html and "Nurse Ada" in html
    assert reviewer.email not in html


@pytest.mark.parametrize("state", ["draft", "declined"])
def test_unpublished_resource_is_404_for_visitors_and_members(client, member_client, state):
    resource = ResourceFactory(state=state)
    assert client.get(detail_url(resource)).status_code == 404
    assert member_client.get(detail_url(resource)).status_code == 404
    assert resource.title not in member_client.get(reverse("resources:library")).content.decode()


def test_drafts_are_visible_to_staff_curators_and_facilitators(staff_client, curator_client):
    resource = ResourceFactory(state="draft")
    facilitator = FacilitatorMembershipFactory().user
    for client in (staff_client, curator_client, client_for(facilitator)):
        response = client.get(detail_url(resource))
        assert response.status_code == 200
        assert "only curators see this" in response.content.decode()


def test_plain_member_of_a_group_is_not_a_curator(member_client, user):
    MembershipFactory(user=user)
    assert member_client.get(reverse("resources:review")).status_code == 403
    resource = ResourceFactory(state="draft")
    assert member_client.get(reverse("resources:edit", args=[resource.slug])).status_code == 403
    response = member_client.post(reverse("resources:publish", args=[resource.slug]))
    assert response.status_code == 403
    resource.refresh_from_db()
    assert resource.state == "draft"


def test_visitors_are_sent_to_sign_in_for_curator_pages(client):
    response = client.get(reverse("resources:review"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_review_queue_lists_suggestions_and_broken_links(curator_client):
    ResourceFactory(title="Suggested site", state="draft", is_suggestion=True)
    ResourceFactory(title="Old site", link_status="broken", link_detail="HTTP 404")
    ResourceFactory(title="Good site")
    html = curator_client.get(reverse("resources:review")).content.decode()
    assert "Suggested site" in html and "Old site" in html and "HTTP 404" in html
    assert "Good site" not in html


def test_broken_link_on_the_resource_page_is_described_by_the_warning(client):
    resource = ResourceFactory(link_status="broken")
    html = client.get(detail_url(resource)).content.decode()
    assert "This link may not work" in html
    assert f'aria-describedby="link-warning-{resource.pk}"' in html


def test_resource_page_query_count(client, django_assert_num_queries):
    resource = ResourceFactory(tags={})
    # resource + reviewer/suggester (1), five tag lists (5).
    with django_assert_num_queries(6):
        assert client.get(detail_url(resource)).status_code == 200
