"""Hidden means hidden: what moderation removed or holds, and who wrote an anonymous post, stay
out of reach of members (see also tests/privacy/test_canary.py, which walks every page)."""

import pytest
from django.core import mail
from django.urls import reverse

from forums import services
from forums.emails import send_digest
from forums.models import DigestItem, EmailPreference, Post
from forums.notifications import deliver_post_notifications
from moderation import actions, queue
from moderation import services as moderation_services
from moderation.adapters import adapter_for
from supportgroups.models import Notification
from supportgroups.privacy import export
from supportgroups.privacy.services import block
from tests.factories import UserFactory, client_for
from tests.forums.conftest import reply_to, start_thread

pytestmark = pytest.mark.django_db


def _told(person) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(user=person).values_list("title", "body"))


def test_blocks_do_not_reveal_who_wrote_an_anonymous_post(board, writer):
    """Someone who blocked the writer, someone the writer blocked and a bystander hear about
    an anonymous post in the same words, so none of them can tell who wrote it; a signed post
    from the same writer still never reaches the people on either side of a block."""
    blocker, blocked, bystander = (UserFactory(display_name=n) for n in ("Bea", "Ben", "Bo"))
    block(blocker=blocker, blocked=writer)
    block(blocker=writer, blocked=blocked)
    thread = start_thread(board, UserFactory()).post.thread
    for person in (blocker, blocked, bystander):
        services.follow(user=person, thread=thread)

    anonymous = reply_to(thread, writer, body="Who am I?", is_anonymous=True)
    deliver_post_notifications(post_id=anonymous.pk)
    told = [_told(person) for person in (blocker, blocked, bystander)]
    assert told[0] == told[1] == told[2] == [("Anonymous member replied in “Hello”", "Who am I?")]

    signed = reply_to(thread, writer, body="It is me.")
    deliver_post_notifications(post_id=signed.pk)
    assert len(_told(blocker)) == len(_told(blocked)) == 1
    assert len(_told(bystander)) == 2


def _remove(post, *, by) -> None:
    item = moderation_services.request_review(target=post, reason="harassment")
    item = queue.claim(item_id=item.pk, user=by, version=item.version)
    actions.do_remove(item_id=item.pk, user=by, version=item.version, reason="Cruel")


def test_removal_blanks_the_post_for_members_and_an_overturn_brings_it_back(
    private_board, member, facilitator, writer
):
    thread = start_thread(private_board, facilitator).post.thread
    post = reply_to(thread, member, body="Unkind words about @Fay")
    deliver_post_notifications(post_id=post.pk)
    assert _told(facilitator)[0][1] == "Unkind words about @Fay"
    _remove(post, by=facilitator)

    post.refresh_from_db()
    assert post.body == "" and post.body_html == "" and post.is_hidden
    page = client_for(member).get(thread.get_absolute_url()).content.decode()
    assert "This post was removed by the moderators." in page and "Unkind" not in page
    assert _told(facilitator)[0][1] == ""  # the notification keeps its line, not the words
    found = client_for(member).get(reverse("forums:search"), {"q": "unkind"})
    assert "Unkind" not in found.content.decode()
    # The moderators keep the words: in the edit history they alone may open.
    history = client_for(facilitator).get(reverse("forums:history", args=[post.pk]))
    assert "Unkind words" in history.content.decode()
    assert client_for(member).get(reverse("forums:history", args=[post.pk])).status_code == 403

    own = export.collect(user=member)["records"]["forums.Post"]["rows"]
    assert {"body": "", "removed_by_moderators": True}.items() <= own[-1].items()

    adapter_for(post).restore()  # what an upheld appeal does
    post.refresh_from_db()
    assert post.body == "Unkind words about @Fay" and not post.is_hidden
    assert not post.revisions.exists()
    page = client_for(member).get(thread.get_absolute_url()).content.decode()
    assert "Unkind words" in page


