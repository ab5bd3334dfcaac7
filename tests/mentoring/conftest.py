"""People for the mentoring tests: a coordinator (the permission and MFA), approved mentors
made with `make_mentor`, requests made with `make_request`, and a match walked to any state."""

import uuid

import pytest
from django.contrib.auth.models import Permission

from groups.mentoring import services
from groups.mentoring.models import MentorApplication, MentorRequest
from tests.factories import CancerTypeFactory, LanguageFactory, UserFactory, with_mfa


def make_coordinator(name="Coordinator Cora"):
    user = with_mfa(UserFactory(display_name=name))
    user.user_permissions.add(Permission.objects.get(codename="coordinate"))
    return user


@pytest.fixture
def coordinator(db):
    return make_coordinator()


@pytest.fixture
def lung(db):
    return CancerTypeFactory(name="Lung cancer", slug="lung")


@pytest.fixture
def english(db):
    return LanguageFactory(code="en", name="English")


@pytest.fixture
def spanish(db):
    return LanguageFactory(code="es", name="Spanish")


def make_mentor(name, *, languages=(), approved=True, **fields):
    """An application, screened and approved unless `approved=False`."""
    details = {
        "role": MentorApplication.Role.SURVIVOR,
        "age_range": "50s",
        "time_zone": "Europe/London",
        "capacity": 1,
        **fields,
    }
    user = UserFactory(display_name=name)
    application = MentorApplication.objects.create(user=user, **details)
    application.languages.set(languages)
    if approved:
        application.interview_done_at = application.created_at
        application.training_done_at = application.created_at
        application.agreement_signed_at = application.created_at
        application.state = MentorApplication.State.APPROVED
        application.approved_at = application.created_at
        application.save()
    return application


def make_request(mentee=None, *, languages=(), **fields):
    details = {
        "role": MentorRequest.Role.PATIENT,
        "age_range": "50s",
        "time_zone": "Europe/London",
        "topics": "Getting through chemo with small children at home",
        "weight_cancer": 0,
        "weight_age": 0,
        "weight_role": 0,
        "weight_language": 0,
        "weight_treatment": 0,
        **fields,
    }
    request = MentorRequest.objects.create(mentee=mentee or UserFactory(), **details)
    request.languages.set(languages)
    return request


def walk_to_active(request, mentor, coordinator, body="Hello you two, meet each other."):
    """Propose, accept and introduce: the match and its conversation."""
    match = services.propose(request=request, mentor=mentor, by=coordinator)
    services.respond(match=match, by=mentor, accept=True)
    return services.introduce(match=match, by=coordinator, body=body, client_msg_id=uuid.uuid4())
