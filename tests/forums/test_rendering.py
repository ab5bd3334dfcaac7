"""The HTML a person receives for a thread page and a board page stays exactly what it was.

Each page below is compared with a stored rendering (tests/forums/golden/, see tests/golden.py)
made from the templates as they stood before the thread and board pages were made cheaper to
render, so any speed-up that changes what someone sees (their own edit links and reactions,
blocked authors folded away, topic filters, "new" markers, held and hidden posts for moderators,
dates in the reader's time zone) fails here.
"""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.template.loader import get_template
from django.test import Client
from django.utils import timezone

from forums import rendering, selectors, services
from forums.models import Post, Thread, ThreadReadState
from forums.models import TopicPreference as Pref
from moderation.adapters import adapter_for
from supportgroups.models import Block
from supportgroups.privacy.services import block
from supportgroups.services import update_profile
from tests.factories import (
    BoardFactory,
    MembershipFactory,
    SupportGroupFactory,
    TopicFactory,
    UserFactory,
    client_for,
)
from tests.forums.conftest import reply_to, start_thread
from tests.golden import check, pin_sequences

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
START = datetime(2026, 3, 9, 22, 30, tzinfo=UTC)  # late enough that London and Paris differ


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scene(clock):
    """A thread with every kind of post a reader can meet, and a board of a few threads."""
    pin_sequences()
    group = SupportGroupFactory(name="Tuesday circle", slug="tuesday-circle")
    private_board = services.ensure_group_board(group=group)
    private_board.allows_anonymous = True
    private_board.save(update_fields=["allows_anonymous"])
    marta = UserFactory(display_name="Marta", time_zone="Europe/London")
    MembershipFactory(group=group, user=marta)
    bob = UserFactory(display_name="Bob", time_zone="Europe/Paris")
    MembershipFactory(group=group, user=bob)
    wren = UserFactory(display_name="Wren", time_zone="Europe/Paris")
    MembershipFactory(group=group, user=wren)
    fay = UserFactory(display_name="Fay", time_zone="America/New_York")
    MembershipFactory(group=group, user=fay, role="facilitator")
    scans, recurrence, loss = (
        TopicFactory(name="Scan days"),
        TopicFactory(name="Coming back"),
        TopicFactory(name="Losing someone"),
    )
    step = lambda: clock.shift(timedelta(minutes=17))  # noqa: E731

    thread = start_thread(
        private_board, wren, title="Scan day nerves", body="How do you **cope**?",
        topics=[scans],
    ).post.thread  # fmt: skip
    step()
    first = reply_to(thread, marta, body="I bring a friend.")
    step()
    services.edit_post(post=first, body="I bring a friend and a *book*.")
    step()
    to_bob = reply_to(thread, bob, parent=first, body="Good idea, Marta.")
    step()
    reply_to(thread, wren, parent=to_bob, body="Anonymous thanks.", is_anonymous=True)
    step()
    reply_to(thread, fay, body="Facilitator here: breathing helps.")
    step()
    warned = reply_to(thread, bob, body="It came back for me.", content_warning="recurrence")
    step()
    chain = warned
    for i in range(7):  # deeper than the page shows: "Continue this thread"
        chain = reply_to(thread, marta if i % 2 else wren, parent=chain, body=f"Deep {i}")
        step()
    hidden = reply_to(thread, bob, body="Something the moderators hid.")
    adapter_for(hidden).hide(reason="spam")
    step()
    removed = reply_to(thread, marta, body="Said too much.")
    services.remove_post(post=removed)
    step()
    ThreadReadState.objects.create(user=marta, thread=thread, last_read_post_id=to_bob.pk)
    late = reply_to(thread, wren, body="A later reply: new to Marta.")
    step()
    held_bob = reply_to(thread, bob, body="Held for a facilitator, by Bob.")
    held_marta = reply_to(thread, marta, parent=late, body="Held, by Marta.")
    Post.objects.filter(pk__in=[held_bob.pk, held_marta.pk]).update(is_held=True)
    step()
    for i in range(4):  # a second page of replies
        reply_to(thread, wren, body=f"Page filler {i}")
        step()
    for user, post, kind in [
        (marta, to_bob, "hug"), (marta, first, "thanks"), (fay, first, "thanks"),
        (wren, first, "hug"), (bob, warned, "strength"), (marta, warned, "me_too"),
    ]:  # fmt: skip
        services.toggle_reaction(user=user, post=post, kind=kind)

    others = []
    for title, topics in [
        ("Hair loss tips", []), ("When it returns", [recurrence]),
        ("Remembering Ann", [loss]), ("Held opening", []),
    ]:  # fmt: skip
        others.append(
            start_thread(private_board, bob, title=title, body=f"About {title}.", topics=topics)
        )
        step()
    Post.objects.filter(pk=others[-1].post.pk).update(is_held=True)
    Block.objects.create(blocker=marta, blocked=bob)
    Pref.objects.create(user=marta, topic=recurrence, action=Pref.Action.COLLAPSE)
    Pref.objects.create(user=marta, topic=loss, action=Pref.Action.HIDE)
    Pref.objects.create(user=marta, topic=scans, action=Pref.Action.COLLAPSE)
    ThreadReadState.objects.create(user=marta, thread=others[0].post.thread, last_read_post_id=0)
    ThreadReadState.objects.update_or_create(
        user=marta, thread=others[1].post.thread,
        defaults={"last_read_post_id": others[1].post.pk},
    )  # fmt: skip
    assert Thread.objects.get(pk=thread.pk).reply_count > 0 and timezone.now() > START
    return {"thread": thread, "board": private_board, "marta": marta, "fay": fay, "bob": bob}


