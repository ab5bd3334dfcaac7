"""Two sign-ups with look-alike names at once: the one that saves second gets the form back."""

import threading

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse

from supportgroups.models import User
from tests.factories import PASSWORD

TOO_CLOSE = "That display name is too close to one already in use. Please choose another."
CONSENT = {"confirm_age": "on", "consent_health": "on"}  # privacy's sign-up boxes


def sign_up(client, *, email: str, display_name: str):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "display_name": display_name,
            "time_zone": "Europe/Dublin",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **CONSENT,
        },
    )


def other_sign_up_in_its_own_thread():
    """The winner: a complete sign-up on its own connection, committed before it returns."""
    outcome = {}

    def run():
        try:
            outcome["response"] = sign_up(Client(), email="first@example.org", display_name="Sam")
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return outcome["response"]


@pytest.mark.parametrize("name", ["Sam", "S.a.m"])  # the same name, and a look-alike
@pytest.mark.django_db(transaction=True)
def test_the_loser_of_a_same_instant_sign_up_gets_the_form_back_and_nothing_is_saved(name):
    """The second person's form passed its name check before the first person's row existed:
    the race is forced by finishing the first sign-up between the second's check and its save."""
    winner = {}

    def winner_signs_up_now(sender, instance, **kwargs):
        if instance.email == "second@example.org" and "response" not in winner:
            winner["response"] = other_sign_up_in_its_own_thread()

    pre_save.connect(winner_signs_up_now, sender=User, weak=False)
    try:
        response = sign_up(Client(), email="second@example.org", display_name=name)
    finally:
        pre_save.disconnect(winner_signs_up_now, sender=User)

    assert winner["response"].status_code == 302  # the first person got in
    assert response.status_code == 200
    page = response.content.decode()
    assert TOO_CLOSE in page and 'aria-invalid="true"' in page
    assert f'value="{name}"' in page and 'value="second@example.org"' in page  # typed text kept
    assert '<option value="Europe/Dublin" selected>' in page
    assert PASSWORD not in page  # passwords are never sent back
    assert "no-store" in response["Cache-Control"]
    assert list(User.objects.values_list("email", flat=True)) == ["first@example.org"]
    assert not EmailAddress.objects.filter(email="second@example.org").exists()
    assert EmailAddress.objects.filter(email="first@example.org").exists()

    # Choosing another name then works.
    again = sign_up(Client(), email="second@example.org", display_name="Samira")
    assert again.status_code == 302
    assert User.objects.get(email="second@example.org").display_name == "Samira"