def test_a_digest_leaves_out_a_post_held_after_people_were_told(board, writer, outsider):
    EmailPreference.objects.create(user=outsider, digest=EmailPreference.Digest.DAILY)
    thread = start_thread(board, outsider).post.thread
    shown = reply_to(thread, writer, body="Words that stand")
    held = reply_to(thread, writer, body="Words edited into a hold")
    for post in (shown, held):
        deliver_post_notifications(post_id=post.pk)
    assert DigestItem.objects.filter(user=outsider).count() == 2
    Post.objects.filter(pk=held.pk).update(is_held=True)  # an edit the screen held

    assert send_digest(user_id=outsider.pk) == 1
    assert "Words that stand" in mail.outbox[0].body
    assert "edited into a hold" not in mail.outbox[0].body


def test_a_held_post_takes_no_reply_and_the_text_typed_stays(private_board, member, facilitator):
    thread = start_thread(private_board, facilitator).post.thread
    held = reply_to(thread, facilitator, body="Waiting words")
    Post.objects.filter(pk=held.pk).update(is_held=True)
    url = reverse("forums:reply", args=[thread.pk])

    quoted = client_for(member).get(url, {"parent": held.pk, "quote": 1})
    assert quoted.status_code == 200 and "Waiting words" not in quoted.content.decode()
    response = client_for(member).post(
        url, {"parent": held.pk, "body": "My answer", "action": "post"}
    )
    assert response.status_code == 400
    assert "can&#x27;t take replies" in response.content.decode()
    assert "My answer" in response.content.decode()
    assert thread.posts.count() == 2


def test_a_member_removed_from_the_group_gets_no_digest_of_its_private_board(
    private_board, member, facilitator
):
    EmailPreference.objects.create(user=member, digest=EmailPreference.Digest.DAILY)
    thread = start_thread(private_board, member).post.thread
    post = reply_to(thread, facilitator, body="Only for the circle")
    deliver_post_notifications(post_id=post.pk)
    assert DigestItem.objects.filter(user=member, sent_at__isnull=True).exists()
    member.memberships.filter(group=private_board.group).update(state="removed")

    assert send_digest(user_id=member.pk) == 0
    assert mail.outbox == []


def test_a_thread_held_for_approval_takes_no_reply(private_board, member, facilitator):
    opening = start_thread(private_board, facilitator, title="Held thread").post
    Post.objects.filter(pk=opening.pk).update(is_held=True)
    url = reverse("forums:reply", args=[opening.thread_id])

    assert client_for(member).get(url).status_code == 404
    response = client_for(member).post(url, {"body": "Sneaking in", "action": "post"})
    assert response.status_code == 404
    assert Post.objects.filter(thread=opening.thread).count() == 1


def test_a_post_held_for_approval_takes_no_reaction(private_board, member, facilitator):
    thread = start_thread(private_board, facilitator).post.thread
    held = reply_to(thread, facilitator, body="Waiting words")
    Post.objects.filter(pk=held.pk).update(is_held=True)
    url = reverse("forums:react", args=[held.pk])

    response = client_for(member).post(url, {"kind": "hug"}, headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert not held.reactions.exists()


def test_staff_see_who_wrote_anonymously_on_a_public_board_only_with_mfa(board, writer, staff):
    """Moderating a public board names anonymous writers; like every other private reach of
    staff, that needs MFA."""
    thread = start_thread(board, UserFactory()).post.thread
    reply_to(thread, writer, body="Said without my name", is_anonymous=True)
    url = reverse("forums:thread", args=[thread.pk])

    assert "Wren" in client_for(staff).get(url).content.decode()
    assert "Wren" not in client_for(UserFactory(is_staff=True)).get(url).content.decode()


def test_hidden_posts_offer_no_report_link(board, writer, staff):
    """Moderation has a hidden post already; its report page is a 404, so no link leads there."""
    thread = start_thread(board, UserFactory()).post.thread
    hidden, shown = (reply_to(thread, writer) for _ in range(2))
    item = moderation_services.request_review(target=hidden, reason="harassment")
    item = queue.claim(item_id=item.pk, user=staff, version=item.version)
    actions.do_hide(item_id=item.pk, user=staff, version=item.version, reason="Unkind")

    page = client_for(UserFactory()).get(reverse("forums:thread", args=[thread.pk])).content
    report = "/moderation/report/forums.post/{}/"
    assert report.format(shown.pk) in page.decode()
    assert report.format(hidden.pk) not in page.decode()
