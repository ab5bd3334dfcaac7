import importlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from moderation import registry
from moderation.registry import register_group_scope, reset_group_scope
from tests.factories import UserFactory, with_mfa

from .content import FakePost


class Scope:
    """The groups app's answers, as plain dicts (moderation imports nothing from groups)."""

    def __init__(self):
        self.facilitators: dict[int, list] = {}
        self.premoderation: dict[int, int] = {}

    def facilitate(self, user, group_id: int):
        self.facilitators.setdefault(group_id, []).append(user)
        return user


@pytest.fixture(autouse=True)
def _restore_group_scope():
    """Tests here swap the group scope; put back what the groups app registered at start-up."""
    registered = registry.registry.scope
    yield
    registry.registry.scope = registered


@pytest.fixture
def scope():
    s = Scope()
    register_group_scope(
        facilitated_group_ids=lambda user: {
            g for g, people in s.facilitators.items() if any(p.pk == user.pk for p in people)
        },
        group_facilitators=lambda group_id: s.facilitators.get(group_id, []),
        group_premoderation=lambda group_id: s.premoderation.get(group_id, 0),
        group_names=lambda ids: {i: f"Group {i}" for i in ids},
    )
    yield s
    reset_group_scope()


@pytest.fixture
def post_model(db):
    # Its content type row is created inside each test, so a cached id must not outlive it.
    ContentType.objects.clear_cache()
    with connection.schema_editor() as editor:
        editor.create_model(FakePost)
    yield FakePost
    ContentType.objects.clear_cache()
    if not connection.in_atomic_block:  # test transactions roll the table back themselves
        with connection.schema_editor() as editor:
            editor.delete_model(FakePost)


@pytest.fixture
def crisis_lexicon(transactional_db):
    """The crisis phrases and lines moderation's data migrations seed. A transactional test
    starts from whatever the previous one left: Django truncates every table after each
    transactional test, seed rows included, so a test that needs them re-runs the (idempotent)
    seed rather than depend on running first."""
    from django.apps import apps

    for migration in (
        "0002_seed_crisis_lexicon_and_lines",
        "0006_crisis_lines_and_phrases_in_every_language",
    ):
        importlib.import_module(f"moderation.migrations.{migration}").seed(apps, None)


@pytest.fixture
def staff(db):
    return with_mfa(UserFactory(is_staff=True, display_name="Staff Sam"))


@pytest.fixture
def facilitator(db, scope):
    return with_mfa(scope.facilitate(UserFactory(display_name="Facil Fran"), 1))
