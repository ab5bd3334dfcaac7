"""Invitations: facilitators create and withdraw them; the invited person accepts once, within
the expiry, through the same membership rules as every other way in."""

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups import invitations, services
from groups.models import GroupInvitation, Membership, MembershipEvent
from supportgroups.models import Notification
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    with_mfa,
)

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def group():
    return SupportGroupFactory(join_policy="invitation", is_listed=False, name="Quiet Harbour")


@pytest.fixture
def facilitator(group):
    return FacilitatorMembershipFactory(group=group).user


def invite_url(group) -> str:
    return reverse("groups:invite", kwargs={"slug": group.slug})


def link_page_url(group) -> str:
    return reverse("groups:invitation_link", kwargs={"slug": group.slug})


def make_link(client, group, days=7) -> str:
    """Create a link invitation through the tools page and return its path.

    The POST redirects (Post/Redirect/Get) to a page that shows the link once.
    """
    response = client.post(invite_url(group), {"display_name": "", "days": days})
    assert response.status_code == 302 and response.url == link_page_url(group)
    response = client.get(response.url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = response.context["link"]
    assert link.startswith(settings.SITE_URL)
    return link[len(settings.SITE_URL) :]


def state_of(user, group) -> str | None:
    membership = Membership.objects.filter(user=user, group=group).first()
    return membership.state if membership else None


# --- Creating ---------------------------------------------------------------------------------
def test_link_invitation_is_shown_once_and_stored_hashed(group, facilitator):
    path = make_link(logged_in(facilitator), group)
    token = path.rstrip("/").rsplit("/", 1)[1]
    invitation = GroupInvitation.objects.get()
    assert invitation.token_hash == invitations.hash_token(token)
    assert token not in invitation.token_hash
    assert invitation.created_by == facilitator and invitation.invitee is None
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(7)
    manage = logged_in(facilitator).get(reverse("groups:manage", kwargs={"slug": group.slug}))
    assert token not in manage.content.decode()  # listed for revoking, never shown again
    assert "Link" in manage.content.decode()


def test_reloading_the_link_page_shows_no_link_and_makes_no_new_invitation(group, facilitator):
    client = logged_in(facilitator)
    path = make_link(client, group)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert token not in str(dict(client.session))  # popped from the session once shown
    reload = client.get(link_page_url(group))
    assert reload.status_code == 200
    assert "no-store" in reload["Cache-Control"]
    body = reload.content.decode()
    assert token not in body and "was shown once" in body
    assert 'id="invitation-link"' not in body
    assert GroupInvitation.objects.count() == 1


def test_the_link_page_shows_only_this_groups_new_link(group, facilitator):
    """A link made for one group is not shown on another group's link page."""
    other = FacilitatorMembershipFactory(user=facilitator).group
    client = logged_in(facilitator)
    client.post(invite_url(group), {"display_name": "", "days": 7})
    assert client.get(link_page_url(other)).context["link"] is None
    assert client.get(link_page_url(group)).context["link"]


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member"])
def test_only_facilitators_open_the_link_page(group, who):
    client = {
        "anonymous": Client,
        "outsider": lambda: logged_in(UserFactory()),
        "member": lambda: logged_in(MembershipFactory(group=group).user),
    }[who]()
    assert client.get(link_page_url(group)).status_code == (403 if who == "member" else 404)


def test_open_invitations_can_be_told_apart(group, facilitator):
    client = logged_in(facilitator)
    make_link(client, group)
    make_link(client, group)
    first, second = GroupInvitation.objects.order_by("pk")
    assert first.label != second.label and len(first.label) == 6
    body = client.get(reverse("groups:manage", kwargs={"slug": group.slug})).content.decode()
    assert f'<code class="invitation-ref">{first.label}</code>' in body
    assert f'<code class="invitation-ref">{second.label}</code>' in body
    assert timezone.localtime(first.created_at).strftime("made %-d %b %Y, %H:%M") in body


def test_inviting_a_member_by_name_notifies_them_with_an_accept_link(group, facilitator):
    invitee = UserFactory(display_name="Robin Ash")
    response = logged_in(facilitator).post(
        invite_url(group), {"display_name": "robin ash", "days": 3}
    )
    assert response.status_code == 302
    invitation = GroupInvitation.objects.get()
    assert invitation.invitee == invitee
    note = Notification.objects.get(user=invitee)
    assert "Quiet Harbour" in note.title
    assert note.url.startswith("/groups/invitations/")
    assert invitations.hash_token(note.url.rstrip("/").rsplit("/", 1)[1]) == invitation.token_hash

    response = logged_in(invitee).post(note.url)
    assert response.status_code == 302 and response.url == group.get_absolute_url()
    assert state_of(invitee, group) == "active"
    event = MembershipEvent.objects.get(membership__user=invitee)
    assert event.kind == "invited" and facilitator.display_name in event.message


def test_reinviting_a_person_withdraws_their_older_invitation(group, facilitator):
    invitee = UserFactory()
    first, first_token = invitations.create(group=group, by=facilitator, invitee=invitee)
    invitations.create(group=group, by=facilitator, invitee=invitee)
    first.refresh_from_db()
    assert first.revoked_at is not None
    response = logged_in(invitee).post(invitations.accept_path(first_token))
    assert response.status_code == 410
    assert state_of(invitee, group) is None


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"display_name": "Nobody Here", "days": 7}, "No member has that display name."),
        ({"display_name": "", "days": 0}, "greater than or equal to 1"),
        ({"display_name": "", "days": "soon"}, "Enter a whole number."),
    ],
)
def test_bad_invitation_input_keeps_the_typed_text(group, facilitator, data, error):
    response = logged_in(facilitator).post(invite_url(group), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert error in body
    if data["display_name"]:
        assert f'value="{data["display_name"]}"' in body
    assert not GroupInvitation.objects.exists()


@pytest.mark.parametrize("state", ["active", "waitlisted", "removed"])
def test_people_already_in_or_removed_cannot_be_invited(group, facilitator, state):
    member = MembershipFactory(group=group, state=state).user
    response = logged_in(facilitator).post(
        invite_url(group), {"display_name": member.display_name, "days": 7}
    )
    assert response.status_code == 200
    assert "already a member" in response.content.decode() or "removed" in (
        response.content.decode()
    )
    assert not GroupInvitation.objects.exists()
    assert not Notification.objects.filter(user=member).exists()


def test_archived_group_takes_no_invitations(group, facilitator):
    group.is_archived = True
    group.save()
    response = logged_in(facilitator).post(invite_url(group), {"days": 7}, follow=True)
    assert "archived, so it is read-only" in response.content.decode()
    assert not GroupInvitation.objects.exists()
    with pytest.raises(ValidationError):
        invitations.create(group=group, by=facilitator)


def test_a_finished_cohort_takes_no_invitations(group, facilitator):
    today = timezone.localdate()
    group.kind = "cohort"
    group.cohort_starts_on = today - timedelta(days=60)
    group.cohort_ends_on = today - timedelta(days=2)
    group.save()
    response = logged_in(facilitator).post(invite_url(group), {"days": 7})
    assert response.status_code == 200
    assert "no longer takes new members" in response.content.decode()
    assert not GroupInvitation.objects.exists()


# --- Who may create and revoke ---------------------------------------------------------------
@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "other_facilitator"])
def test_only_facilitators_and_staff_create_invitations(group, who):
    clients = {
        "anonymous": Client,
        "outsider": lambda: logged_in(UserFactory()),
        "member": lambda: logged_in(MembershipFactory(group=group).user),
        "other_facilitator": lambda: logged_in(FacilitatorMembershipFactory().user),
    }
    response = clients[who]().post(invite_url(group), {"display_name": "", "days": 7})
    assert response.status_code == (403 if who == "member" else 404)
    assert not GroupInvitation.objects.exists()


