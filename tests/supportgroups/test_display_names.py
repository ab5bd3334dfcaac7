"""Look-alike display names (homoglyphs, punctuation, spacing, digits) and disguised role words."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from supportgroups.models import User
from supportgroups.names import claims_a_role, name_key
from supportgroups.services import update_profile
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CONSENT = {"confirm_age": "on", "consent_health": "on"}  # privacy's sign-up boxes
TOO_CLOSE = "That display name is too close to one already in use. Please choose another."
LOOK_ALIKES_OF_SAM = ["Sаm", "SΑM", "Sam.", "S a m", "s-a-m", "5am", "Ｓａｍ", "SAM!"]


def sign_up(client, display_name: str):
    return client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "display_name": display_name,
            "time_zone": "UTC",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **CONSENT,
        },
    )


@pytest.mark.parametrize("name", LOOK_ALIKES_OF_SAM)
def test_sign_up_refuses_a_look_alike_of_an_existing_name(client, name):
    UserFactory(display_name="Sam")
    response = sign_up(client, name)
    assert response.status_code == 200
    page = response.content.decode()
    assert TOO_CLOSE in page and 'aria-invalid="true"' in page
    assert f'value="{name}"' in page  # what they typed is kept
    assert not User.objects.filter(email="new@example.org").exists()


@pytest.mark.parametrize("name", LOOK_ALIKES_OF_SAM)
def test_profile_refuses_a_look_alike_of_another_members_name(member_client, user, name):
    UserFactory(display_name="Sam")
    response = member_client.post(reverse("profile"), {"display_name": name, "time_zone": "UTC"})
    assert response.status_code == 200
    page = response.content.decode()
    assert TOO_CLOSE in page and f'value="{name}"' in page
    user.refresh_from_db()
    assert user.display_name.startswith("Member ")


def test_changing_only_the_look_of_your_own_name_is_allowed(member_client, user):
    User.objects.filter(pk=user.pk).update(display_name="Sam", display_name_key="sam")
    form = {"display_name": "S.A.M.", "time_zone": "UTC"}
    assert member_client.post(reverse("profile"), form).status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.display_name_key) == ("S.A.M.", "sam")


def test_a_name_with_no_letters_or_digits_is_refused(member_client):
    response = member_client.post(reverse("profile"), {"display_name": "!!!", "time_zone": "UTC"})
    assert "at least one letter or number" in response.content.decode()


@pytest.mark.parametrize(
    "name", ["Facilitat0r", "m0derator", "Mod Sam", "Sam the mod", "MODS", "Nurѕe Ann", "Αdmin"]
)
def test_disguised_role_words_are_refused(member_client, user, name):
    response = member_client.post(reverse("profile"), {"display_name": name, "time_zone": "UTC"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "without a role word" in page and f'value="{name}"' in page
    user.refresh_from_db()
    assert user.display_name.startswith("Member ")


@pytest.mark.parametrize(
    "name",
    [
        "Moderadora Lucía",  # es
        "Ana (facilitadora)",
        "Administrador",
        "Enfermera Rosa",
        "Modérateur Paul",  # fr
        "moderateur",  # typed without the accent
        "Claire, animatrice",
        "Infirmière Anne",
        "Jonas, Moderator",  # de
        "Die Moderatorin",
        "Ärztin Eva",
        "AdministratorHans",  # camel case is two words
        "المشرف سامي",  # ar: the moderator
        "المُشـرِف",  # the same with a vowel mark and tatweel
        "مدير الموقع",  # the site's manager
        "الميسر",  # the facilitator
        "مسئول",  # official, hamza on yaa
        "ممرضه ليلى",  # nurse, taa marbuta typed as haa
    ],
)
def test_role_words_in_other_languages_are_refused(member_client, user, name):
    response = member_client.post(reverse("profile"), {"display_name": name, "time_zone": "UTC"})
    assert response.status_code == 200
    assert f'value="{name}"' in response.content.decode()
    user.refresh_from_db()
    assert user.display_name.startswith("Member ")


@pytest.mark.parametrize(
    "name",
    [
        "Musharraf",
        "مشرف",  # Musharraf, a family name: only "the moderator" is refused
        "ميسر",  # Muyassar, a given name
        "Mediterranean Mo",
        "Animal lover",
        "Pflegeeltern Kai",
        "Doctorow fan",
        "Maysara ميسرة",
    ],
)
def test_names_that_only_resemble_role_words_are_kept(name):
    assert not claims_a_role(name)


REAL_NAMES = [
    "Ann-Marie",
    "José",
    "Li Wei",
    "Staffordshire Sam",
    "Nursery rhymes",
    "Modern Mo",
    "Badminton Fan",
    "Siobhán O'Neill",
    "Zoë",
    "Łukasz",
    "Мария",  # Cyrillic names stay usable; only look-alikes of Latin ones collide
    "山田花子",
    "Docs",
]


def test_real_names_pass_and_keep_distinct_keys(member_client, user):
    assert not [name for name in REAL_NAMES if claims_a_role(name)]
    assert len({name_key(name) for name in REAL_NAMES}) == len(REAL_NAMES)
    for name in REAL_NAMES:
        response = member_client.post(
            reverse("profile"), {"display_name": name, "time_zone": "UTC"}
        )
        assert response.status_code == 302, name
        user.refresh_from_db()
        assert user.display_name == name and user.display_name_key == name_key(name)


def test_every_writer_stores_the_key_and_the_index_refuses_look_alikes():
    """Not only the forms: create_user and the service hit the same unique index."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    sam = User.objects.create_user(email="sam@example.org", display_name="Sam")
    assert sam.display_name_key == "sam"
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="other@example.org", display_name="Sаm")
    other = UserFactory()
    with pytest.raises(ValidationError) as error:
        update_profile(user=other, display_name="S a m", time_zone="UTC", about_role="")
    assert error.value.message_dict == {"display_name": [TOO_CLOSE]}
    other.refresh_from_db()
    assert other.display_name.startswith("Member ")


def test_factory_sequence_names_never_collide():
    keys = {name_key(f"Member {n}") for n in range(2000)}
    assert len(keys) == 2000


def test_backfill_migration_suffixes_later_look_alikes():
    """Existing look-alikes (made before the key existed) must not make the migration fail."""
    backfill = importlib.import_module(
        "supportgroups.migrations.0004_display_name_key"
    ).backfill_name_keys
    first, later, other, blank = User.objects.bulk_create(  # bulk_create skips save(): no keys
        [
            User(email="a@example.org", display_name="Sam"),
            User(email="b@example.org", display_name="Sаm"),
            User(email="c@example.org", display_name="Robin"),
            User(email="d@example.org", display_name=""),
        ]
    )
    backfill(apps, None)
    keys = dict(User.objects.values_list("pk", "display_name_key"))
    assert keys[first.pk] == "sam"
    assert keys[later.pk] == f"sam~{later.pk}"
    assert keys[other.pk] == "robin"
    assert keys[blank.pk] is None


def test_admin_user_forms_refuse_look_alikes_as_a_field_error(rf):
    from django.contrib import admin

    UserFactory(display_name="Sam")
    other = UserFactory()
    user_admin = admin.site._registry[User]
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    change_form = user_admin.get_form(request, other)(
        data={"email": other.email, "display_name": "Sаm", "time_zone": "UTC"}, instance=other
    )
    assert change_form.errors["display_name"] == [TOO_CLOSE]
    add_form = user_admin.get_form(request)(
        data={"email": "x@example.org", "display_name": "S.A.M", "usable_password": "false"}
    )
    assert add_form.errors["display_name"] == [TOO_CLOSE]
