"""The crisis path end to end: a real Celery worker (Redis broker), the Redis channel layer and
the dashboard consumer. Nothing is mocked."""

import time

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.template.loader import render_to_string
from django.test import override_settings

from moderation import emails, queue, selectors, services
from moderation.consumers import DashboardConsumer
from moderation.live import user_group
from moderation.models import AuditLogEntry, ReviewItem
from supportgroups.models import Notification
from tests.factories import OnDutyShiftFactory, UserFactory, with_mfa

ALERT_WITHIN = 60  # seconds: how soon the on-duty moderator must hear of someone at risk


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_crisis_post_alerts_the_on_duty_facilitator_within_60_seconds(
    celery_worker, crisis_lexicon, post_model, scope
):
    on_duty = with_mfa(scope.facilitate(UserFactory(email="duty@example.org"), 1))
    OnDutyShiftFactory(user=on_duty)
    off_duty = scope.facilitate(UserFactory(email="off@example.org"), 1)
    other_group = scope.facilitate(UserFactory(email="other@example.org"), 2)
    OnDutyShiftFactory(user=other_group)  # on duty, but may not see group 1
    writer = UserFactory()

    def write():
        post = post_model.objects.create(
            author=writer, body="I can't go on. I want to kill myself.", group=1
        )
        return services.screen(post)  # committed at once (no outer transaction)

    async def scenario():
        # The on-duty facilitator has the dashboard open: a real consumer over the Redis layer.
        dashboard, connected = await _connect(on_duty)
        assert connected
        started = time.monotonic()
        result = await database_sync_to_async(write)()
        # No match means no alert task at all: say so now rather than after a 60 s wait.
        assert result.crisis, "no crisis phrase matched: is the seeded lexicon there?"
        message = await dashboard.receive_json_from(timeout=ALERT_WITHIN)
        await dashboard.disconnect()
        return result, message, started

    result, message, started = async_to_sync(scenario)()
    # 1. the writer's side is told at once to show the caring message with crisis lines
    assert result.crisis
    page = render_to_string(
        "moderation/_crisis_message.html", {"crisis_lines": selectors.crisis_lines_for(writer)}
    )
    assert "Samaritans" in page and "116 123" in page  # the writer's zone is Europe/London
    # 3. the live alert reached the dashboard socket, and the worker sent the email
    item = ReviewItem.objects.get()
    assert message["type"] == "crisis" and message["item"]["id"] == item.pk
    assert message["item"]["crisis"] is True
    while not mail.outbox and time.monotonic() - started < ALERT_WITHIN:
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    assert elapsed < ALERT_WITHIN
    print(f"crisis alert: dashboard push and email {elapsed:.2f}s after the post")
    assert [m.to for m in mail.outbox] == [["duty@example.org"]]
    assert item.get_absolute_url() in mail.outbox[0].body
    # 2. the item is at the top of the queue, escalated
    assert selectors.queue(on_duty)[0] == item and item.state == "escalated"
    assert item.alerted_at is not None
    assert off_duty.email not in {a for m in mail.outbox for a in m.to}


@pytest.mark.django_db(transaction=True)
@override_settings(MODERATION_CRISIS_BACKUP_MINUTES=0)
def test_unclaimed_crisis_goes_to_the_backup_contacts(post_model, scope):
    staff = UserFactory(is_staff=True, email="staff@example.org")
    backup = UserFactory(is_staff=True, email="backup@example.org")
    OnDutyShiftFactory(user=backup, is_backup=True)
    target = UserFactory()
    item = services.request_review(target=target, reason="at_risk", by=UserFactory())
    # Nobody on the (non-backup) rota: the site moderators are alerted instead of nobody.
    assert emails.send_crisis_alert(item_id=item.pk) == 2
    assert sorted(a for m in mail.outbox for a in m.to) == [backup.email, staff.email]
    assert emails.send_crisis_alert(item_id=item.pk) == 0  # a redelivered task sends nothing
    mail.outbox.clear()

    assert emails.escalate_unclaimed_crises() == 1
    assert [m.to for m in mail.outbox] == [[backup.email]]
    assert AuditLogEntry.objects.filter(item=item, action="backup_alert").exists()
    assert emails.escalate_unclaimed_crises() == 0  # once
    # The person reported as at risk is reached out to, privately.
    note = Notification.objects.get(user=target)
    assert note.url == "/moderation/support/"


@pytest.mark.django_db(transaction=True)
def test_claimed_crisis_is_not_escalated_to_backups(post_model, staff):
    item = services.request_review(target=UserFactory(), reason="at_risk", by=UserFactory())
    emails.send_crisis_alert(item_id=item.pk)
    item.refresh_from_db()
    queue.claim(item_id=item.pk, user=staff, version=item.version)
    with override_settings(MODERATION_CRISIS_BACKUP_MINUTES=0):
        assert emails.escalate_unclaimed_crises() == 0


async def _connect(user):
    communicator = WebsocketCommunicator(DashboardConsumer.as_asgi(), "/ws/moderation/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    return communicator, connected


@pytest.mark.django_db(transaction=True)
def test_dashboard_socket_rechecks_permission_on_every_event(post_model, scope):
    fac = with_mfa(scope.facilitate(UserFactory(), 1))
    no_mfa = scope.facilitate(UserFactory(), 1)
    member = with_mfa(UserFactory())
    in_a = post_model.objects.create(author=UserFactory(), body="in group one", group=1)
    in_b = post_model.objects.create(author=UserFactory(), body="in group two", group=2)

    async def scenario():
        for outsider in (no_mfa, member):
            _, connected = await _connect(outsider)
            assert not connected
        communicator, connected = await _connect(fac)
        assert connected
        layer = get_channel_layer()
        item_b = await database_sync_to_async(services.request_review)(
            target=in_b, reason="spam", by=await database_sync_to_async(UserFactory)()
        )
        # An event about a group-two item sent to this facilitator's group is not forwarded.
        await layer.group_send(
            user_group(fac.pk), {"type": "moderation.event", "item_id": item_b.pk, "kind": "new"}
        )
        assert await communicator.receive_nothing(timeout=1)
        # A new report in group one arrives through the real on-commit push.
        item_a = await database_sync_to_async(services.request_review)(
            target=in_a, reason="harassment", by=await database_sync_to_async(UserFactory)()
        )
        message = await communicator.receive_json_from(timeout=10)
        assert message["type"] == "new" and message["item"]["id"] == item_a.pk
        assert message["item"]["excerpt"] == "in group one"
        # Losing the facilitator role closes the connection at the next event.
        scope.facilitators[1] = []
        await layer.group_send(
            user_group(fac.pk), {"type": "moderation.event", "item_id": item_a.pk, "kind": "new"}
        )
        assert (await communicator.receive_output(timeout=5))["type"] == "websocket.close"
        await communicator.wait()

    async_to_sync(scenario)()