def test_staff_may_invite(group):
    staff = with_mfa(UserFactory(is_staff=True))
    make_link(logged_in(staff), group)
    assert GroupInvitation.objects.get().created_by == staff


@pytest.mark.parametrize("who", ["outsider", "member", "other_facilitator"])
def test_only_facilitators_revoke(group, facilitator, who):
    invitation, _ = invitations.create(group=group, by=facilitator)
    person = {
        "outsider": UserFactory,
        "member": lambda: MembershipFactory(group=group).user,
        "other_facilitator": lambda: FacilitatorMembershipFactory().user,
    }[who]()
    url = reverse(
        "groups:revoke_invitation", kwargs={"slug": group.slug, "invitation_id": invitation.pk}
    )
    response = logged_in(person).post(url)
    assert response.status_code == (403 if who == "member" else 404)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_invitation_cannot_be_revoked_through_another_group(group, facilitator):
    invitation, _ = invitations.create(group=group, by=facilitator)
    other = FacilitatorMembershipFactory()
    url = reverse(
        "groups:revoke_invitation",
        kwargs={"slug": other.group.slug, "invitation_id": invitation.pk},
    )
    assert logged_in(other.user).post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_revoked_link_cannot_be_used(group, facilitator):
    client = logged_in(facilitator)
    path = make_link(client, group)
    invitation = GroupInvitation.objects.get()
    url = reverse(
        "groups:revoke_invitation", kwargs={"slug": group.slug, "invitation_id": invitation.pk}
    )
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # twice changes nothing
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    person = UserFactory()
    response = logged_in(person).post(path)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert "Quiet Harbour" not in response.content.decode()
    assert state_of(person, group) is None


