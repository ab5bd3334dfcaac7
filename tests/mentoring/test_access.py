"""Who opens what: the mentor, the mentee, a coordinator, another member and a visitor, on
every mentoring page. Diagnosis details reach the coordinator and the matched mentor only;
the mentor's profile reaches the mentee once introduced; nothing shows in groups. The
coordinator's lists cost the same number of queries however long they are."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.mentoring import services
from groups.mentoring.models import MatchCheckIn
from tests.factories import MembershipFactory, UserFactory, client_for

from .conftest import make_coordinator, make_mentor, make_request, walk_to_active

pytestmark = pytest.mark.django_db
DIAGNOSIS = "Diagnosed in May, the scans frighten me"
PROFILE = "Happy to talk about going back to work"


@pytest.fixture
def people(coordinator):
    mentor_application = make_mentor("Mentor Max", comfortable_topics=PROFILE)
    mentee = UserFactory(display_name="Mentee Mia")
    request = make_request(mentee=mentee, topics=DIAGNOSIS)
    match = services.propose(request=request, mentor=mentor_application.user, by=coordinator)
    return {
        "match": match,
        "request": request,
        "application": mentor_application,
        "mentor": mentor_application.user,
        "mentee": mentee,
        "coordinator": coordinator,
        "member": UserFactory(display_name="Other Olga"),
        "visitor": None,
    }


def _status(person, url):
    response = client_for(person).get(url)
    return 302 if response.status_code == 302 else response.status_code


def _text(person, url):
    return client_for(person).get(url).content.decode()


MATRIX = {
    # page: mentor, mentee, coordinator, other member, visitor (302: the sign-in page)
    "home": (200, 200, 200, 200, 302),
    "match": (200, 200, 200, 404, 302),
    "coordinate": (404, 404, 200, 404, 302),
    "request": (404, 404, 200, 404, 302),
    "application": (404, 404, 200, 404, 302),
}
ROLES = ("mentor", "mentee", "coordinator", "member", "visitor")


def _urls(people):
    return {
        "home": reverse("mentoring:home"),
        "match": reverse("mentoring:match", args=[people["match"].pk]),
        "coordinate": reverse("mentoring:coordinate"),
        "request": reverse("mentoring:request", args=[people["request"].pk]),
        "application": reverse("mentoring:application", args=[people["application"].pk]),
    }


def test_every_page_for_every_role_once_introduced(people):
    services.respond(match=people["match"], by=people["mentor"], accept=True)
    services.introduce(
        match=people["match"], by=people["coordinator"], body="Hello", client_msg_id=uuid.uuid4()
    )
    urls = _urls(people)
    seen = {page: tuple(_status(people[r], url) for r in ROLES) for page, url in urls.items()}
    assert seen == MATRIX


def test_the_mentee_does_not_see_an_offer_and_nobody_else_sees_the_diagnosis(people):
    url = reverse("mentoring:match", args=[people["match"].pk])
    assert _status(people["mentee"], url) == 404
    assert DIAGNOSIS in _text(people["mentor"], url)  # to decide whether to accept
    assert DIAGNOSIS in _text(people["coordinator"], url)
    # Before the introduction the mentee's page does not exist; after it, the mentor's profile.
    services.respond(match=people["match"], by=people["mentor"], accept=True)
    assert _status(people["mentee"], url) == 404
    services.introduce(
        match=people["match"], by=people["coordinator"], body="Hi", client_msg_id=uuid.uuid4()
    )
    mentee_page = _text(people["mentee"], url)
    assert PROFILE in mentee_page and people["mentor"].email not in mentee_page
    assert DIAGNOSIS not in _text(people["member"], url)


def test_the_coordinator_reads_choices_as_words(people):
    people["request"].treatments = ["chemotherapy", "hormone"]
    people["request"].avoid = ["recurrence"]
    people["request"].save()
    page = _text(people["coordinator"], reverse("mentoring:request", args=[people["request"].pk]))
    assert "Chemotherapy, Hormone therapy" in page
    assert "Someone whose cancer came back" in page


def test_a_mentor_who_declined_no_longer_reads_the_diagnosis(people):
    services.respond(match=people["match"], by=people["mentor"], accept=False)
    url = reverse("mentoring:match", args=[people["match"].pk])
    assert _status(people["mentor"], url) == 200
    assert DIAGNOSIS not in _text(people["mentor"], url)


def test_matching_data_never_shows_in_the_mentees_group(people):
    group = MembershipFactory(user=people["mentee"]).group
    other = MembershipFactory(group=group).user
    services.respond(match=people["match"], by=people["mentor"], accept=True)
    for person in (other, people["mentee"]):
        page = _text(person, group.get_absolute_url())
        assert DIAGNOSIS not in page and "Mentor Max" not in page


def test_a_check_in_is_opened_by_its_person_only(people):
    services.respond(match=people["match"], by=people["mentor"], accept=True)
    match = services.introduce(
        match=people["match"], by=people["coordinator"], body="Hi", client_msg_id=uuid.uuid4()
    )
    check_in = MatchCheckIn.objects.create(
        match=match, person=people["mentee"], week=2, asked_at=match.introduced_at
    )
    url = reverse("mentoring:check_in", args=[check_in.pk])
    assert [_status(people[r], url) for r in ROLES] == [404, 200, 404, 404, 302]


def test_unknown_and_huge_ids_are_not_found(people):
    client = client_for(people["coordinator"])
    for name in ("match", "request", "application", "check_in"):
        for pk in (999999, 2**63):
            assert client.get(reverse(f"mentoring:{name}", args=[pk])).status_code == 404
    response = client.post(
        reverse("mentoring:request", args=[people["request"].pk]), {"mentor": str(2**70)}
    )
    assert response.status_code == 400


def test_a_staff_member_without_mfa_is_not_a_coordinator(people):
    staff = UserFactory(is_staff=True)
    assert _status(staff, reverse("mentoring:coordinate")) == 404


def _queries(person, url):
    client = client_for(person)
    client.get(url)  # warm the session and the permission cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_coordinators_pages_cost_the_same_however_many_rows(people):
    coordinator = people["coordinator"]
    make_mentor("Spare mentor")  # one suggestion already: the languages' query is paid
    request_url = reverse("mentoring:request", args=[people["request"].pk])
    list_url = reverse("mentoring:coordinate")
    few = (_queries(coordinator, list_url), _queries(coordinator, request_url))
    for n in range(4):
        mentor = make_mentor(f"More mentor {n}", capacity=2).user
        walk_to_active(make_request(), mentor, make_coordinator(f"Coordinator {n}"))
        make_request()
    assert (_queries(coordinator, list_url), _queries(coordinator, request_url)) == few


def test_a_withdrawn_request_never_names_the_mentor_who_was_asked(people):
    """Withdrawn before any introduction: the mentee learns nobody's name (being a mentor
    says something of one's own cancer), on the match page or their mentoring page."""
    services.respond(match=people["match"], by=people["mentor"], accept=True)
    services.withdraw(request=people["request"], by=people["mentee"])
    url = reverse("mentoring:match", args=[people["match"].pk])
    assert _status(people["mentee"], url) == 404
    home = _text(people["mentee"], reverse("mentoring:home"))
    assert people["mentor"].display_name not in home
