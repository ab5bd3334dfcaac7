"""The header's "Reports" link: shown to staff, organisation leads and facilitators, never to
members or visitors; it costs no query once worked out, and appears or goes at the next page
after someone becomes a facilitator or a lead, or stops being one."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from groups import services as groups
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    UserFactory,
    client_for,
)
from tests.header import home, without_processor

from .builders import organisation_lead

pytestmark = pytest.mark.django_db

LINK = '<a class="nav-link" href="/reports/">Reports</a>'


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("visitor", False),
        ("member", False),
        ("facilitator", True),
        ("staff", True),
        ("lead", True),
    ],
)
def test_who_sees_the_link_and_that_it_costs_no_query(who, shown, settings):
    make = {
        "visitor": lambda: None,
        "member": lambda: MembershipFactory().user,
        "facilitator": lambda: FacilitatorMembershipFactory().user,
        "staff": lambda: UserFactory(is_staff=True),
        "lead": lambda: organisation_lead(mfa=False),
    }
    person = make[who]()
    client = client_for(person) if person else Client()
    home(client)  # warm per-process caches, and the link's answer
    html, with_link = home(client)
    assert (LINK in html) is shown
    without_processor(settings, "reports.context_processors.reports")
    html, without_link = home(client)
    assert LINK not in html
    assert with_link == without_link


def test_the_link_follows_a_new_facilitator_and_a_new_lead(django_capture_on_commit_callbacks):
    membership = MembershipFactory()
    facilitator = FacilitatorMembershipFactory(group=membership.group).user
    client = client_for(membership.user)
    assert LINK not in home(client)[0]
    with django_capture_on_commit_callbacks(execute=True):
        groups.promote(membership=membership, by=facilitator)
    assert LINK in home(client)[0]
    with django_capture_on_commit_callbacks(execute=True):
        groups.demote(membership=membership, by=membership.user)
    assert LINK not in home(client)[0]

    leads = Group.objects.create(name="Clinical leads")
    with django_capture_on_commit_callbacks(execute=True):
        membership.user.groups.add(leads)
    assert LINK not in home(client)[0]
    with django_capture_on_commit_callbacks(execute=True):
        leads.permissions.add(Permission.objects.get(codename="view_organisation_reports"))
    assert LINK in home(client)[0]
    with django_capture_on_commit_callbacks(execute=True):
        membership.user.groups.remove(leads)
    assert LINK not in home(client)[0]
