"""Every model pointing at a person has an export/deletion decision."""

import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django.test.utils import isolate_apps

from supportgroups.privacy import export, registry

pytestmark = pytest.mark.django_db


def test_every_model_with_a_user_reference_has_a_decision():
    missing = registry.unregistered_models()
    assert missing == [], (
        f"Models pointing at the user with no privacy decision: {missing}. Register them in "
        "<app>/privacy.py with supportgroups.privacy.registry.register."
    )


@isolate_apps("supportgroups")
def test_a_new_user_foreign_key_without_a_decision_is_caught():
    class Diary(models.Model):
        writer = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)

        class Meta:
            app_label = "supportgroups"

        def __str__(self):
            return "diary"

    assert registry.unregistered_models(candidates=[Diary]) == ["supportgroups.Diary"]


def test_third_party_and_core_models_are_decided():
    labels = {entry.label for entry in registry.entries()}
    for label in [
        "supportgroups.User",
        "supportgroups.Notification",
        "account.EmailAddress",
        "mfa.Authenticator",
        "usersessions.UserSession",
        "admin.LogEntry",
        "groups.Membership",
    ]:
        assert label in labels


def test_registering_needs_a_known_decision_and_a_reason():
    user_model = get_user_model()
    with pytest.raises(ValueError):
        registry.register(user_model, on_delete="forget", why="x")
    with pytest.raises(ValueError):
        registry.register(user_model, on_delete="account", why="")


def test_export_covers_every_registered_model(user):
    data = export.collect(user=user)
    exported = set(data["records"]) | set(data["not_exported"])
    expected = {e.label for e in registry.entries() if e.on_delete != "account"}
    assert exported == expected
    for label, why in data["not_exported"].items():
        assert why, label
