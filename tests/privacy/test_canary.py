"""The canary test: unique words planted in hidden, held, removed and private content never reach
anyone but the people allowed to read them.

Every persona who is not a moderator of the place (a visitor, an outsider, a member of another
group, a member of this group, the facilitator of another group) opens every page that could
show the words: forum index, boards, threads, "continue this thread", reply and quote pages,
report pages, search, their notifications, the chat room and what a reconnecting chat client is
sent, the digest email, and their own data export. The board's moderators do read the words in
their moderation views, which proves the canaries were really planted.
"""

import json
import uuid
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.urls import reverse

from forums import services as forum_services
from forums.emails import send_digest
from forums.models import EmailPreference, Post
from forums.notifications import deliver_post_notifications
from groups.chat import selectors as chat_selectors
from groups.chat import services as chat_services
from groups.permissions import can_view_private
from moderation import actions, queue
from moderation import services as moderation_services
from moderation.models import ReviewItem
from supportgroups.privacy import export
from tests.factories import (
    BoardFactory,
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
    with_mfa,
)

pytestmark = pytest.mark.django_db

PUBLIC_HIDDEN = "canarypublichidden"
PUBLIC_REMOVED = "canarypublicremoved"
GROUP_HIDDEN = "canarygrouphidden"
GROUP_HELD = "canarygroupheld"
GROUP_HELD_THREAD = "canaryheldthread"
GROUP_REMOVED = "canarygroupremoved"
GROUP_PRIVATE = "canarygroupprivate"
CHAT_HIDDEN = "canarychathidden"
CHAT_PRIVATE = "canarychatprivate"
SECRET_EVERYWHERE = [
    PUBLIC_HIDDEN, PUBLIC_REMOVED, GROUP_HIDDEN, GROUP_HELD, GROUP_REMOVED, GROUP_HELD_THREAD,
    CHAT_HIDDEN,
]  # fmt: skip
PRIVATE_TO_GROUP = [GROUP_PRIVATE, CHAT_PRIVATE]
MENTIONS = "\n\n@Otto\n\n@Olga\n\n@Fred\n\n@Marta"


@pytest.fixture(autouse=True)
def _generous_posting_limits(settings):
    settings.FORUMS_POSTS_PER_MINUTE = 1000
    settings.FORUMS_POSTS_PER_HOUR = 1000


def _moderate(target, *, by, action: str) -> ReviewItem:
    """What a moderator does from the queue: the item is flagged, claimed, then acted on."""
    item = moderation_services.request_review(target=target, reason="harassment")
    item = queue.claim(item_id=item.pk, user=by, version=item.version)
    actions.TABLE[action].handler(item_id=item.pk, user=by, version=item.version, reason="Not kind")
    return item


@dataclass
class World:
    people: dict = field(default_factory=dict)
    posts: dict = field(default_factory=dict)  # canary -> Post
    items: dict = field(default_factory=dict)  # canary -> (ReviewItem, its moderator)
    threads: list = field(default_factory=list)
    boards: list = field(default_factory=list)
    group: object = None
    room: object = None


@pytest.fixture
def world() -> World:
    w = World()
    group, other = SupportGroupFactory(slug="circle"), SupportGroupFactory(slug="elsewhere")
    w.group = group
    staff = with_mfa(UserFactory(display_name="Stella", is_staff=True))
    fay = with_mfa(FacilitatorMembershipFactory(group=group, user=UserFactory()).user)
    wendy = MembershipFactory(group=group, user=UserFactory(display_name="Wendy")).user
    hal = MembershipFactory(group=group, user=UserFactory(display_name="Hal")).user
    w.people = {
        "visitor": None,
        "outsider": UserFactory(display_name="Otto"),
        "member of another group": MembershipFactory(
            group=other, user=UserFactory(display_name="Olga")
        ).user,
        "facilitator of another group": with_mfa(
            FacilitatorMembershipFactory(group=other, user=UserFactory(display_name="Fred")).user
        ),
        "member of this group": MembershipFactory(
            group=group, user=UserFactory(display_name="Marta")
        ).user,
    }
    for person in filter(None, w.people.values()):
        EmailPreference.objects.create(user=person, digest=EmailPreference.Digest.DAILY)

    public = BoardFactory(name="Open talk", slug="open-talk", allows_anonymous=True)
    private = forum_services.ensure_group_board(group=group)
    w.boards = [public, private]
    public_thread = forum_services.create_thread(
        author=staff, board=public, title="Open thread", body="Welcome, all."
    ).post.thread
    group_thread = forum_services.create_thread(
        author=fay, board=private, title="Circle thread", body="Welcome, circle."
    ).post.thread
    w.threads = [public_thread, group_thread]
    for person in filter(None, w.people.values()):
        forum_services.follow(user=person, thread=public_thread)
        forum_services.follow(user=person, thread=group_thread)

    def write(thread, author, canary: str) -> Post:
        post = forum_services.create_reply(
            author=author, thread=thread, body=f"{canary} hurtful words{MENTIONS}"
        ).post
        deliver_post_notifications(post_id=post.pk)  # people were told before moderation acted
        w.posts[canary] = post
        return post

    for canary, thread, author, moderator, action in [
        (PUBLIC_HIDDEN, public_thread, wendy, staff, "hide"),
        (PUBLIC_REMOVED, public_thread, wendy, staff, "remove"),
        (GROUP_HIDDEN, group_thread, wendy, fay, "hide"),
        (GROUP_REMOVED, group_thread, wendy, fay, "remove"),
    ]:
        post = write(thread, author, canary)
        w.items[canary] = (_moderate(post, by=moderator, action=action), moderator)
    write(group_thread, wendy, GROUP_PRIVATE)
    group.premoderated_posts = 1
    group.save(update_fields=["premoderated_posts"])
    held = write(group_thread, hal, GROUP_HELD)
    held.refresh_from_db()
    assert held.is_held
    w.items[GROUP_HELD] = (ReviewItem.objects.get(object_id=held.pk, held=True), fay)
    newcomer = MembershipFactory(group=group).user
    held_opening = forum_services.create_thread(
        author=newcomer, board=private, title=f"{GROUP_HELD_THREAD} title", body=GROUP_HELD_THREAD
    ).post
    assert held_opening.is_held
    w.threads.append(held_opening.thread)
    w.items[GROUP_HELD_THREAD] = (ReviewItem.objects.get(object_id=held_opening.pk), fay)
    group.premoderated_posts = 0
    group.save(update_fields=["premoderated_posts"])

    room = chat_services.room_for_group(group=group)
    w.room = room
    chat_services.post_message(
        room=room, author=wendy, body=f"{CHAT_PRIVATE} hello", client_msg_id=uuid.uuid4()
    )
    hidden = chat_services.post_message(
        room=room, author=wendy, body=f"{CHAT_HIDDEN} nasty", client_msg_id=uuid.uuid4()
    ).message
    w.items[CHAT_HIDDEN] = (_moderate(hidden, by=fay, action="hide"), fay)
    w.people["_writer_of_held"] = hal
    return w


