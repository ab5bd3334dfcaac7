"""Accounts through the real allauth views: sign-up, verification, sign-in, profile, staff MFA."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
)
from django.core import mail
from django.urls import reverse

from supportgroups.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


CONSENT = {"confirm_age": "on", "consent_health": "on"}  # privacy's sign-up boxes


def totp_code(secret: str) -> str:
    """What an authenticator app would show right now for this secret."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_up_verify_sign_in_and_edit_profile(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "river@example.org",
            "display_name": "Quiet River",
            "time_zone": "Europe/Paris",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **CONSENT,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    person = User.objects.get(email="river@example.org")
    assert person.display_name == "Quiet River" and person.time_zone == "Europe/Paris"

    # Mandatory verification: no way in until the emailed link is followed.
    assert sign_in(client, "river@example.org").url == reverse("account_email_verification_sent")
    assert client.get(reverse("profile")).status_code == 302

    assert len(mail.outbox) == 1  # the refused sign-in does not re-send within 3 minutes
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    confirm = client.get(link.group(1))
    assert confirm.status_code == 200
    assert client.post(link.group(1)).status_code == 302
    assert EmailAddress.objects.get(email="river@example.org").verified

    client.logout()
    assert sign_in(client, "river@example.org").url == reverse("home")

    response = client.post(
        reverse("profile"),
        {"display_name": "Calm River", "time_zone": "Asia/Tokyo", "about_role": "caregiver"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.display_name, person.time_zone, person.about_role) == (
        "Calm River",
        "Asia/Tokyo",
        "caregiver",
    )

    # Another member sees the display name, never the email address or the private role.
    other = UserFactory()
    client.force_login(other)
    page = client.get(reverse("privacy:member", args=[person.pk])).content.decode()
    assert "Calm River" in page
    assert "river@example.org" not in page
    assert "aregiver" not in page


def test_sign_up_with_bad_input_shows_errors_and_keeps_what_was_typed(client):
    UserFactory(display_name="Taken Name")
    response = client.post(
        reverse("account_signup"),
        {
            "email": "not-an-email",
            "display_name": "taken name",
            "time_zone": "Europe/London",
            "password1": PASSWORD,
            "password2": PASSWORD + "x",
            **CONSENT,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="not-an-email"' in page
    assert 'value="taken name"' in page
    assert '<option value="Europe/London" selected>' in page
    assert page.count("is-invalid") >= 3  # email, display name, second password
    assert "too close to one already in use" in page
    assert User.objects.count() == 1


def test_profile_with_bad_input_shows_errors_and_keeps_what_was_typed(member_client, user):
    UserFactory(display_name="Someone Else")
    response = member_client.post(
        reverse("profile"),
        {"display_name": "SOMEONE ELSE", "time_zone": "Mars/Olympus", "about_role": "bereaved"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="SOMEONE ELSE"' in page
    assert '<option value="bereaved" selected>' in page
    assert "too close to one already in use" in page
    assert "Select a valid choice" in page  # the unknown time zone
    user.refresh_from_db()
    assert user.display_name.startswith("Member ")


def test_email_as_display_name_is_refused(member_client):
    response = member_client.post(
        reverse("profile"), {"display_name": "me@example.org", "time_zone": "UTC"}
    )
    assert "email address as a display name" in response.content.decode()


def test_admin_sign_in_goes_through_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response.url, follow=True)
    assert login.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_staff_without_mfa_is_sent_to_set_it_up_then_gets_in(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    assert sign_in(client, staff.email).status_code == 302

    response = client.get("/admin/")
    assert response.status_code == 302 and response.url == reverse("mfa_required")
    assert client.get("/admin/supportgroups/user/").url == reverse("mfa_required")
    explain = client.get(response.url).content.decode()
    assert reverse("mfa_activate_totp") in explain

    # Set up an authenticator app through allauth's own pages, as a person would: allauth asks
    # for the password again first.
    ask = client.get(reverse("mfa_activate_totp"))
    assert ask.url.startswith(reverse("account_reauthenticate"))
    assert client.post(ask.url, {"password": PASSWORD}).url == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    activated = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert activated.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_with_totp_answers_the_code_at_sign_in_and_reaches_admin(client):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    staff = UserFactory(is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    response = sign_in(client, staff.email)
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # not signed in until the code is given
    assert client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 302
    page = client.get("/admin/supportgroups/user/?q=" + staff.email)
    assert page.status_code == 200
    assert staff.display_name in page.content.decode()


def test_member_without_staff_cannot_open_admin(member_client):
    response = member_client.get("/admin/")
    assert response.status_code == 302
    assert reverse("mfa_required") not in response.url


def test_sign_up_stores_the_display_name_with_the_first_save(client):
    """A row with an empty display name already exists: a blank first save would collide."""
    User.objects.create_user(email="blank@example.org", display_name="")
    response = client.post(
        reverse("account_signup"),
        {
            "email": "second@example.org",
            "display_name": "Second Person",
            "time_zone": "UTC",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **CONSENT,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="second@example.org").display_name == "Second Person"


def test_profile_save_losing_a_race_for_the_name_is_a_field_error(user, monkeypatch):
    """Form and full_clean both passed, then someone took the name: the constraint decides."""
    from django.core.exceptions import ValidationError

    from supportgroups.services import update_profile

    UserFactory(display_name="Raced Name")
    monkeypatch.setattr(User, "full_clean", lambda self, **kwargs: None)  # the check "passed"
    with pytest.raises(ValidationError) as error:
        update_profile(user=user, display_name="raced name", time_zone="UTC", about_role="")
    assert "display_name" in error.value.message_dict
    assert user.display_name.startswith("Member ")  # the object matches the database again


def test_password_reset_by_email_link(client):
    person = UserFactory(email="fern@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "fern@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    form_page = client.get(link.group(1), follow=True)  # allauth moves the key into the session
    assert form_page.status_code == 200
    new = "another-long-password-77"
    done = client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new)
    assert sign_in(client, "fern@example.org", new).url == reverse("home")


def test_failed_sign_ins_are_rate_limited(client):
    UserFactory(email="gale@example.org")
    for _ in range(5):
        refused = sign_in(client, "gale@example.org", "wrong-password")
        assert refused.status_code == 200
        assert 'value="gale@example.org"' in refused.content.decode()  # typed email is kept
    blocked = sign_in(client, "gale@example.org", PASSWORD)  # even the right password now
    assert blocked.status_code in (200, 429)
    assert "Too many failed login attempts" in blocked.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "Robin (facilitator)",
        "Sam (Facilitator)",
        "MODERATOR Kim",
        "admin",
        "Site staff",
        "Professional Jo",
        "nurse_lee",
        "Dr Who the Doctor",
        "RobinFacilitator",
        "Facilitators team",
        "Ｎｕｒｓｅ Ann",  # full-width letters
    ],
)
def test_display_names_claiming_a_role_are_refused(member_client, user, name):
    """Only the site's badge may say who facilitates; a name must not pretend to."""
    response = member_client.post(reverse("profile"), {"display_name": name, "time_zone": "UTC"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "without a role word" in page and 'aria-invalid="true"' in page
    assert f'value="{name}"' in page
    user.refresh_from_db()
    assert user.display_name.startswith("Member ")


@pytest.mark.parametrize("name", ["Nursery Rhyme", "Staffordshire Sam", "Badminton Fan", "Docs"])
def test_names_that_only_contain_a_role_word_inside_another_word_are_fine(
    member_client, user, name
):
    response = member_client.post(reverse("profile"), {"display_name": name, "time_zone": "UTC"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == name


def test_sign_up_refuses_a_role_in_the_display_name(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "pose@example.org",
            "display_name": "Quiet River (moderator)",
            "time_zone": "UTC",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **CONSENT,
        },
    )
    assert response.status_code == 200
    assert "without a role word" in response.content.decode()
    assert not User.objects.filter(email="pose@example.org").exists()


def test_demo_people_have_plain_names():
    from supportgroups import demo
    from supportgroups.forms import claims_a_role

    assert not [name for _email, name, _zone, _staff in demo.PEOPLE if claims_a_role(name)]
