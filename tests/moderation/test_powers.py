"""Powers in proportion: every action of the table against every kind of actor, through the
item page and its POST. Facilitators act inside their own groups; suspension and site-wide
silence are for site moderators; only site moderators act against staff or site moderators;
nobody handles an item about what they wrote. A refusal changes nothing at all."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation import actions, errors, queue, services
from moderation.models import AuditLogEntry, ReviewItem, Sanction
from supportgroups.models import Notification
from tests.factories import UserFactory, client_for, with_mfa

pytestmark = pytest.mark.django_db

FACILITATOR_ACTIONS = {
    "approve", "dismiss", "hide", "remove", "restore", "edit", "message", "warn", "mute",
    "escalate",
}  # fmt: skip
SANCTIONS = {"warn", "mute", "silence", "suspend"}
# The queue's actions; a thread's controls are taken where the thread is
# (tests/forums/test_thread_controls.py).
EVERY_ACTION = {name for name, row in actions.TABLE.items() if row.handler}


def _staff():
    return with_mfa(UserFactory(is_staff=True))


# persona -> (who acts, who wrote the reported post, which actions they may take, or None when
# the item is not theirs to see at all: a 404 reveals nothing, not even that it exists)
PERSONAS = {
    "facilitator of this group": ("fac_here", "member", FACILITATOR_ACTIONS),
    "facilitator of another group": ("fac_other", "member", None),
    "site moderator": ("site_mod", "member", EVERY_ACTION),
    "facilitator, staff wrote it": ("fac_here", "staff", FACILITATOR_ACTIONS - SANCTIONS),
    "facilitator, site moderator wrote it": (
        "fac_here",
        "moderate_all",
        FACILITATOR_ACTIONS - SANCTIONS,
    ),  # fmt: skip
    "site moderator, staff wrote it": ("site_mod", "staff", EVERY_ACTION),
    # Not even visible: the item would tell them who reported them.
    "facilitator, own post": ("fac_here", "fac_here", None),
    "site moderator, own post": ("site_mod", "site_mod", None),
}


@pytest.fixture
def people(scope):
    from django.contrib.auth.models import Permission

    holder = UserFactory()
    holder.user_permissions.add(Permission.objects.get(codename="moderate_all"))
    return {
        "fac_here": with_mfa(scope.facilitate(UserFactory(), 1)),
        "fac_other": with_mfa(scope.facilitate(UserFactory(), 2)),
        # A second facilitator here, so that an item about one's own post has someone else.
        "colleague": scope.facilitate(UserFactory(), 1),
        "site_mod": _staff(),
        "member": UserFactory(),
        "staff": UserFactory(is_staff=True),
        "moderate_all": holder,
    }


def _form(action: str) -> dict:
    data = {"reason": f"{action}: see the group rules"}
    if action == "silence":
        data["until"] = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    if action == "edit":
        data["text"] = "[edited by a facilitator]"
    return data


def _snapshot(post, item):
    post.refresh_from_db()
    item.refresh_from_db()
    author = post.author
    return {
        "post": (post.hidden, post.body),
        "item": (item.state, item.resolution, item.held),
        "author_active": author.is_active if author else None,
        "sanctions": Sanction.objects.count(),
        "audit": list(AuditLogEntry.objects.values_list("pk", flat=True)),
        "notifications": Notification.objects.count(),
    }


@pytest.mark.parametrize("action", sorted(EVERY_ACTION))
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_action_matrix(persona, action, people, post_model):
    actor_key, author_key, allowed = PERSONAS[persona]
    actor, author = people[actor_key], people[author_key]
    post = post_model.objects.create(author=author, body="Stop your chemo", group=1)
    item = services.request_review(target=post, reason="misinformation", by=UserFactory())
    client = client_for(actor)
    act_url = reverse("moderation:act", args=[item.pk, action])

    if allowed is None:  # not theirs: the item is not revealed, nothing can be done
        assert client.get(item.get_absolute_url()).status_code == 404
        before = _snapshot(post, item)
        assert client.post(act_url, {"version": item.version, **_form(action)}).status_code == 404
        assert _snapshot(post, item) == before
        return

    claimed = client.post(reverse("moderation:claim", args=[item.pk]), {"version": item.version})
    item.refresh_from_db()
    page = client.get(item.get_absolute_url()).content.decode()
    offered = f'action="{act_url}"' in page
    before = _snapshot(post, item)
    response = client.post(act_url, {"version": item.version, **_form(action)})

    if action in allowed:
        assert claimed.status_code == 302 and offered
        assert response.status_code == 302, response.content.decode()[:2000]
        assert AuditLogEntry.objects.filter(item=item, action=action, actor=actor).exists()
    else:
        assert not offered, f"{action} offered to {persona}"
        assert response.status_code == 403
        assert _snapshot(post, item) == before


def test_refusals_say_why(people, post_model):
    post = post_model.objects.create(author=people["member"], body="x", group=1)
    item = services.request_review(target=post, reason="spam", by=UserFactory())
    client = client_for(people["fac_here"])
    client.post(reverse("moderation:claim", args=[item.pk]), {"version": item.version})
    item.refresh_from_db()
    response = client.post(
        reverse("moderation:act", args=[item.pk, "suspend"]),
        {"version": item.version, "reason": "typed reason kept"},
    )
    assert response.status_code == 403
    assert "Only site moderators" in response.content.decode()


def test_nobody_sees_or_handles_reports_about_their_own_words(people, post_model):
    fac = people["fac_here"]
    own = post_model.objects.create(author=fac, body="my own words", group=1)
    item = services.request_review(target=own, reason="spam", by=UserFactory())
    client = client_for(fac)
    assert "my own words" not in client.get(reverse("moderation:dashboard")).content.decode()
    assert (
        client.post(reverse("moderation:claim", args=[item.pk]), {"version": 1}).status_code == 404
    )
    with pytest.raises(errors.ActionRefused, match="something you wrote"):
        queue.claim(item_id=item.pk, user=fac, version=item.version)
    assert not AuditLogEntry.objects.filter(action="claimed").exists()
    assert item.state == ReviewItem.State.OPEN  # a colleague in the group takes it


def test_services_refuse_too(people, post_model):
    """The rules live below the views: calling the action directly is refused the same way."""
    post = post_model.objects.create(author=people["staff"], body="x", group=1)
    item = services.request_review(target=post, reason="spam", by=UserFactory())
    fac = people["fac_here"]
    item = queue.claim(item_id=item.pk, user=fac, version=item.version)
    with pytest.raises(errors.ActionRefused):
        actions.do_warn(item_id=item.pk, user=fac, version=item.version, reason="r")
    with pytest.raises(errors.ActionRefused):
        actions.do_suspend(item_id=item.pk, user=fac, version=item.version, reason="r")
    assert not Sanction.objects.exists() and people["staff"].is_active


def test_own_post_with_no_other_facilitator_goes_to_site_moderators(scope, post_model, staff):
    """Nobody else in the group can take it, and its author still may not: it is escalated."""
    sole = with_mfa(scope.facilitate(UserFactory(), 3))
    post = post_model.objects.create(author=sole, body="mine", group=3)
    item = services.request_review(target=post, reason="harassment", by=UserFactory())
    item.refresh_from_db()
    assert item.state == ReviewItem.State.ESCALATED
    assert Notification.objects.filter(user=staff, url=item.get_absolute_url()).exists()
    with pytest.raises(errors.ActionRefused):
        queue.claim(item_id=item.pk, user=sole, version=item.version)
    queue.claim(item_id=item.pk, user=staff, version=item.version)


@pytest.mark.django_db(transaction=True)
def test_the_live_dashboard_never_tells_someone_they_were_reported(post_model, scope):
    """The socket only forwards (it takes no actions); it must not forward a report about one's
    own words either, while a colleague hears of it at once."""
    from asgiref.sync import async_to_sync
    from channels.db import database_sync_to_async

    from .test_crisis_path import _connect

    fac = with_mfa(scope.facilitate(UserFactory(), 1))
    colleague = with_mfa(scope.facilitate(UserFactory(), 1))
    own = post_model.objects.create(author=fac, body="my own words", group=1)

    async def scenario():
        mine, _ = await _connect(fac)
        theirs, _ = await _connect(colleague)
        item = await database_sync_to_async(services.request_review)(
            target=own, reason="harassment", by=await database_sync_to_async(UserFactory)()
        )
        heard = await theirs.receive_json_from(timeout=10)
        assert heard["item"]["id"] == item.pk
        assert await mine.receive_nothing(timeout=1)
        await mine.disconnect()
        await theirs.disconnect()

    async_to_sync(scenario)()
