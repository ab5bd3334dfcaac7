"""Account deletion: re-authentication first, then every registered decision is carried out."""

import dataclasses

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from supportgroups.models import AdminAccessLog, Notification
from supportgroups.privacy import deletion, registry
from tests.factories import PASSWORD, UserFactory
from tests.privacy.everything import give_everything

pytestmark = pytest.mark.django_db
User = get_user_model()


def _reauthenticated(user) -> Client:
    """Signed in and just re-entered the password on allauth's re-authentication page."""
    client = Client()
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    return client


def test_deleting_needs_a_fresh_password(user):
    client = Client()
    client.force_login(user)  # signed in, but not recently authenticated through allauth
    response = client.post(reverse("privacy:delete"), {"confirm": "on"})
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response["Location"]
    assert User.objects.filter(pk=user.pk).exists()

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("privacy:delete"), {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()


def test_the_form_asks_for_confirmation_and_keeps_the_choice(user):
    client = _reauthenticated(user)
    response = client.post(reverse("privacy:delete"), {"remove_content": "on"})
    assert response.status_code == 200
    assert "Please tick this box" in response.content.decode()
    assert response.context["form"]["remove_content"].value() is True
    assert User.objects.filter(pk=user.pk).exists()


def test_deletion_leaves_nothing_pointing_at_the_person(user):
    give_everything(user)
    LogEntry.objects.create(
        user=UserFactory(),
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=user.display_name,
        action_flag=ADDITION,
    )
    client = _reauthenticated(user)
    response = client.post(reverse("privacy:delete"), {"confirm": "on"})
    assert response.status_code == 302

    for entry in registry.entries():
        assert not registry.rows_for(entry, user).exists(), entry.label
    assert not EmailAddress.objects.filter(email=user.email).exists()
    # The staff access audit and admin history stay, without the person's name.
    log = AdminAccessLog.objects.get()
    assert log.subject is None and log.subject_label == "Former member"
    assert not LogEntry.objects.filter(object_repr=user.display_name).exists()
    assert LogEntry.objects.filter(user=deletion.former_member()).count() == 1
    # Signed out, and the old password no longer signs in.
    assert "_auth_user_id" not in client.session
    assert not Client().login(email=user.email, password=PASSWORD)


@pytest.mark.parametrize("remove_content", [False, True])
def test_anonymised_content_goes_to_the_former_member_unless_removed(user, remove_content):
    """Forums and chat register posts and messages as "anonymise"; this is what that does."""
    entry = registry.entry_for(Notification)
    registry._entries[entry.label] = dataclasses.replace(entry, on_delete="anonymise")
    try:
        note = Notification.objects.create(user=user, kind="reply", title="kept words")
        deletion.delete_account(user=user, remove_content=remove_content)
    finally:
        registry._entries[entry.label] = entry
    if remove_content:
        assert not Notification.objects.filter(pk=note.pk).exists()
    else:
        note.refresh_from_db()
        assert note.user == deletion.former_member()
        assert str(note.user) == "Former member"


def test_the_placeholder_is_one_account_that_cannot_sign_in_or_be_deleted():
    first, second = deletion.former_member(), deletion.former_member()
    assert first.pk == second.pk
    assert not first.is_active and not first.has_usable_password()
    with pytest.raises(ValueError):
        deletion.delete_account(user=first, remove_content=False)


def test_a_failing_handler_leaves_the_account_whole(user):
    def broken(**kwargs):
        raise RuntimeError("app handler failed")

    entry = registry.entry_for(Notification)
    Notification.objects.create(user=user, kind="reply", title="still here")
    registry._entries[entry.label] = dataclasses.replace(entry, erase=broken)
    try:
        with pytest.raises(RuntimeError):
            deletion.delete_account(user=user, remove_content=False)
    finally:
        registry._entries[entry.label] = entry
    assert User.objects.filter(pk=user.pk).exists()
    assert EmailAddress.objects.filter(user=user).exists()


@pytest.fixture
def forum_like_models(db):
    """A post with an author and a many-to-many of readers, as forums or chat might have.

    Declared in the real app registry (a many-to-many to the User needs it) and taken out
    again afterwards; the tables go with the test's rolled-back transaction.
    """
    from django.apps import apps
    from django.db import connection, models

    class ProbePost(models.Model):
        author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
        readers = models.ManyToManyField(User, related_name="+")
        body = models.TextField()

        class Meta:
            app_label = "supportgroups"

        def __str__(self):
            return self.body

    class ProbeReaction(models.Model):
        user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
        post = models.ForeignKey(ProbePost, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "supportgroups"
            constraints = [
                models.UniqueConstraint(fields=["user", "post"], name="probe_one_reaction")
            ]

        def __str__(self):
            return "reaction"

    with connection.schema_editor() as editor:
        editor.create_model(ProbePost)
        editor.create_model(ProbeReaction)
    yield ProbePost, ProbeReaction
    for model in (ProbePost, ProbeReaction, ProbePost.readers.through):
        registry._entries.pop(model._meta.label, None)
        apps.all_models["supportgroups"].pop(model._meta.model_name, None)
    apps.clear_cache()


def test_posts_stay_as_former_member_and_many_to_many_links_go(forum_like_models, user):
    post_model, reaction_model = forum_like_models
    registry.register(post_model, on_delete="anonymise", why="Conversations stay readable.")
    reader = UserFactory()
    post = post_model.objects.create(author=user, body="my words")
    theirs = post_model.objects.create(author=reader, body="their words")
    theirs.readers.add(user, reader)

    deletion.delete_account(user=user, remove_content=False)

    post.refresh_from_db()
    assert post.author == deletion.former_member() and post.body == "my words"
    assert list(theirs.readers.all()) == [reader]  # the link went, the post stayed
    assert post_model.objects.count() == 2


def test_a_unique_user_field_cannot_be_anonymised_without_a_handler(forum_like_models):
    _post_model, reaction_model = forum_like_models
    with pytest.raises(ValueError, match="collide"):
        registry.register(reaction_model, on_delete="anonymise", why="x")
    registry.register(reaction_model, on_delete="delete", why="Reactions go with the person.")


@pytest.mark.parametrize("remove_content", [False, True])
def test_every_app_keeps_or_removes_the_words_as_chosen(user, remove_content):
    from forums.models import Post
    from groups.chat.models import ChatMessage
    from moderation.models import AuditLogEntry, Report
    from resources.models import Resource

    other = give_everything(user)
    deletion.delete_account(user=user, remove_content=remove_content)
    former = deletion.former_member()

    post = Post.objects.get(thread__title="My first scan", is_opening=True)
    message = ChatMessage.objects.get(author=former)
    assert post.author == former
    assert Post.objects.filter(author=other, body="Thinking of you").exists()  # replies stay
    if remove_content:
        assert post.body == "" and post.is_removed
        assert message.body == "" and message.is_hidden
        assert Resource.objects.get(suggested_by=former).suggestion_note == ""
    else:
        assert post.body == "Scared of the results"
        assert message.body == "See you all on Tuesday"
    # Moderation keeps the minimum: the report (its words only if not removed), the audit log.
    report = Report.objects.get(reporter=former)
    assert report.reason == "misinformation"
    assert (report.note == "") is remove_content
    assert AuditLogEntry.objects.filter(action="warn", subject=former).exists()
    assert Post.objects.get(body="Welcome all").support_count == 0  # the hug went with its giver