def _check(name: str, html: str) -> None:
    check(GOLDEN, name, html)


@pytest.mark.parametrize("viewer", ["marta", "fay", "bob"])
def test_thread_and_board_pages_read_exactly_as_before(scene, settings, viewer):
    """The author of some posts (edit links, own reactions, a blocked author, topic filters,
    "new" markers), a facilitator (held, hidden and anonymous posts revealed, history links) and
    the blocked person, each on page 1, page 2, a "continue this thread" page and the board."""
    settings.FORUMS_PAGE_SIZE = 5
    client = client_for(scene[viewer])
    thread = scene["thread"]
    page_1 = client.get(thread.get_absolute_url()).content.decode()
    _check(f"thread_{viewer}", page_1)
    cursor = page_1.split("after=")[1].split("#")[0]
    for _fresh_then_cached in range(2):
        page_2 = client.get(f"{thread.get_absolute_url()}?after={cursor}").content.decode()
        _check(f"thread_page2_{viewer}", page_2)
    deep = re.search(r'href="(/forums/post/\d+/replies/)"', page_1).group(1)
    _check(f"replies_{viewer}", client.get(deep).content.decode())
    _check(f"board_{viewer}", client.get(scene["board"].get_absolute_url()).content.decode())


def test_anonymous_reader_of_a_public_board_sees_the_same_page(clock):
    pin_sequences()
    board = BoardFactory(name="Treatment talk", slug="treatment-talk", allows_anonymous=True)
    writer = UserFactory(display_name="Wren")
    thread = start_thread(board, UserFactory(display_name="Ida"), title="Open thread").post.thread
    clock.shift(timedelta(hours=3))
    reply = reply_to(thread, UserFactory(display_name="Jo"), body="A public reply.")
    services.toggle_reaction(user=writer, post=reply, kind="hug")
    client = client_for(None)
    for _fresh_then_kept in range(2):  # supportgroups.visitor_pages
        _check("thread_anonymous", client.get(thread.get_absolute_url()).content.decode())
        _check("board_anonymous", client.get(board.get_absolute_url()).content.decode())


def test_a_post_already_shown_shows_its_changes_at_once(board, writer, group):
    """Posts are rendered once and reused: hiding, editing or reacting must not be missed."""
    reader = MembershipFactory(group=group).user
    thread = start_thread(board, writer, title="Changes").post.thread
    to_hide, to_edit, to_hug = (reply_to(thread, writer, body=f"Words {i}") for i in range(3))
    client = client_for(reader)
    before = client.get(thread.get_absolute_url()).content.decode()
    assert "Words 0" in before and "hidden by the moderators" not in before

    adapter_for(to_hide).hide(reason="spam")
    services.edit_post(post=to_edit, body="Better words")
    services.toggle_reaction(user=writer, post=to_hug, kind="hug")
    after = client.get(thread.get_absolute_url()).content.decode()
    assert "Words 0" not in after and "This post is hidden by the moderators." in after
    assert "Better words" in after and "Words 1" not in after
    hugs = r'value="hug">\s*<button[^>]*>Sending a hug <span class="badge[^"]*">1<'
    assert re.search(hugs, after)