def _pages(w: World) -> list[str]:
    urls = [reverse("forums:index"), reverse("notifications")]
    urls += [board.get_absolute_url() for board in w.boards]
    for thread in w.threads:
        urls += [thread.get_absolute_url(), f"{thread.get_absolute_url()}?sort=newest"]
        urls.append(reverse("forums:reply", args=[thread.pk]))
    for post in w.posts.values():
        urls += [
            reverse("forums:replies", args=[post.pk]),
            f"{reverse('forums:reply', args=[post.thread_id])}?parent={post.pk}&quote=1",
            f"{reverse('forums:reply', args=[post.thread_id])}?parent={post.pk}",
            reverse("moderation:report", args=["forums.post", post.pk]),
            reverse("forums:history", args=[post.pk]),
            reverse("forums:edit", args=[post.pk]),
        ]
    urls += [item.get_absolute_url() for item, _moderator in w.items.values()]
    urls.append(f"{reverse('forums:search')}?q=hurtful")  # every canary post says it
    urls += [reverse("groups:detail", args=[slug]) for slug in ("circle", "elsewhere")]
    urls.append(w.room.get_absolute_url())
    urls += [
        reverse("moderation:report", args=["chat.chatmessage", m.pk]) for m in w.room.messages.all()
    ]
    return urls


def _chat_frames(w: World, person) -> str:
    """What the socket sends: the recent page, a reconnect's catch-up, older history."""
    frames = [
        chat_selectors.serialize_message(m)
        for m in [
            *chat_selectors.recent_messages(room=w.room, user=person),
            *chat_selectors.messages_after(room=w.room, user=person, after=0, limit=100),
            *chat_selectors.messages_before(room=w.room, user=person, before=10**9),
        ]
    ]
    return json.dumps(frames)


def _everything_shown_to(w: World, person) -> dict[str, str]:
    """Each page, message and file this person can get, by where it came from."""
    client = client_for(person)
    seen = {url: client.get(url).content.decode() for url in _pages(w)}
    if person is None:
        return seen
    if can_view_private(person, w.group):  # the chat socket's own check, before any frame
        seen["chat frames"] = _chat_frames(w, person)
    mail.outbox.clear()
    send_digest(user_id=person.pk)
    seen["digest email"] = "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox)
    seen["data export"] = json.dumps(export.collect(user=person), default=str)
    return seen


@pytest.mark.parametrize(
    "persona",
    [
        "visitor",
        "outsider",
        "member of another group",
        "facilitator of another group",
        "member of this group",
    ],
)
def test_no_canary_reaches_anyone_who_may_not_read_it(world, persona):
    person = world.people[persona]
    forbidden = list(SECRET_EVERYWHERE)
    if persona != "member of this group":
        forbidden += PRIVATE_TO_GROUP
    leaks = [
        f"{canary} in {where}"
        for where, text in _everything_shown_to(world, person).items()
        for canary in forbidden
        if canary in text
    ]
    assert leaks == []


def test_the_member_of_this_group_does_read_what_is_shown(world):
    """The pages are the right ones: the group's visible words reach its member."""
    seen = _everything_shown_to(world, world.people["member of this group"])
    assert GROUP_PRIVATE in seen[world.threads[1].get_absolute_url()]
    assert CHAT_PRIVATE in seen[world.room.get_absolute_url()]
    assert GROUP_PRIVATE in seen["digest email"]


def test_moderators_read_every_canary_in_their_moderation_views(world):
    for canary, (item, moderator) in world.items.items():
        page = client_for(moderator).get(item.get_absolute_url())
        assert page.status_code == 200
        assert canary in page.content.decode(), canary


def test_the_writer_of_a_held_post_still_sees_it_waiting(world):
    page = client_for(world.people["_writer_of_held"]).get(world.threads[1].get_absolute_url())
    assert GROUP_HELD in page.content.decode()


def test_removal_blanks_the_public_copy(world):
    for canary in (PUBLIC_REMOVED, GROUP_REMOVED):
        post = Post.objects.get(pk=world.posts[canary].pk)
        assert canary not in post.body and canary not in post.body_html
