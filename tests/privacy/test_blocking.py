"""Blocking: collapsed for the blocker, and no contact either way."""

import pytest
from django.urls import reverse

from supportgroups.models import Block
from supportgroups.privacy import services
from supportgroups.privacy.permissions import can_contact
from supportgroups.privacy.selectors import blocked_user_ids
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_blocking_by_display_name_hides_and_stops_contact_both_ways(member_client, user):
    other = UserFactory(display_name="Loud Magpie")
    assert can_contact(user, other) and can_contact(other, user)

    response = member_client.post(reverse("privacy:blocks"), {"display_name": "loud magpie"})
    assert response.status_code == 302
    assert blocked_user_ids(user) == {other.pk}
    assert blocked_user_ids(other) == set()  # the blocked person's own view is unchanged
    assert not can_contact(other, user)
    assert not can_contact(user, other)

    page = member_client.get(reverse("privacy:blocks"))
    assert "Loud Magpie" in page.content.decode()


def test_blocking_twice_makes_one_row_and_unblocking_restores_contact(member_client, user):
    other = UserFactory()
    for _ in range(2):
        member_client.post(reverse("privacy:block", args=[other.pk]))
    assert Block.objects.filter(blocker=user, blocked=other).count() == 1
    member_client.post(reverse("privacy:unblock", args=[other.pk]))
    assert can_contact(other, user)


@pytest.mark.parametrize(
    ("typed", "error"),
    [("Nobody Here", "couldn&#x27;t find"), ("SELF", "can&#x27;t block yourself")],
)
def test_bad_names_get_a_field_error_and_keep_the_text(member_client, user, typed, error):
    user.display_name = "Self"
    user.save()
    response = member_client.post(reverse("privacy:blocks"), {"display_name": typed})
    assert response.status_code == 200
    body = response.content.decode()
    assert error in body
    assert f'value="{typed}"' in body
    assert not Block.objects.exists()


def test_the_service_refuses_self_blocks(user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.block(blocker=user, blocked=user)


def test_nobody_contacts_a_deactivated_or_memorialised_member(user):
    other = UserFactory()
    services.memorialise(user=other, by=None)
    other.refresh_from_db()
    assert not can_contact(user, other)


def test_blocked_ids_take_one_query(user, django_assert_num_queries):
    for other in UserFactory.create_batch(3):
        services.block(blocker=user, blocked=other)
    with django_assert_num_queries(1):  # the blocked ids, nothing per person
        assert len(blocked_user_ids(user)) == 3


def test_templates_get_blocked_ids_lazily(member_client, user, django_assert_max_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    from supportgroups.privacy.context_processors import privacy

    other = UserFactory(display_name="Loud Magpie")
    services.block(blocker=user, blocked=other)
    request = RequestFactory().get("/")
    request.user = user
    with django_assert_max_num_queries(0):
        context = privacy(request)  # nothing is read until a template asks
    html = Template(
        "{% if author.pk in blocked_ids %}"
        '{% include "privacy/_collapsed.html" with text="<p>loud words</p>" %}'
        "{% endif %}"
    ).render(Context({**context, "author": other}))
    assert "<details" in html and "you blocked Loud Magpie" in html and "loud words" in html
