"""People and places for the cross-app tests: a group with its private board, a facilitator who
can open the moderation dashboard (TOTP set up, as moderation requires), two members, and a
second group with its own facilitator; and a small world with one address for every page."""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from forums import services as forums
from groups.meetings.models import CalendarFeed
from tests.factories import (
    BoardFactory,
    FacilitatorMembershipFactory,
    MembershipFactory,
    OccurrenceFactory,
    ResourceFactory,
    SupportGroupFactory,
    UserFactory,
    with_mfa,
)


@pytest.fixture
def group(db):
    return SupportGroupFactory(name="Thursday circle", slug="thursday-circle")


@pytest.fixture
def board(group):
    return forums.ensure_group_board(group=group)


@pytest.fixture
def facilitator(group):
    user = UserFactory(display_name="Facil Fran")
    FacilitatorMembershipFactory(group=group, user=user)
    return with_mfa(user)


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user=UserFactory(display_name="Marta")).user


@pytest.fixture
def other_member(group):
    return MembershipFactory(group=group, user=UserFactory(display_name="Nico")).user


@pytest.fixture
def other_facilitator(db):
    """Facilitates a different group: must see nothing of the first group's queue."""
    user = UserFactory(display_name="Facil Olga")
    FacilitatorMembershipFactory(group=SupportGroupFactory(name="Other group"), user=user)
    return with_mfa(user)


@dataclass
class World:
    client: Client
    person: object
    group: object
    board: object
    thread: object
    post: object
    occurrence: object
    resource: object
    feed: object
    membership: object


@pytest.fixture
def world(db, settings):
    settings.FORUMS_POSTS_PER_MINUTE = settings.FORUMS_POSTS_PER_HOUR = 10_000
    settings.RESOURCES_SUGGESTIONS_PER_DAY = 10_000
    group = SupportGroupFactory()
    person = FacilitatorMembershipFactory(group=group).user
    membership = MembershipFactory(group=group)
    board = BoardFactory()
    forums.ensure_group_board(group=group)
    thread = forums.create_thread(author=person, board=board, title="Hello", body="First").post
    thread = thread.thread
    post = forums.create_reply(author=membership.user, thread=thread, parent=None, body="A reply")
    client = Client()
    client.force_login(person)
    return World(
        client=client,
        person=person,
        group=group,
        board=board,
        thread=thread,
        post=post.post,
        occurrence=OccurrenceFactory(series__group=group),
        resource=ResourceFactory(),
        feed=CalendarFeed.objects.create(user=person),
        membership=membership,
    )


def _patterns(resolvers, namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield ":".join(filter(None, [namespace, entry.name])), entry


def every_page(world: World) -> list[str]:
    """One address for every named URL pattern of the site (the admin aside), naming real rows
    where a pattern takes an id or slug, so the views get past their lookups."""
    ids = {
        "forums:thread": world.thread.pk,
        "forums:reply": world.thread.pk,
        "forums:follow_thread": world.thread.pk,
        "meetings:series": world.occurrence.series_id,
        "meetings:series_edit": world.occurrence.series_id,
        "privacy:member": world.membership.user_id,
        "privacy:block": world.membership.user_id,
        "privacy:unblock": world.membership.user_id,
    }
    slugs = {"forums:board": world.board.slug, "forums:new_thread": world.board.slug}
    slugs.update(dict.fromkeys([f"resources:{n}" for n in ("detail", "edit")], world.resource.slug))
    urls = []
    for name, pattern in _patterns(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue
        kwargs = {}
        for kwarg in pattern.pattern.regex.groupindex:
            if kwarg in (
                "pk",
                "item_id",
                "action_id",
                "object_id",
                "invitation_id",
                "plan_id",
                "follow_up_id",
                "announcement_id",
                "offer_id",
            ):
                default = world.post.pk if name.startswith("forums:") else world.occurrence.pk
                kwargs[kwarg] = ids.get(name, default)
            elif kwarg == "membership_id":
                kwargs[kwarg] = world.membership.pk
            elif kwarg == "user_id":
                kwargs[kwarg] = world.membership.user_id
            elif kwarg == "sequence":  # a message's number within its conversation
                kwargs[kwarg] = 1
            elif kwarg == "slug":
                kwargs[kwarg] = slugs.get(name, world.group.slug)
            elif kwarg == "token" and name == "meetings:feed":
                kwargs[kwarg] = world.feed.token
            else:
                kwargs[kwarg] = {"fmt": "json", "uidb36": "1", "label": "post"}.get(kwarg, "x")
        urls.append(reverse(name, kwargs=kwargs))
    return urls
