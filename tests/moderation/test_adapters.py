"""The plug-in contract: every app's moderation.py registers an adapter for each model moderation
handles, moderation refuses what nobody registered, and the item page asks each action for
exactly what its row in the action table names."""

import re

import pytest
from django.test import Client

from forums.models import Topic
from moderation import actions, queue, services
from moderation.adapters import adapter_class, adapter_for
from moderation.errors import ModerationError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_each_apps_moderation_module_registers_its_models():
    labels = ["forums.post", "chat.chatmessage", "resources.resource", "moderation.appeal"]
    assert all(adapter_class(label) is not None for label in [*labels, "supportgroups.user"])
    profile = adapter_class("supportgroups.user")
    assert not (profile.hideable or profile.restorable or profile.editable)


def test_moderation_refuses_what_no_app_registered():
    topic = Topic.objects.create(name="A topic nobody moderates", slug="a-topic-nobody-moderates")
    with pytest.raises(LookupError, match="no moderation adapter"):
        services.request_review(target=topic, reason="spam")
    with pytest.raises(LookupError):
        services.screen(topic)


def test_the_base_class_refuses_what_an_adapter_does_not_offer(post_model, staff):
    profile = adapter_for(UserFactory())
    with pytest.raises(ModerationError, match="act on its author"):
        profile.hide(reason="rude name")
    with pytest.raises(ModerationError, match="cannot be edited"):
        profile.edit(text="a kinder name")
    assert profile.url() == "" and profile.context() == "" and profile.group_id() is None


def test_each_action_form_asks_for_the_fields_its_row_names(post_model, staff):
    post = post_model.objects.create(author=UserFactory(), body="Stop your chemo", group=1)
    item = services.request_review(target=post, reason="misinformation", by=UserFactory())
    queue.claim(item_id=item.pk, user=staff, version=item.version)
    client = Client()
    client.force_login(staff)
    page = client.get(item.get_absolute_url()).content.decode()
    found = re.findall(r'action="/moderation/items/\d+/(\w+)/"(.*?)</form>', page, re.S)
    forms = {name: form for name, form in found if name in actions.TABLE}
    assert set(forms) == set(actions.TABLE)  # a site moderator is offered every action here
    for name, form in forms.items():
        asked = set(re.findall(r'name="(until|text)"', form))
        assert asked == set(actions.TABLE[name].fields), name
