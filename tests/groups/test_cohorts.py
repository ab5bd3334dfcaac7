"""Cohort succession: a cohort's waitlist is offered the next cohort's places in order, each
offer time-limited; declining or expiry passes the place on; screening answers travel only with
consent; two facilitators opening at once make one set of offers."""

import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connections, transaction
from django.urls import reverse

from groups import cohorts, services, tasks
from groups.models import CohortOffer, Membership, SupportGroup
from supportgroups.models import Notification
from tests.factories import (
    FacilitatorMembershipFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
)
from tests.groups.test_race import _lock_waiters

NOW = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)


def _cohorts(capacity=2):
    """A running cohort (started, so joining it means its waitlist) naming its successor."""
    nxt = SupportGroupFactory(
        name="Spring cohort",
        kind="cohort",
        cohort_starts_on=date(2027, 4, 1),
        capacity=capacity,
        screening_questions="What brings you here?",
    )
    first = SupportGroupFactory(
        name="Winter cohort",
        kind="cohort",
        cohort_starts_on=date(2027, 1, 10),
        screening_questions="What brings you here?",
        next_cohort=nxt,
    )
    facilitator = FacilitatorMembershipFactory(group=first).user
    FacilitatorMembershipFactory(group=nxt, user=facilitator)
    return first, nxt, facilitator


def _wait(group, n):
    people = []
    for i in range(n):
        person = UserFactory(display_name=f"Waiting {i}")
        with time_machine.travel(NOW - timedelta(days=10 - i), tick=False):
            membership = services.join(
                user=person, group=group, answers={"What brings you here?": f"answer {i}"}
            )
        assert membership.state == "waitlisted"
        people.append(person)
    return people


def _offer_of(person):
    return CohortOffer.objects.get(waiting__user=person)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
def test_opening_offers_places_in_waitlist_order_and_the_rest_stay_waiting(clock):
    first, nxt, facilitator = _cohorts(capacity=2)
    a, b, c = _wait(first, 3)
    response = client_for(facilitator).post(reverse("groups:open_next_cohort", args=[first.slug]))
    assert response.status_code == 302
    offered = list(
        CohortOffer.objects.order_by("offered_at", "id").values_list("waiting__user", "state")
    )
    assert offered == [(a.pk, "open"), (b.pk, "open")]
    assert _offer_of(a).expires_at == NOW + timedelta(hours=cohorts.OFFER_HOURS)
    assert Membership.objects.get(user=c, group=first).state == "waitlisted"
    note = Notification.objects.get(
        user=a, title="A place in Spring cohort is yours if you want it"
    )
    assert note.url == f"/groups/{nxt.slug}/offers/{_offer_of(a).pk}/"
    assert tasks.send_cohort_offer_email(_offer_of(a).pk) == 1
    assert "Spring cohort" in mail.outbox[0].subject and note.url in mail.outbox[0].body
    # Opening twice makes no second set.
    with pytest.raises(services.MembershipError):
        cohorts.open_next_cohort(group=first, by=facilitator)
    assert CohortOffer.objects.count() == 2


@pytest.mark.django_db
def test_accepting_joins_the_next_cohort_and_answers_travel_only_with_consent(clock):
    first, nxt, facilitator = _cohorts(capacity=2)
    a, b = _wait(first, 2)
    cohorts.open_next_cohort(group=first, by=facilitator)
    page = reverse("groups:cohort_offer", args=[nxt.slug, _offer_of(a).pk])
    assert "Share my answers" in client_for(a).get(page).content.decode()
    assert client_for(b).get(page).status_code == 404  # someone else's offer
    assert client_for(a).post(page, {"answer": "accept", "share_answers": "on"}).status_code == 302
    cohorts.accept(offer=_offer_of(b), user=b, share_answers=False)

    joined_a = Membership.objects.get(user=a, group=nxt)
    joined_b = Membership.objects.get(user=b, group=nxt)
    assert joined_a.state == joined_b.state == "active"
    assert joined_a.screening_answers == {"What brings you here?": "answer 0"}
    assert joined_b.screening_answers == {}
    assert Membership.objects.get(user=a, group=first).state == "left"  # off the old waitlist
    assert _offer_of(a).state == "accepted"
    with pytest.raises(services.MembershipError):  # answered already
        cohorts.decline(offer=_offer_of(a), user=a)