def test_a_used_invitation_cannot_be_revoked(group, facilitator):
    invitation, token = invitations.create(group=group, by=facilitator)
    logged_in(UserFactory()).post(invitations.accept_path(token))
    url = reverse(
        "groups:revoke_invitation", kwargs={"slug": group.slug, "invitation_id": invitation.pk}
    )
    logged_in(facilitator).post(url)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and invitation.used_at is not None


# --- Accepting ----------------------------------------------------------------------------------
def test_link_accept_get_shows_the_group_and_post_joins(group, facilitator):
    path = make_link(logged_in(facilitator), group)
    person = UserFactory()
    client = logged_in(person)
    page = client.get(path)
    assert page.status_code == 200 and "Quiet Harbour" in page.content.decode()
    assert state_of(person, group) is None  # GET changes nothing
    assert client.post(path).status_code == 302
    assert state_of(person, group) == "active"
    invitation = GroupInvitation.objects.get()
    assert invitation.accepted_by == person and invitation.used_at is not None


def test_accepting_twice_is_idempotent(group, facilitator):
    _, token = invitations.create(group=group, by=facilitator)
    person = UserFactory()
    client = logged_in(person)
    client.post(invitations.accept_path(token))
    response = client.post(invitations.accept_path(token))
    assert response.status_code == 302
    assert Membership.objects.filter(user=person, group=group).count() == 1
    assert MembershipEvent.objects.filter(membership__user=person).count() == 1


def test_a_used_link_cannot_be_reused_by_someone_else(group, facilitator):
    _, token = invitations.create(group=group, by=facilitator)
    logged_in(UserFactory()).post(invitations.accept_path(token))
    second = UserFactory()
    response = logged_in(second).post(invitations.accept_path(token))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert "Quiet Harbour" not in response.content.decode()
    assert state_of(second, group) is None


def test_an_expired_invitation_says_so(group, facilitator):
    invitation, token = invitations.create(group=group, by=facilitator)
    GroupInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    person = UserFactory()
    response = logged_in(person).post(invitations.accept_path(token))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert "Quiet Harbour" not in response.content.decode()
    assert state_of(person, group) is None


def test_a_full_group_puts_the_invited_person_on_the_waitlist(group, facilitator):
    group.capacity = 1
    group.save()
    first = MembershipFactory(group=group).user
    _, token = invitations.create(group=group, by=facilitator)
    person = UserFactory()
    logged_in(person).post(invitations.accept_path(token))
    assert state_of(person, group) == "waitlisted"
    assert MembershipEvent.objects.get(membership__user=person).kind == "waitlisted"
    # A place frees up: the waitlist gets it, as for anyone else.
    services.leave(user=first, group=group)
    assert state_of(person, group) == "active"


def test_an_invitation_answers_a_pending_request(facilitator, group):
    member = MembershipFactory(group=group, state="pending").user
    _, token = invitations.create(group=group, by=facilitator, invitee=member)
    logged_in(member).post(invitations.accept_path(token))
    assert state_of(member, group) == "active"


def test_a_removed_person_cannot_come_back_through_a_link(group, facilitator):
    removed = MembershipFactory(group=group, state="removed").user
    invitation, token = invitations.create(group=group, by=facilitator)
    response = logged_in(removed).post(invitations.accept_path(token), follow=True)
    assert "removed you from this group" in response.content.decode()
    assert state_of(removed, group) == "removed"
    invitation.refresh_from_db()
    assert invitation.used_at is None  # still usable by the person it was meant for


@pytest.mark.parametrize("ending", ["archived", "cohort_ended"])
def test_archived_or_finished_groups_refuse_accepting(group, facilitator, ending):
    _, token = invitations.create(group=group, by=facilitator)
    if ending == "archived":
        group.is_archived = True
    else:
        today = timezone.localdate()
        group.kind = "cohort"
        group.cohort_starts_on = today - timedelta(days=60)
        group.cohort_ends_on = today - timedelta(days=2)
    group.save()
    person = UserFactory()
    logged_in(person).post(invitations.accept_path(token))
    assert state_of(person, group) is None