def test_a_removal_or_a_group_going_quiet_reaches_a_page_already_shown(private_board, group):
    """A moderators' removal and a group that no longer meets change posts already cached."""
    writer, reader = (MembershipFactory(group=group).user for _ in range(2))
    thread = start_thread(private_board, writer, title="Quiet").post.thread
    unkind = reply_to(thread, writer, body="Unkind words")
    client = client_for(reader)
    before = client.get(thread.get_absolute_url()).content.decode()
    assert "Unkind words" in before and f"?parent={unkind.pk}" in before and "/react/" in before

    adapter_for(unkind).remove(reason="unkind")
    group.is_archived = True
    group.save(update_fields=["is_archived"])
    after = client.get(thread.get_absolute_url()).content.decode()
    assert "This post was removed by the moderators." in after and "Unkind words" not in after
    assert "This group no longer meets" in after
    assert "?parent=" not in after and "/react/" not in after  # no replies, no reactions


def test_reaction_forms_carry_this_pages_own_form_token(board, writer, group):
    """Reused post HTML gets the token of the response it is part of, so the forms work."""
    reader = MembershipFactory(group=group).user
    thread = start_thread(board, writer, title="Tokens").post.thread
    post = reply_to(thread, writer, body="React to me")
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    client.get(thread.get_absolute_url())
    page = client.get(thread.get_absolute_url()).content.decode()  # the post from the cache
    form = page.split(f'action="/forums/post/{post.pk}/react/"')[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(
        f"/forums/post/{post.pk}/react/", {"kind": "hug", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert post.reactions.filter(user=reader, kind="hug").exists()


@pytest.mark.parametrize(
    ("names", "context_of", "variable"),
    [
        (rendering.POST_TEMPLATES, "post", "post"),
        (rendering.THREAD_TEMPLATES, "thread", "thread"),
    ],
)
def test_the_templates_read_only_what_the_cached_context_holds(
    board, writer, names, context_of, variable
):
    """A field a template reads but the context leaves out would print as nothing, silently:
    anything new these templates show must be added to forums.rendering's context too."""
    thread = start_thread(board, writer, title="Fields").post.thread
    reply_to(thread, writer, body="A reply")
    user = writer
    if context_of == "post":
        shown = selectors.thread_for(user=user, pk=thread.pk)
        tree = selectors.thread_tree(user=user, thread=shown)
        context = rendering.post_context(
            tree.posts[0], opening=False, can_post=True, can_see_history=True, blocked_ids=set()
        )
    else:
        row = selectors.threads_page(user=user, board=board).threads[0]
        context = rendering.thread_context(row)
    sources = "".join(get_template(name).template.source for name in names)
    read = set(re.findall(rf"\b{variable}\.(\w+)", sources))
    assert read and read <= set(context[variable]), read - set(context[variable])


def test_a_writer_renamed_blocked_or_gone_shows_at_once_on_the_thread_and_the_board(
    board, writer, group
):
    """Posts and board rows are rendered once and reused: what they say about their writer is
    part of what they are reused under."""
    reader = MembershipFactory(group=group).user
    other = UserFactory(display_name="Ola")
    thread = start_thread(board, writer, title="About names").post.thread
    reply_to(thread, other, body="Ola's words")
    client = client_for(reader)
    for page in (thread.get_absolute_url(), board.get_absolute_url()):
        assert "Wren" in client.get(page).content.decode()

    update_profile(user=writer, display_name="Wren Again", time_zone="UTC", about_role="")
    for page in (thread.get_absolute_url(), board.get_absolute_url()):
        assert "Wren Again" in client.get(page).content.decode()

    block(blocker=reader, blocked=other)
    blocked = client.get(thread.get_absolute_url()).content.decode()
    assert "Hidden: you blocked Ola. Show anyway" in blocked

    writer.delete()
    for page in (thread.get_absolute_url(), board.get_absolute_url()):
        gone = client.get(page).content.decode()
        assert "Wren" not in gone and "A former member" in gone


def test_a_post_held_after_it_was_shown_leaves_the_page_until_released(private_board, group):
    writer, reader = (MembershipFactory(group=group).user for _ in range(2))
    thread = start_thread(private_board, writer, title="Held").post.thread
    held = reply_to(thread, writer, body="Words waiting")
    client = client_for(reader)
    assert "Words waiting" in client.get(thread.get_absolute_url()).content.decode()

    Post.objects.filter(pk=held.pk).update(is_held=True)  # an edit the screen held
    assert "Words waiting" not in client.get(thread.get_absolute_url()).content.decode()
    mine = client_for(writer).get(thread.get_absolute_url()).content.decode()
    assert "Words waiting" in mine and "Waiting for a facilitator" in mine
    adapter_for(held).restore()
    assert "Words waiting" in client.get(thread.get_absolute_url()).content.decode()