@pytest.mark.django_db
def test_declining_passes_the_place_to_the_next_person_waiting(clock):
    first, nxt, facilitator = _cohorts(capacity=1)
    a, b, c = _wait(first, 3)
    cohorts.open_next_cohort(group=first, by=facilitator)
    page = reverse("groups:cohort_offer", args=[nxt.slug, _offer_of(a).pk])
    assert client_for(a).post(page, {"answer": "decline"}).status_code == 302
    assert _offer_of(a).state == "declined"
    assert _offer_of(b).state == "open"
    assert not CohortOffer.objects.filter(waiting__user=c).exists()
    assert Membership.objects.get(user=a, group=first).state == "waitlisted"  # still waiting


@pytest.mark.django_db
def test_an_unanswered_offer_expires_by_the_beat_task_and_passes_on(clock):
    first, nxt, facilitator = _cohorts(capacity=1)
    a, b = _wait(first, 2)
    cohorts.open_next_cohort(group=first, by=facilitator)
    clock.move_to(NOW + timedelta(hours=cohorts.OFFER_HOURS) - timedelta(seconds=1))
    assert tasks.expire_cohort_offers() == 0
    clock.move_to(NOW + timedelta(hours=cohorts.OFFER_HOURS))
    assert tasks.expire_cohort_offers() == 1
    assert tasks.expire_cohort_offers() == 0
    assert _offer_of(a).state == "expired"
    late = _offer_of(b)
    assert late.state == "open" and late.expires_at == NOW + timedelta(
        hours=2 * cohorts.OFFER_HOURS
    )
    with pytest.raises(services.MembershipError):  # too late to accept
        cohorts.accept(offer=_offer_of(a), user=a, share_answers=False)
    assert not Membership.objects.filter(user=a, group=nxt).exists()


@pytest.mark.django_db
def test_the_group_page_links_to_the_next_cohort_and_only_its_facilitators_open_it(clock):
    first, nxt, facilitator = _cohorts()
    page = client_for(None).get(first.get_absolute_url()).content.decode()
    assert f'href="/groups/{nxt.slug}/"' in page and "The next cohort: Spring cohort" in page
    only_first = FacilitatorMembershipFactory(group=first).user
    response = client_for(only_first).post(reverse("groups:open_next_cohort", args=[first.slug]))
    assert response.status_code == 403
    assert CohortOffer.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_facilitators_opening_at_once_make_one_set_of_offers(clock):
    first, nxt, facilitator = _cohorts(capacity=2)
    other = FacilitatorMembershipFactory(group=first).user
    FacilitatorMembershipFactory(group=nxt, user=other)
    _wait(first, 3)
    outcomes: list[object] = []

    def open_it(user):
        try:
            outcomes.append(len(cohorts.open_next_cohort(group=first, by=user)))
        except services.MembershipError as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_it, args=(u,)) for u in (facilitator, other)]
    with transaction.atomic():
        SupportGroup.objects.select_for_update().get(pk=first.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while _lock_waiters() < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    for thread in threads:
        thread.join(20)
    assert [o for o in outcomes if isinstance(o, int)] == [2]  # one set of two offers
    assert sum(isinstance(o, services.MembershipError) for o in outcomes) == 1
    assert CohortOffer.objects.count() == 2


@pytest.mark.django_db
def test_someone_declined_off_the_waitlist_cannot_take_their_open_offer(clock):
    """The offer was made to a place on the waitlist: declined off it by a facilitator, the
    person is not let into the next cohort, and the decision stands."""
    first, nxt, facilitator = _cohorts(capacity=1)
    [person] = _wait(first, 1)
    cohorts.open_next_cohort(group=first, by=facilitator)
    waiting = Membership.objects.get(user=person, group=first)
    services.decline(membership=waiting, by=facilitator)

    page = client_for(person).post(
        reverse("groups:cohort_offer", args=[nxt.slug, _offer_of(person).pk]),
        {"answer": "accept"},
        follow=True,
    )
    assert "This offer is no longer open." in page.content.decode()
    assert not Membership.objects.filter(user=person, group=nxt).exists()
    assert Membership.objects.get(user=person, group=first).state == "declined"
