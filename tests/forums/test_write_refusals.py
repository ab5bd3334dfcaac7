"""A refused write says why, keeps what was typed, and saves nothing: the one policy's reason
(groups.policy) on every forum form and on the htmx reaction buttons."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forums.models import Post, Reaction, Thread
from tests.factories import client_for, sanction
from tests.forums.conftest import start_thread

pytestmark = pytest.mark.django_db

TYPED = "Words I typed carefully and do not want to lose"


@pytest.fixture
def thread(private_board, facilitator):
    return start_thread(private_board, facilitator, body="Opening words").post.thread


def _refused(response, reason: str):
    html = response.content.decode()
    assert response.status_code == 403, response.status_code
    assert reason in html
    return html


def test_a_silenced_reply_keeps_the_text_and_says_until_when(thread, member):
    sanction(member, "silence", until=timezone.now() + timedelta(days=1))
    response = client_for(member).post(
        f"/forums/t/{thread.pk}/reply/", {"body": TYPED, "action": "post"}
    )
    html = _refused(response, "A moderator has paused your posting until")
    assert TYPED in html
    assert thread.posts.count() == 1


def test_a_muted_member_cannot_start_a_thread_and_keeps_the_title(private_board, member):
    sanction(member, "mute", group=private_board.group)
    response = client_for(member).post(
        f"/forums/b/{private_board.slug}/new/",
        {"title": "My own title", "body": TYPED, "action": "post"},
    )
    html = _refused(response, "A facilitator has muted you in this group")
    assert TYPED in html and "My own title" in html
    assert not Thread.objects.filter(title="My own title").exists()


def test_a_silenced_edit_keeps_the_new_text_and_the_old_post(thread, member):
    post = start_thread(thread.board, member, title="Mine", body="Before").post
    sanction(member, "silence")
    response = client_for(member).post(
        f"/forums/post/{post.pk}/edit/", {"body": TYPED, "action": "post"}
    )
    assert TYPED in _refused(response, "A moderator has paused your posting")
    post.refresh_from_db()
    assert post.body == "Before" and not post.revisions.exists()


def test_the_form_page_itself_says_why_before_anything_is_typed(private_board, member):
    sanction(member, "mute", group=private_board.group)
    response = client_for(member).get(f"/forums/b/{private_board.slug}/new/")
    _refused(response, "A facilitator has muted you in this group")


def test_an_htmx_reaction_is_answered_with_the_reason(thread, member):
    sanction(member, "silence")
    response = client_for(member).post(
        f"/forums/post/{thread.opening_post_id}/react/", {"kind": "hug"}, HTTP_HX_REQUEST="true"
    )
    assert "A moderator has paused your posting" in _refused(response, "reactions-")
    assert not Reaction.objects.exists()


def test_a_plain_reaction_without_javascript_is_told_too(thread, member):
    sanction(member, "silence")
    response = client_for(member).post(
        f"/forums/post/{thread.opening_post_id}/react/", {"kind": "hug"}
    )
    _refused(response, "A moderator has paused your posting")
    assert not Reaction.objects.exists()


def test_an_archived_groups_board_is_read_only_and_says_so(thread, member, group):
    group.is_archived = True
    group.save(update_fields=["is_archived"])
    client = client_for(member)
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200  # history stays readable, and says why it takes no replies
    assert "This group no longer meets" in page.content.decode()
    assert (
        "This group no longer meets" in client.get(thread.board.get_absolute_url()).content.decode()
    )
    response = client.post(f"/forums/t/{thread.pk}/reply/", {"body": TYPED, "action": "post"})
    assert TYPED in _refused(response, "This group no longer meets")
    assert Post.objects.count() == 1


def test_the_services_refuse_too(thread, member):
    """Defence in depth: a caller that forgot to ask still cannot write."""
    from django.core.exceptions import PermissionDenied

    from forums import services

    sanction(member, "silence")
    with pytest.raises(PermissionDenied, match="paused your posting"):
        services.create_reply(author=member, thread=thread, body=TYPED)
    with pytest.raises(PermissionDenied, match="paused your posting"):
        services.create_thread(author=member, board=thread.board, title="t", body=TYPED)
    with pytest.raises(PermissionDenied, match="paused your posting"):
        services.toggle_reaction(user=member, post=thread.opening_post, kind="hug")
    assert Post.objects.count() == 1 and not Reaction.objects.exists()
