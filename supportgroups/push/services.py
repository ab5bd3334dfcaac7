"""Writes: a person's devices and choices, and asking for pushes (always on commit, so a rolled
back change pushes nothing)."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from supportgroups.models import Notification, PushSettings, PushSubscription, User
from supportgroups.ratelimits import require_within

# Which in-app notifications a person may choose to have pushed. Group and moderation decisions
# stay in the list and the email.
KIND_OF_NOTIFICATION: dict[str, PushSettings.Kind] = {
    Notification.Kind.REMINDER: PushSettings.Kind.REMINDERS,
    Notification.Kind.MEETING_CHANGE: PushSettings.Kind.CHANGES,
    Notification.Kind.REPLY: PushSettings.Kind.REPLIES,
    Notification.Kind.MENTION: PushSettings.Kind.REPLIES,
    Notification.Kind.MESSAGE: PushSettings.Kind.MESSAGES,
    Notification.Kind.ANNOUNCEMENT: PushSettings.Kind.ANNOUNCEMENTS,
}


def device_label(user_agent: str) -> str:
    """ "Firefox on Android": enough to tell one's devices apart, nothing more kept."""
    agent = user_agent.lower()
    browser = next(
        (
            name
            for key, name in (
                ("edg/", "Edge"),
                ("firefox", "Firefox"),
                ("chrome", "Chrome"),
                ("chromium", "Chromium"),
                ("safari", "Safari"),
            )
            if key in agent
        ),
        "",
    )
    system = next(
        (
            name
            for key, name in (
                ("android", "Android"),
                ("iphone", "iPhone"),
                ("ipad", "iPad"),
                ("windows", "Windows"),
                ("mac os", "macOS"),
                ("linux", "Linux"),
            )
            if key in agent
        ),
        "",
    )
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("A browser")


MAX_DEVICES = 10


def check_subscribe_rate(user: User) -> None:
    require_within(
        f"push:subscribe:{user.pk}",
        limit=20,
        window=3600,
        refusal=ValidationError(_("Too many changes in an hour. Please try again later.")),
    )


@transaction.atomic
def subscribe(*, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str) -> None:
    """Turn pushes on for one device. The same endpoint again (the browser renewed it, or
    another person signed in on a shared device) now belongs to this person alone. Past
    MAX_DEVICES the device unused longest goes."""
    if not user.is_active:
        raise ValidationError(_("This account cannot receive notifications."))
    check_subscribe_rate(user)
    User.objects.select_for_update().filter(pk=user.pk).first()  # one subscribe at a time
    PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "label": device_label(user_agent)[:100],
            "last_success_at": None,
        },
    )
    # Last reached, or added (a new device is the newest).
    oldest_first = PushSubscription.objects.filter(user=user).order_by(
        Coalesce("last_success_at", "created_at"), "id"
    )
    surplus = oldest_first.count() - MAX_DEVICES
    if surplus > 0:
        PushSubscription.objects.filter(
            pk__in=list(oldest_first.values_list("pk", flat=True)[:surplus])
        ).delete()


@transaction.atomic
def remove_device(*, user: User, device_id: int) -> bool:
    deleted, _rows = PushSubscription.objects.filter(user=user, pk=device_id).delete()
    return bool(deleted)


@transaction.atomic
def unsubscribe_endpoint(*, user: User, endpoint: str) -> bool:
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return bool(deleted)


def remove_all_devices(*, user: User) -> int:
    """Sign-out everywhere and memorials: no device of theirs hears anything more."""
    deleted, _rows = PushSubscription.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def save_choices(
    *, user: User, kinds: list[str], quiet_from: dt.time | None, quiet_until: dt.time | None
) -> PushSettings:
    unknown = set(kinds) - set(PushSettings.Kind.values)
    if unknown:
        raise ValidationError(_("Choose from the kinds listed."))
    if (quiet_from is None) != (quiet_until is None):
        raise ValidationError(_("Give both ends of the quiet hours, or neither."))
    choices, _created = PushSettings.objects.update_or_create(
        user=user,
        defaults={
            "kinds": [kind for kind in PushSettings.Kind.values if kind in kinds],
            "quiet_from": quiet_from,
            "quiet_until": quiet_until,
        },
    )
    return choices


def mirror(*, user_id: int, notification_kind: str, url: str) -> None:
    """The in-app notification just written (already decided: blocks, sanctions, access) is
    pushed too, if its kind can be and the person has a device."""
    mirror_many(user_ids=[user_id], notification_kind=notification_kind, url=url)


def mirror_many(*, user_ids: Iterable[int], notification_kind: str, url: str) -> None:
    kind = KIND_OF_NOTIFICATION.get(notification_kind)
    if kind is None:
        return
    people = list(user_ids)
    transaction.on_commit(lambda: _ask_for_pushes(people, kind.value, url))


def _ask_for_pushes(user_ids: list[int], kind: str, url: str) -> None:
    from .tasks import push_to_person

    # One small query saves a task for everyone who never turned pushes on (most people).
    with_devices = set(
        PushSubscription.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
    )
    for user_id in user_ids:
        if user_id in with_devices:
            push_to_person.delay(user_id, kind, url)


def alert_urgently(*, people: Iterable[User], url: str, title: str) -> int:
    """A crisis alert or an escalation to people on duty: high urgency, never held by quiet
    hours or a choice (like the email, it is part of the role). Returns how many devices."""
    from .delivery import Payload, safe_path
    from .tasks import send_to_device

    active = [person for person in people if person.is_active]
    devices = PushSubscription.objects.filter(user__in=active).values_list("pk", flat=True)
    payload = Payload(title=title, body="", url=safe_path(url), tag="urgent").encode()
    count = 0
    for device_id in devices:
        send_to_device.delay(device_id, payload, True)
        count += 1
    return count
