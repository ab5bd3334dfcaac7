"""Crisis alerts and escalations reach the phones of the people on duty now (the rota, on a
frozen clock) as high-urgency pushes, whatever their quiet hours; the backups' when escalated."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import override_settings

from moderation import emails, services
from supportgroups.push import services as push_services
from tests.factories import OnDutyShiftFactory, UserFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY_AFTERNOON = dt.datetime(2026, 12, 8, 14, 0, tzinfo=LONDON)  # weekday 1


@pytest.mark.django_db
@override_settings(MODERATION_ROTA_TIME_ZONE="Europe/London", MODERATION_CRISIS_BACKUP_MINUTES=10)
def test_crisis_alert_pushes_the_on_duty_now_then_the_backup(
    vapid, push_server, device_of, tasks_run_here
):
    day = UserFactory(is_staff=True)
    OnDutyShiftFactory(user=day, weekday=1, start="09:00", end="17:00")
    evening = UserFactory(is_staff=True)
    OnDutyShiftFactory(user=evening, weekday=1, start="17:00", end="23:00")
    backup = UserFactory(is_staff=True)
    OnDutyShiftFactory(user=backup, weekday=1, start="00:00", end="23:59:59", is_backup=True)
    day_phone, evening_phone, backup_phone = device_of(day), device_of(evening), device_of(backup)
    # Quiet hours all day long: a crisis alert to the person on duty is never held.
    push_services.save_choices(
        user=day, kinds=[], quiet_from=dt.time(0, 0), quiet_until=dt.time(23, 59)
    )

    with time_machine.travel(TUESDAY_AFTERNOON, tick=False):
        item = services.request_review(target=UserFactory(), reason="at_risk", by=UserFactory())
        assert emails.send_crisis_alert(item_id=item.pk) == 1
        received = push_server.next()
        assert received.path == day_phone.endpoint.removeprefix(push_server.origin)
        assert received.headers["urgency"] == "high"
        assert received.headers["ttl"] == str(vapid.PUSH_URGENT_TTL_SECONDS)
        assert "topic" not in received.headers  # every alert shows, none replaces another
        assert day_phone.decrypt(received) == {
            "title": "Urgent: a member may be at risk",
            "body": "",
            "url": f"/moderation/items/{item.pk}/",
            "tag": "urgent",
        }
        assert push_server.nothing_more()  # not the evening shift, not yet the backup

    with time_machine.travel(TUESDAY_AFTERNOON + dt.timedelta(minutes=11), tick=False):
        assert emails.escalate_unclaimed_crises() == 1
        received = push_server.next()
        assert received.path == backup_phone.endpoint.removeprefix(push_server.origin)
        assert received.headers["urgency"] == "high"
        assert backup_phone.decrypt(received)["title"] == "Still unclaimed: a member may be at risk"
        assert push_server.nothing_more()
    assert evening_phone  # subscribed all along, never on duty


@pytest.mark.django_db
@override_settings(MODERATION_ROTA_TIME_ZONE="Europe/London")
def test_the_evening_shift_hears_an_alert_in_the_evening(
    vapid, push_server, device_of, tasks_run_here
):
    day, evening = UserFactory(is_staff=True), UserFactory(is_staff=True)
    OnDutyShiftFactory(user=day, weekday=1, start="09:00", end="17:00")
    OnDutyShiftFactory(user=evening, weekday=1, start="17:00", end="02:00")  # past midnight
    device_of(day)
    evening_phone = device_of(evening)
    with time_machine.travel(dt.datetime(2026, 12, 9, 1, 30, tzinfo=LONDON), tick=False):
        item = services.request_review(target=UserFactory(), reason="at_risk", by=UserFactory())
        assert emails.send_crisis_alert(item_id=item.pk) == 1
        received = push_server.next()
        assert received.path == evening_phone.endpoint.removeprefix(push_server.origin)
        assert push_server.nothing_more()
