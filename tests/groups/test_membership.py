"""The membership state machine: join, request, waitlist, approve, decline, leave, remove,
promote, cohorts and alumni, with the history, notifications and emails each change leaves."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from groups import activity, permissions, selectors, services, tasks
from groups.models import Membership, MembershipEvent, SupportGroup
from supportgroups.models import Notification, NotificationPreference
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)
from tests.live import ACCESS_CHANGED, listen_to_person

pytestmark = pytest.mark.django_db
State = Membership.State
Kind = MembershipEvent.Kind


def kinds(membership):
    return list(membership.events.order_by("created_at", "id").values_list("kind", flat=True))


@pytest.fixture
def facilitator():
    return UserFactory(display_name="Fran Facilitator")


@pytest.fixture
def open_group(facilitator):
    group = SupportGroupFactory(join_policy="open")
    FacilitatorMembershipFactory(group=group, user=facilitator)
    return group


@pytest.fixture
def approval_group(facilitator):
    group = SupportGroupFactory(join_policy="approval")
    FacilitatorMembershipFactory(group=group, user=facilitator)
    return group


def test_open_group_join_is_active_at_once_and_twice_is_idempotent(open_group, user):
    first = services.join(user=user, group=open_group)
    second = services.join(user=user, group=open_group)
    assert first.pk == second.pk
    assert second.state == State.ACTIVE and second.joined_at is not None
    assert Membership.objects.filter(user=user, group=open_group).count() == 1
    assert kinds(second) == [Kind.JOINED]


def test_request_notifies_facilitators_in_app_and_enqueues_email_on_commit(
    approval_group, user, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        membership = services.join(user=user, group=approval_group, note="I was diagnosed in May.")
    assert membership.state == State.PENDING
    assert membership.join_note == "I was diagnosed in May."
    emails = [
        c for c in callbacks if getattr(c, "func", None) == tasks.send_membership_event_email.delay
    ]
    assert len(emails) == 1, "one email task, enqueued only after commit"
    note = Notification.objects.get(user=facilitator)
    assert user.display_name in note.title
    assert note.url == f"/groups/{approval_group.slug}/manage/"

    event = membership.events.get()
    assert tasks.send_membership_event_email(event.pk) == 1
    assert mail.outbox[0].to == [facilitator.email]
    assert "I was diagnosed in May." in mail.outbox[0].body
    assert user.email not in mail.outbox[0].body, "a member's email is never shown to others"


def test_approve_and_decline_tell_the_person_with_the_message(approval_group, facilitator):
    yes, no = UserFactory(), UserFactory()
    m_yes = services.join(user=yes, group=approval_group)
    m_no = services.join(user=no, group=approval_group)

    services.approve(membership=m_yes, by=facilitator, message="See you Tuesday")
    services.decline(membership=m_no, by=facilitator, message="This group is for caregivers.")

    m_yes.refresh_from_db()
    m_no.refresh_from_db()
    assert (m_yes.state, m_no.state) == (State.ACTIVE, State.DECLINED)
    assert kinds(m_no) == [Kind.REQUESTED, Kind.DECLINED]
    decline_event = m_no.events.get(kind=Kind.DECLINED)
    assert decline_event.actor == facilitator
    assert decline_event.message == "This group is for caregivers."
    assert Notification.objects.filter(user=no, body="This group is for caregivers.").exists()

    tasks.send_membership_event_email(decline_event.pk)
    assert mail.outbox[-1].to == [no.email]
    assert "This group is for caregivers." in mail.outbox[-1].body


def test_a_declined_person_may_ask_again_on_the_same_row(approval_group, facilitator, user):
    membership = services.join(user=user, group=approval_group)
    services.decline(membership=membership, by=facilitator)
    again = services.join(user=user, group=approval_group, note="Second try")
    assert again.pk == membership.pk and again.state == State.PENDING
    assert kinds(again) == [Kind.REQUESTED, Kind.DECLINED, Kind.REQUESTED]


def test_deciding_twice_is_harmless_and_deciding_the_undecidable_is_refused(
    approval_group, facilitator, user
):
    membership = services.join(user=user, group=approval_group)
    services.approve(membership=membership, by=facilitator)
    services.approve(membership=membership, by=facilitator)
    assert kinds(membership) == [Kind.REQUESTED, Kind.APPROVED]
    with pytest.raises(services.MembershipError):
        services.decline(membership=membership, by=facilitator)


def test_full_group_waitlists_and_promotes_in_order_when_places_free(open_group, facilitator):
    open_group.capacity = 2
    open_group.save()
    a, b, c, d = (UserFactory() for _ in range(4))
    for person in (a, b, c, d):
        services.join(user=person, group=open_group)
    states = dict(Membership.objects.filter(group=open_group).values_list("user_id", "state"))
    assert [states[p.pk] for p in (a, b, c, d)] == ["active", "active", "waitlisted", "waitlisted"]
    assert [m.user for m in selectors.waitlist(group=open_group)] == [c, d]

    services.leave(user=a, group=open_group)
    states = dict(Membership.objects.filter(group=open_group).values_list("user_id", "state"))
    assert states[c.pk] == "active", "the first on the waitlist gets the place"
    assert states[d.pk] == "waitlisted"
    admitted = Membership.objects.get(user=c, group=open_group)
    assert kinds(admitted) == [Kind.WAITLISTED, Kind.ADMITTED]
    assert Notification.objects.filter(user=c, title__contains="place opened").exists()

    services.remove(membership=Membership.objects.get(user=b, group=open_group), by=facilitator)
    assert Membership.objects.get(user=d, group=open_group).state == State.ACTIVE


def test_approval_at_capacity_puts_the_person_on_the_waitlist(approval_group, facilitator):
    approval_group.capacity = 1
    approval_group.save()
    MembershipFactory(group=approval_group)
    membership = services.join(user=UserFactory(), group=approval_group)
    services.approve(membership=membership, by=facilitator)
    membership.refresh_from_db()
    assert membership.state == State.WAITLISTED
    with pytest.raises(services.MembershipError, match="no free place"):
        services.approve(membership=membership, by=facilitator)


def test_raising_capacity_offers_new_places_to_the_waitlist(open_group, facilitator):
    open_group.capacity = 1
    open_group.save()
    services.join(user=UserFactory(), group=open_group)
    waiting = services.join(user=UserFactory(), group=open_group)
    assert waiting.state == State.WAITLISTED
    services.update_group(group=open_group, by=facilitator, data={"capacity": 2})
    waiting.refresh_from_db()
    assert waiting.state == State.ACTIVE


def test_leaving_and_coming_back_keeps_the_history(open_group, user):
    services.join(user=user, group=open_group)
    services.leave(user=user, group=open_group)
    membership = services.join(user=user, group=open_group)
    assert membership.state == State.ACTIVE
    assert kinds(membership) == [Kind.JOINED, Kind.LEFT, Kind.JOINED]


def test_removed_people_cannot_rejoin(open_group, facilitator, user):
    membership = services.join(user=user, group=open_group)
    services.remove(membership=membership, by=facilitator, message="Repeated abuse")
    with pytest.raises(services.MembershipError, match="removed"):
        services.join(user=user, group=open_group)
    assert membership.events.get(kind=Kind.REMOVED).message == "Repeated abuse"


def test_archived_and_invitation_only_groups_refuse_joins(user):
    archived = SupportGroupFactory(is_archived=True)
    invitation = SupportGroupFactory(join_policy="invitation")
    with pytest.raises(services.MembershipError, match="archived"):
        services.join(user=user, group=archived)
    with pytest.raises(services.MembershipError, match="invitation"):
        services.join(user=user, group=invitation)
    assert not Membership.objects.filter(user=user).exists()


def test_last_facilitator_cannot_leave_but_can_after_promoting_someone(open_group, facilitator):
    with pytest.raises(services.MembershipError, match="needs a facilitator"):
        services.leave(user=facilitator, group=open_group)
    member = services.join(user=UserFactory(), group=open_group)
    services.promote(membership=member, by=facilitator)
    member.refresh_from_db()
    assert member.is_facilitator
    services.leave(user=facilitator, group=open_group)
    assert Membership.objects.get(user=facilitator, group=open_group).state == State.LEFT


def test_screening_answers_are_required_and_kept(approval_group, user):
    approval_group.screening_questions = "When were you diagnosed?\n\nWhat do you hope for?"
    approval_group.save()
    with pytest.raises(services.MembershipError, match="answer every question"):
        services.join(user=user, group=approval_group, answers={"When were you diagnosed?": "May"})
    answers = {"When were you diagnosed?": "May", "What do you hope for?": "Company"}
    membership = services.join(user=user, group=approval_group, answers=answers)
    assert membership.screening_answers == answers


def test_cohort_closes_when_it_starts_and_is_read_only_when_it_ends(user):
    today = datetime.date.today()
    cohort = SupportGroupFactory(
        kind="cohort",
        time_zone="UTC",
        cohort_starts_on=today - datetime.timedelta(days=3),
        cohort_ends_on=today + datetime.timedelta(days=30),
    )
    membership = services.join(user=user, group=cohort)
    assert membership.state == State.WAITLISTED, "closed: the waitlist is for the next cohort"
    assert not cohort.is_read_only
    # A place freeing up in a running cohort is not offered: it stays closed.
    leaver = MembershipFactory(group=cohort)
    services.leave(user=leaver.user, group=cohort)
    membership.refresh_from_db()
    assert membership.state == State.WAITLISTED

    cohort.cohort_ends_on = today - datetime.timedelta(days=1)
    cohort.save()
    assert cohort.is_read_only
    member = MembershipFactory(group=cohort).user
    assert permissions.can_view_private(member, cohort)
    assert not permissions.can_contribute(member, cohort)


def test_hand_on_to_alumni_group(facilitator):
    alumni = SupportGroupFactory(join_policy="approval")
    cohort = SupportGroupFactory(kind="cohort", alumni_group=alumni)
    FacilitatorMembershipFactory(group=cohort, user=facilitator)
    with pytest.raises(services.MembershipError, match="alumni group's facilitators"):
        services.hand_on_to_alumni(group=cohort, by=facilitator)
    FacilitatorMembershipFactory(group=alumni, user=facilitator)
    stayers = [MembershipFactory(group=cohort).user for _ in range(2)]
    already = MembershipFactory(group=cohort).user
    MembershipFactory(group=alumni, user=already)
    gone = MembershipFactory(group=cohort, state="left").user

    assert services.hand_on_to_alumni(group=cohort, by=facilitator) == 2
    in_alumni = set(
        Membership.objects.filter(group=alumni, state=State.ACTIVE, role="member").values_list(
            "user", flat=True
        )
    )
    assert in_alumni == {p.pk for p in [*stayers, already]}
    assert gone.pk not in in_alumni
    assert services.hand_on_to_alumni(group=cohort, by=facilitator) == 0, "idempotent"
    assert Notification.objects.filter(user=stayers[0], title__contains=alumni.name).exists()


def test_record_activity_is_throttled(open_group, user):
    membership = services.join(user=user, group=open_group)
    first = membership.last_active_at
    activity.record_activity(user=user, group=open_group)
    membership.refresh_from_db()
    assert membership.last_active_at == first, "written at most once an hour"
    Membership.objects.filter(pk=membership.pk).update(
        last_active_at=first - datetime.timedelta(days=2)
    )
    activity.record_activity(user=user, group=open_group)
    membership.refresh_from_db()
    assert membership.last_active_at > first


def test_reserved_slug_is_rejected():
    group = SupportGroupFactory.build(slug="mine")
    with pytest.raises(ValidationError):
        group.full_clean()
    assert SupportGroup.objects.count() == 0


def test_leaving_and_removal_tell_the_persons_open_sockets(
    open_group, facilitator, django_capture_on_commit_callbacks
):
    leaver = services.join(user=UserFactory(), group=open_group)
    removed = services.join(user=UserFactory(), group=open_group)
    ears = {u.pk: listen_to_person(u) for u in (leaver.user, removed.user, facilitator)}
    with django_capture_on_commit_callbacks(execute=True):
        services.leave(user=leaver.user, group=open_group)
        services.remove(membership=removed, by=facilitator)
    heard = {user_id: listener.heard() for user_id, listener in ears.items()}
    assert heard == {
        leaver.user_id: [ACCESS_CHANGED],
        removed.user_id: [ACCESS_CHANGED],
        facilitator.pk: [],
    }


def test_people_who_switched_off_group_email_are_told_in_app_only(approval_group, facilitator):
    NotificationPreference.objects.create(user=facilitator, kind="group", email=False)
    membership = services.join(user=UserFactory(), group=approval_group)
    assert Notification.objects.filter(user=facilitator).count() == 1
    assert tasks.send_membership_event_email(membership.events.get().pk) == 0
    assert mail.outbox == []


def test_co_facilitators_step_down_or_are_stepped_down_but_a_group_keeps_one(
    open_group, facilitator, client, django_capture_on_commit_callbacks
):
    colleague = services.promote(membership=MembershipFactory(group=open_group), by=facilitator)
    mine = Membership.objects.get(group=open_group, user=facilitator)
    # Another facilitator (through the group's tools) ends a colleague's co-facilitation.
    client.force_login(facilitator)
    ear = listen_to_person(colleague.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/groups/{open_group.slug}/manage/{colleague.pk}/demote/",
            {"message": "Thank you for covering the summer"},
        )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == "member" and colleague.is_active  # still a member
    assert not permissions.can_manage(colleague.user, open_group)
    assert ear.heard() == [ACCESS_CHANGED]  # their open moderation sockets re-check at once
    assert kinds(colleague)[-1] == Kind.DEMOTED
    assert colleague.user.notifications.filter(
        title=f"You are no longer a co-facilitator of {open_group.name}"
    ).exists()
    demoted = colleague.events.get(kind=Kind.DEMOTED)
    assert tasks.send_membership_event_email(demoted.pk) == 1
    assert "Thank you for covering the summer" in mail.outbox[-1].body

    # The last facilitator cannot step down; with a colleague again, they can (nobody told).
    with pytest.raises(ValidationError, match="needs a facilitator"):
        services.demote(membership=mine, by=facilitator)
    services.promote(membership=colleague, by=facilitator)
    services.demote(membership=mine, by=facilitator)
    mine.refresh_from_db()
    assert mine.role == "member" and kinds(mine)[-1] == Kind.STEPPED_DOWN
    assert not facilitator.notifications.filter(title__contains="no longer").exists()


def test_members_cannot_demote_anyone(open_group, facilitator, client):
    member = MembershipFactory(group=open_group)
    client.force_login(member.user)
    mine = Membership.objects.get(group=open_group, user=facilitator)
    response = client.post(f"/groups/{open_group.slug}/manage/{mine.pk}/demote/", {})
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.role == "facilitator"
