"""factory-boy factories, one section per app. Add to your app's section only."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

PASSWORD = "a-long-test-password-42"

# --- supportgroups ---------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified email address who can sign in with PASSWORD."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    time_zone = "Europe/London"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=extracted is not False
            )


def with_mfa(user):
    """Turn on TOTP for `user`: staff need it for admin, moderation and groups' private parts."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


def client_for(user) -> Client:
    """A test client signed in as `user`; a visitor's for None."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- groups ----------------------------------------------------------------------------------


class CancerTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.CancerType"
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Cancer type {n}")
    slug = factory.Sequence(lambda n: f"cancer-type-{n}")


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.Audience"
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Audience {n}")
    slug = factory.Sequence(lambda n: f"audience-{n}")


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.Language"
        django_get_or_create = ["code"]

    code = "en"
    name = "English"


class SupportGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.SupportGroup"

    name = factory.Sequence(lambda n: f"Support group {n}")
    slug = factory.Sequence(lambda n: f"support-group-{n}")
    summary = "A friendly group for people affected by cancer."
    format = "online"
    time_zone = "Europe/London"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.Membership"

    user = factory.SubFactory(UserFactory)
    group = factory.SubFactory(SupportGroupFactory)
    role = "member"
    state = "active"


class FacilitatorMembershipFactory(MembershipFactory):
    role = "facilitator"


# --- meetings --------------------------------------------------------------------------------


def _in_two_hours():
    import datetime as dt

    from django.utils import timezone

    return timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2)


def _local(instant, time_zone: str):
    import zoneinfo

    return instant.astimezone(zoneinfo.ZoneInfo(time_zone))


def _an_hour_after(occurrence):
    import datetime as dt

    return occurrence.starts_at + dt.timedelta(hours=1)


class MeetingSeriesFactory(factory.django.DjangoModelFactory):
    """A weekly online meeting whose first date is `first_at` (in two hours unless given), on its
    local date and at its local time; create occurrences with OccurrenceFactory or the services."""

    class Meta:
        model = "meetings.MeetingSeries"

    class Params:
        first_at = factory.LazyFunction(_in_two_hours)

    group = factory.SubFactory(SupportGroupFactory)
    title = factory.Sequence(lambda n: f"Weekly check-in {n}")
    starts_on = factory.LazyAttribute(lambda s: _local(s.first_at, s.time_zone).date())
    start_time = factory.LazyAttribute(lambda s: _local(s.first_at, s.time_zone).time())
    duration_minutes = 60
    time_zone = factory.SelfAttribute("group.time_zone")
    recurrence = "weekly"
    join_url = "https://video.example.org/room-42"


class OccurrenceFactory(factory.django.DjangoModelFactory):
    """One occurrence starting in two hours unless `starts_at` is given. Its own series (unless
    one is given) has its rule at that date and time, so the series' rule keeps it whatever the
    hour: rebuilding the dates (`materialise_occurrences`) leaves it alone."""

    class Meta:
        model = "meetings.Occurrence"

    series = factory.SubFactory(MeetingSeriesFactory, first_at=factory.SelfAttribute("..starts_at"))
    starts_at = factory.LazyFunction(_in_two_hours)
    ends_at = factory.LazyAttribute(_an_hour_after)
    local_date = factory.LazyAttribute(lambda o: _local(o.starts_at, o.series.time_zone).date())


# --- chat ------------------------------------------------------------------------------------


# --- forums ----------------------------------------------------------------------------------


class BoardFactory(factory.django.DjangoModelFactory):
    """A public board; pass group=... for a group's private board."""

    class Meta:
        model = "forums.Board"

    name = factory.Sequence(lambda n: f"Board {n}")
    slug = factory.Sequence(lambda n: f"board-{n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "forums.Topic"
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


# --- moderation ------------------------------------------------------------------------------


def _rota_weekday_now() -> int:
    import zoneinfo

    from django.conf import settings
    from django.utils import timezone

    return timezone.localtime(
        timezone=zoneinfo.ZoneInfo(settings.MODERATION_ROTA_TIME_ZONE)
    ).weekday()


class OnDutyShiftFactory(factory.django.DjangoModelFactory):
    """Covers the whole of today (in MODERATION_ROTA_TIME_ZONE) unless told otherwise."""

    class Meta:
        model = "moderation.OnDutyShift"

    user = factory.SubFactory(UserFactory)
    weekday = factory.LazyFunction(_rota_weekday_now)
    start = "00:00"
    end = "23:59:59"
    is_backup = False


def moderation_records_for(user, other):
    """One row in every moderation model that holds something about `user` (privacy tests):
    a report they made, a warning and its audit rows, their appeal and message, a rota entry."""
    from moderation import actions, appeals, queue, services

    services.request_review(target=other, reason="spam", note="Shop links", by=user)
    staff = UserFactory(is_staff=True)
    item = services.request_review(target=user, reason="harassment", by=other)
    item = queue.claim(item_id=item.pk, user=staff, version=item.version)
    warning = actions.do_warn(item_id=item.pk, user=staff, version=item.version, reason="Be kind")
    appeals.appeal(action=warning, user=user, body="I was misread")
    appeals.write_to_facilitators(action=warning, user=user, body="Sorry if it came across badly")
    OnDutyShiftFactory(user=user)


def sanction(user, kind: str, *, group=None, until=None):
    """An active moderation sanction on `user` (warn, silence, mute in `group`, suspend), with
    the queue item and audit row every real sanction has. Suspension deactivates the account,
    as moderation's own action does."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from moderation.models import AuditLogEntry, ReviewItem, Sanction
    from moderation.services import save_sanction

    item, _created = ReviewItem.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(user),
        object_id=user.pk,
        defaults={"author": user, "opened_at": timezone.now()},
    )
    entry = AuditLogEntry.objects.create(
        item=item, action=kind, subject=user, reason="Test sanction"
    )
    if kind == "suspend":
        user.is_active = False
        user.save(update_fields=["is_active"])
    return save_sanction(
        Sanction(
            user=user,
            kind=kind,
            group_id=group.pk if group is not None else None,
            until=until,
            reason="Test sanction",
            action=entry,
        )
    )


# --- resources -------------------------------------------------------------------------------


class ResourceTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resources.Topic"
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resources.Country"
        django_get_or_create = ["code"]

    code = "GB"
    name = "United Kingdom"


class ResourceFactory(factory.django.DjangoModelFactory):
    """A published, reviewed resource with its own address."""

    class Meta:
        model = "resources.Resource"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Helpful resource {n}")
    slug = factory.Sequence(lambda n: f"helpful-resource-{n}")
    summary = "Plain information for people affected by cancer."
    kind = "organisation"
    url = factory.Sequence(lambda n: f"https://charity{n}.example.org/")
    state = "published"
    reviewed_on = factory.Faker("past_date")

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        """ResourceFactory(tags={"topics": [topic], "countries": [gb]})"""
        if create and extracted:
            for name, values in extracted.items():
                getattr(obj, name).set(values)
