"""Sending pushes: the decision at send time (still active? wants this kind? quiet now?) and the
encrypted, VAPID-signed request to each device's push service.

Called from `tasks.py`, which retries a device whose push service failed for now (a network
error, 429, 5xx) with backoff. A subscription its push service no longer knows (404, 410) is
deleted. The payload is a generic title and a link; the page loads the words after sign-in.
"""

import datetime as dt
import json
import logging
import zoneinfo
from dataclasses import asdict, dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pywebpush import WebPushException, webpush

from supportgroups.languages import in_language, site_name
from supportgroups.models import PushSettings, PushSubscription, User

log = logging.getLogger(__name__)

TITLES = {
    PushSettings.Kind.REMINDERS: gettext_lazy("Meeting reminder"),
    PushSettings.Kind.CHANGES: gettext_lazy("Meeting changed"),
    PushSettings.Kind.REPLIES: gettext_lazy("New reply"),
    PushSettings.Kind.MESSAGES: gettext_lazy("New message"),
    PushSettings.Kind.ANNOUNCEMENTS: gettext_lazy("New announcement"),
}
HELD = "held"  # the one push sent when quiet hours end


class TryLater(Exception):
    """The push service could not take the push now; the task tries again later."""


@dataclass(frozen=True)
class Payload:
    """What the service worker shows: never the words or anything about anyone's health."""

    title: str
    body: str
    url: str
    tag: str

    def encode(self) -> str:
        return json.dumps(asdict(self))


def safe_path(url: str) -> str:
    """Only a path on this site: a push never opens another site."""
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return "/notifications/"


def payload_for(person: User, *, kind: str, url: str) -> Payload:
    with in_language(person):
        if kind == HELD:
            title = _("Notifications while you were resting")
        else:
            title = str(TITLES[PushSettings.Kind(kind)])
        body = _("Open %(site)s to read it.") % {"site": site_name()}
    return Payload(title=title, body=body, url=safe_path(url), tag=kind)


def quiet_now(choices: PushSettings, *, time_zone: str, now: dt.datetime) -> bool:
    start, end = choices.quiet_from, choices.quiet_until
    if start is None or end is None or start == end:
        return False
    local = now.astimezone(zoneinfo.ZoneInfo(time_zone)).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end  # past midnight


@dataclass(frozen=True)
class Plan:
    person: User
    devices: list[int]


def plan_for_person(*, user_id: int, kind: str, now: dt.datetime) -> Plan | None:
    """Who gets this push now, and on which devices. During their quiet hours nothing goes:
    the settings remember that something waits, and `release_held` tells them when it ends."""
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:  # memorial, suspended or deleted: nothing reaches a device
        return None
    devices = list(PushSubscription.objects.filter(user=person).values_list("pk", flat=True))
    if not devices:
        return None
    choices = PushSettings.objects.filter(user=person).first() or PushSettings(user=person)
    if kind not in choices.kinds:
        return None
    if quiet_now(choices, time_zone=person.time_zone, now=now):
        if choices.pk is not None:
            PushSettings.objects.filter(pk=choices.pk, held_since__isnull=True).update(
                held_since=now
            )
        return None
    return Plan(person=person, devices=devices)


def release_held(*, now: dt.datetime) -> list[Plan]:
    """People whose quiet hours have ended with something held: each is told once (the mark is
    cleared under the row's lock)."""
    released = []
    waiting = PushSettings.objects.filter(held_since__isnull=False, user__is_active=True)
    for settings_id in waiting.values_list("pk", flat=True):
        with transaction.atomic():
            choices = (
                PushSettings.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user")
                .filter(pk=settings_id, held_since__isnull=False)
                .first()
            )
            if choices is None or quiet_now(choices, time_zone=choices.user.time_zone, now=now):
                continue
            choices.held_since = None
            choices.save(update_fields=["held_since"])
        devices = list(
            PushSubscription.objects.filter(user_id=choices.user_id).values_list("pk", flat=True)
        )
        if devices:
            released.append(Plan(person=choices.user, devices=devices))
    return released


def send_to_device(*, subscription_id: int, payload: str, urgent: bool) -> str:
    """One push to one device: "sent", "gone" (the device was removed meanwhile), "removed"
    (404/410: its push service forgot it) or "refused" (another 4xx, logged). Raises TryLater."""
    device = PushSubscription.objects.filter(pk=subscription_id).first()
    if device is None:
        return "gone"
    headers: dict[str, str | int | float] = {"Urgency": "high" if urgent else "normal"}
    if not urgent:
        # A newer push of the same kind replaces one the phone has not fetched yet.
        headers["Topic"] = json.loads(payload)["tag"]
    try:
        webpush(
            subscription_info={
                "endpoint": device.endpoint,
                "keys": {"p256dh": device.p256dh, "auth": device.auth},
            },
            data=payload,
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=settings.PUSH_URGENT_TTL_SECONDS if urgent else settings.PUSH_TTL_SECONDS,
            headers=headers,
            timeout=10,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            device.delete()
            return "removed"
        if status is None or status == 429 or status >= 500:
            raise TryLater(f"push service answered {status}") from error
        log.warning("push.refused", extra={"status": status, "device": device.pk})
        return "refused"
    except requests.RequestException as error:
        raise TryLater(str(error)) from error
    PushSubscription.objects.filter(pk=device.pk).update(last_success_at=timezone.now())
    return "sent"
