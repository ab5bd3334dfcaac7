"""Writes for the library: suggestions, curation and link checks."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from groups import policy
from groups.models import CancerType
from moderation.in_place import resolve_for_target
from moderation.models import ReviewItem
from moderation.services import request_review
from supportgroups.models import Notification, User
from supportgroups.services import notify

from . import linkcheck, permissions
from .models import Resource

# Slugs that would shadow the library's own pages under /resources/.
RESERVED_SLUGS = {"suggest", "review", "new"}


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = (slugify(title) or "resource")[:180]
    slug, n = base, 1
    taken = Resource.objects.all()
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _duplicate_url_error() -> ValidationError:
    return ValidationError(
        {"url": _("This address is already in the library or waiting for review. Thank you!")}
    )


@transaction.atomic
def suggest_resource(
    *,
    by: User,
    title: str,
    url: str,
    kind: str,
    summary: str,
    note: str = "",
    cancer_types: Iterable[CancerType] = (),
) -> Resource:
    """A member's suggestion: a draft marked as one, put in the facilitators' queue.

    Each suggestion costs a facilitator's time, so one person may make only
    RESOURCES_SUGGESTIONS_PER_DAY of them in 24 hours (counted in the database, so it holds
    across processes and restarts).
    """
    policy.require(permissions.suggest_verdict(by))
    since = timezone.now() - timedelta(days=1)
    recent = Resource.objects.filter(suggested_by=by, created_at__gte=since).count()
    if recent >= settings.RESOURCES_SUGGESTIONS_PER_DAY:
        raise ValidationError(
            _("You have sent many suggestions today. Thank you! Please send more tomorrow.")
        )
    if Resource.objects.filter(url=url).exists():
        raise _duplicate_url_error()
    resource = Resource(
        title=title,
        slug=unique_slug(title),
        url=url,
        kind=kind,
        summary=summary,
        state=Resource.State.DRAFT,
        is_suggestion=True,
        suggested_by=by,
        suggestion_note=note,
    )
    resource.full_clean(exclude=["url"])  # url uniqueness is the constraint's job, just below
    try:
        with transaction.atomic():
            resource.save()
    except IntegrityError as exc:  # a double submit racing the check above
        raise _duplicate_url_error() from exc
    resource.cancer_types.set(cancer_types)
    request_review(target=resource, reason="other", note=note or summary, by=None)
    return resource


@transaction.atomic
def save_resource(*, resource: Resource, m2m: dict[str, Iterable[models.Model]]) -> Resource:
    """Create or edit as a curator. A changed address has not been checked yet."""
    if not resource.slug:
        resource.slug = unique_slug(resource.title, exclude_pk=resource.pk)
    if resource.pk:
        old_url = Resource.objects.filter(pk=resource.pk).values_list("url", flat=True).first()
        if old_url != resource.url:
            resource.link_status = Resource.LinkStatus.UNKNOWN
            resource.link_failures = 0
            resource.link_detail = ""
            resource.last_checked_at = None
    resource.save()
    for name, values in m2m.items():
        getattr(resource, name).set(values)
    return resource


def _tell_suggester(resource: Resource, title: str, body: str = "") -> None:
    if resource.is_suggestion and resource.suggested_by is not None:
        notify(
            user=resource.suggested_by,
            kind=Notification.Kind.MODERATION,
            title=title,
            body=body,
            url=resource.get_absolute_url() if resource.is_published else "",
        )


@transaction.atomic
def publish(*, resource: Resource, by: User) -> Resource:
    """Publish (or re-confirm) a resource: readers see who reviewed it and when. A suggestion's
    (or report's) item in the moderation queue is closed as approved: this was its review."""
    was_published = resource.is_published
    resource.state = Resource.State.PUBLISHED
    resource.reviewed_by = by
    resource.reviewed_on = timezone.localdate()
    resource.save(update_fields=["state", "reviewed_by", "reviewed_on", "updated_at"])
    resolve_for_target(
        target=resource,
        by=by,
        resolution=ReviewItem.Resolution.APPROVED,
        reason=_("Published in the library by a curator."),
    )
    if not was_published:
        title = _("Your suggestion “%(title)s” is now in the library") % {"title": resource.title}
        _tell_suggester(resource, title)
    return resource


@transaction.atomic
def decline(*, resource: Resource, by: User, reason: str) -> Resource:
    """Keep it out of the library. Its moderation queue item is closed as removed
    (not "no action", which would say nothing was wrong and publish held content), with the
    curator's reason in the audit log."""
    if not reason.strip():
        raise ValidationError({"reason": _("Please say why, for the person who suggested it.")})
    resource.state = Resource.State.DECLINED
    resource.curator_note = reason.strip()
    resource.reviewed_by = by
    resource.save(update_fields=["state", "curator_note", "reviewed_by", "updated_at"])
    resolve_for_target(
        target=resource, by=by, resolution=ReviewItem.Resolution.REMOVED, reason=reason
    )
    _tell_suggester(
        resource,
        _("Your suggestion “%(title)s” was not added to the library") % {"title": resource.title},
        body=resource.curator_note,
    )
    return resource


@transaction.atomic
def take_down(*, resource: Resource, reason: str) -> None:
    """Moderation hid or removed it: out of the library, the reason kept as the curators'
    note."""
    resource.state = Resource.State.DECLINED if resource.is_suggestion else Resource.State.DRAFT
    resource.curator_note = reason
    resource.save(update_fields=["state", "curator_note", "updated_at"])


@transaction.atomic
def bring_back(*, resource: Resource) -> None:
    """Moderation restored it: back in the library if a curator had reviewed it, else a
    draft."""
    resource.state = Resource.State.PUBLISHED if resource.reviewed_on else Resource.State.DRAFT
    resource.save(update_fields=["state", "updated_at"])


def check_link(*, resource_id: int) -> Resource | None:
    """Probe one resource's address and record the result for curators and readers.

    A missing page (404, 410) is broken at once; a timeout or server error only after it has
    happened RESOURCES_LINK_CHECK_FAILURES_BEFORE_BROKEN times in a row, so one bad night
    does not put a warning on a good resource. Written with update() so a curator's edit made
    while the probe ran is not overwritten.
    """
    resource = Resource.objects.filter(pk=resource_id).exclude(url="").first()
    if resource is None:
        return None
    result = linkcheck.probe(resource.url, timeout=settings.RESOURCES_LINK_CHECK_TIMEOUT)
    if result.outcome == linkcheck.Outcome.OK:
        status, failures = Resource.LinkStatus.OK, 0
    else:
        failures = resource.link_failures + 1
        repeated = failures >= settings.RESOURCES_LINK_CHECK_FAILURES_BEFORE_BROKEN
        if result.outcome == linkcheck.Outcome.BROKEN or repeated:
            status = Resource.LinkStatus.BROKEN
        else:
            status = Resource.LinkStatus.UNKNOWN
    Resource.objects.filter(pk=resource.pk, url=resource.url).update(
        link_status=status,
        link_failures=failures,
        link_detail=result.detail[:200],
        last_checked_at=timezone.now(),
    )
    resource.refresh_from_db()
    return resource