def test_a_running_cohort_waitlists_the_invited_person(group, facilitator):
    today = timezone.localdate()
    group.kind = "cohort"
    group.cohort_starts_on = today - timedelta(days=2)
    group.cohort_ends_on = today + timedelta(days=30)
    group.save()
    _, token = invitations.create(group=group, by=facilitator)
    person = UserFactory()
    logged_in(person).post(invitations.accept_path(token))
    assert state_of(person, group) == "waitlisted"


# --- Bad tokens --------------------------------------------------------------------------------
@pytest.mark.parametrize("token", ["nonsense", "x" * 500, "../../etc"])
def test_unknown_tokens_are_404_and_name_nothing(group, facilitator, token):
    invitations.create(group=group, by=facilitator)
    client = logged_in(UserFactory())
    for method in (client.get, client.post):
        response = method(f"/groups/invitations/{token}/")
        assert response.status_code == 404
        assert "Quiet Harbour" not in response.content.decode()


def test_opening_a_link_when_already_a_member_does_not_use_it_up(group, facilitator):
    member = MembershipFactory(group=group).user
    invitation, token = invitations.create(group=group, by=facilitator)
    client = logged_in(member)
    page = client.get(invitations.accept_path(token))
    body = page.content.decode()
    assert page.status_code == 200
    assert "You are already a member of this group" in body
    assert f'href="{group.get_absolute_url()}"' in body
    assert "Accept the invitation" not in body
    assert '<form method="post">' not in body  # the accept form (sign-out has an action)
    for _attempt in range(2):  # POSTing anyway is harmless, twice over
        assert client.post(invitations.accept_path(token)).status_code == 302
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert not MembershipEvent.objects.filter(membership__user=member).exists()
    assert state_of(member, group) == "active"


def test_the_person_who_used_the_link_is_told_they_are_a_member(group, facilitator):
    _, token = invitations.create(group=group, by=facilitator)
    person = UserFactory()
    client = logged_in(person)
    client.post(invitations.accept_path(token))
    body = client.get(invitations.accept_path(token)).content.decode()
    assert "You are already a member of this group" in body
    assert "Accept the invitation" not in body


def test_a_waitlisted_person_is_told_they_are_waiting(group, facilitator):
    MembershipFactory(group=group, state="waitlisted", user=(person := UserFactory()))
    _, token = invitations.create(group=group, by=facilitator)
    body = logged_in(person).get(invitations.accept_path(token)).content.decode()
    assert "already on this group's waitlist" in body
    assert "Accept the invitation" not in body


def test_a_used_link_does_not_let_its_user_back_in_after_leaving(group, facilitator):
    _, token = invitations.create(group=group, by=facilitator)
    person = UserFactory()
    client = logged_in(person)
    client.post(invitations.accept_path(token))
    services.leave(user=person, group=group)
    response = client.post(invitations.accept_path(token))
    assert response.status_code == 410
    assert "already used this invitation" in response.content.decode()
    assert state_of(person, group) == "left"


def test_a_personal_invitation_is_404_for_anyone_else(group, facilitator):
    invitee = UserFactory()
    _, token = invitations.create(group=group, by=facilitator, invitee=invitee)
    stranger = UserFactory()
    for method in ("get", "post"):
        response = getattr(logged_in(stranger), method)(invitations.accept_path(token))
        assert response.status_code == 404
        assert "Quiet Harbour" not in response.content.decode()
    assert state_of(stranger, group) is None
    assert GroupInvitation.objects.get().used_at is None


def test_signed_out_visitors_are_sent_to_sign_in_without_learning_the_group(group, facilitator):
    _, token = invitations.create(group=group, by=facilitator)
    response = Client().get(invitations.accept_path(token))
    assert response.status_code == 302
    assert "/accounts/" in response.url or "login" in response.url


def test_invitation_slug_is_reserved():
    group = SupportGroupFactory.build(slug="invitations")
    with pytest.raises(ValidationError):
        group.full_clean()


def test_admin_lists_invitations_read_only_without_the_hash(group, facilitator):
    invitation, _ = invitations.create(group=group, by=facilitator, invitee=UserFactory())
    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())  # staff reach /admin/ only with MFA
    client = logged_in(staff)
    listing = client.get("/admin/groups/groupinvitation/?q=Quiet")
    assert listing.status_code == 200 and "Quiet Harbour" in listing.content.decode()
    page = client.get(f"/admin/groups/groupinvitation/{invitation.pk}/change/")
    assert page.status_code == 200
    assert invitation.token_hash not in page.content.decode()
    assert client.get("/admin/groups/groupinvitation/add/").status_code == 403
