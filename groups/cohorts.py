"""Cohorts that follow one another: a cohort names its successor (`next_cohort`); when a
facilitator of both opens it, the people on the cohort's waitlist are offered its places in the
order they joined the waitlist, each offer open for OFFER_HOURS. Accepting makes them a member
of the next cohort (their screening answers go with them only if they say so); declining, or
letting the offer expire (a beat task), passes the place to the next person waiting. Everyone
else stays on the waitlist.

Every change locks the earlier cohort's row, then the next cohort's, in that order, so two
facilitators opening at once make one set of offers, and an answer racing an expiry is
served one after the other."""

import datetime as dt
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supportgroups.models import Notification, User
from supportgroups.services import notify

from . import permissions, selectors, tasks
from .models import CohortOffer, Membership, MembershipEvent, SupportGroup
from .notifications import offer_title, offer_url
from .policy import account_verdict, require
from .services import MembershipError, _lock, _set_state

State = Membership.State
OfferState = CohortOffer.State
Kind = MembershipEvent.Kind
OFFER_HOURS = 72


def _open_places(cohort: SupportGroup) -> int | None:
    """Places in the cohort not taken and not promised to someone in an open offer."""
    places = selectors.free_places(group=cohort)
    if places is None:
        return None
    promised = CohortOffer.objects.filter(cohort=cohort, state=OfferState.OPEN).count()
    return max(places - promised, 0)


def _offer_places(group: SupportGroup, cohort: SupportGroup, now: dt.datetime) -> list[CohortOffer]:
    """Offer the cohort's open places to `group`'s waitlist in turn (both rows locked). People
    already offered a place in it, or already in it, are passed over."""
    places = _open_places(cohort)
    waiting = (
        Membership.objects.filter(group=group, state=State.WAITLISTED)
        .exclude(cohort_offers__cohort=cohort)
        .exclude(user__memberships__group=cohort, user__memberships__state=State.ACTIVE)
        .select_related("user")
        .order_by("waitlisted_at", "pk")
    )
    chosen = list(waiting if places is None else waiting[:places])
    offers = []
    for membership in chosen:
        offer = CohortOffer.objects.create(
            waiting=membership,
            cohort=cohort,
            offered_at=now,
            expires_at=now + dt.timedelta(hours=OFFER_HOURS),
        )
        notify(
            user=membership.user,
            kind=Notification.Kind.GROUP,
            title=offer_title(offer),
            url=offer_url(offer),
        )
        transaction.on_commit(partial(tasks.send_cohort_offer_email.delay, offer.pk))
        offers.append(offer)
    return offers


@transaction.atomic
def open_next_cohort(*, group: SupportGroup, by: User) -> list[CohortOffer]:
    """Offer the next cohort's places to this cohort's waitlist; only once per cohort."""
    group = _lock(group)
    if group.next_cohort_id is None:
        raise MembershipError(_("Choose the next cohort first (Edit the group)."))
    cohort = _lock(SupportGroup(pk=group.next_cohort_id))
    if not (permissions.can_manage(by, group) and permissions.can_manage(by, cohort)):
        raise PermissionDenied(_("Only facilitators of both cohorts can open the next one."))
    if cohort.is_read_only or cohort.cohort_has_started():
        raise MembershipError(_("The next cohort has started, so it takes no one new."))
    if CohortOffer.objects.filter(cohort=cohort, waiting__group=group).exists():
        raise MembershipError(
            _("The next cohort is open already: its places go to the waitlist as they free up.")
        )
    return _offer_places(group, cohort, timezone.now())


def _locked_offer(offer: CohortOffer) -> tuple[CohortOffer, SupportGroup, SupportGroup]:
    group = _lock(SupportGroup(pk=offer.waiting.group_id))
    cohort = _lock(SupportGroup(pk=offer.cohort_id))
    offer = CohortOffer.objects.select_related("waiting__user").get(pk=offer.pk)
    return offer, group, cohort


def _open_offer_of(offer: CohortOffer, user: User, now: dt.datetime) -> None:
    """The person's own offer, still open, while they are still on the waitlist it was made
    from: someone removed from it (or who left, or was let in) meanwhile has no offer."""
    if offer.waiting.user_id != user.pk:
        raise PermissionDenied
    require(account_verdict(user))
    if (
        offer.state != OfferState.OPEN
        or offer.expires_at <= now
        or offer.waiting.state != State.WAITLISTED
    ):
        raise MembershipError(_("This offer is no longer open."))


@transaction.atomic
def accept(*, offer: CohortOffer, user: User, share_answers: bool) -> Membership:
    """Take the place: a member of the next cohort (its waitlist's front if, despite the
    offer, it filled up), off the earlier cohort's waitlist. The answers given to the earlier
    cohort's screening questions go with the person only if they say so."""
    now = timezone.now()
    offer, group, cohort = _locked_offer(offer)
    _open_offer_of(offer, user, now)
    waiting = offer.waiting
    target = Membership.objects.filter(user=user, group=cohort).first()
    if target is not None and target.state == State.REMOVED:
        raise MembershipError(
            _("A facilitator removed you from that group, so you can't rejoin it.")
        )
    target = target or Membership(user=user, group=cohort)
    note = _("From the waitlist of %(group)s") % {"group": group.name}
    if target.state != State.ACTIVE:  # someone already in it keeps their place as it is
        target.role = Membership.Role.MEMBER
        target.screening_answers = dict(waiting.screening_answers) if share_answers else {}
        places = selectors.free_places(group=cohort)
        if places is None or places > 0:
            _set_state(target, State.ACTIVE, Kind.ADMITTED, actor=user, message=note)
        else:
            _set_state(target, State.WAITLISTED, Kind.WAITLISTED, actor=user, message=note)
            target.waitlisted_at = waiting.waitlisted_at
            target.save(update_fields=["waitlisted_at"])
    _set_state(waiting, State.LEFT, Kind.LEFT, actor=user, message=note)
    offer.state, offer.decided_at = OfferState.ACCEPTED, now
    offer.save(update_fields=["state", "decided_at"])
    return target


@transaction.atomic
def decline(*, offer: CohortOffer, user: User) -> CohortOffer:
    """Say no to this cohort: the person stays on the earlier cohort's waitlist, and the place
    goes to the next person waiting."""
    now = timezone.now()
    offer, group, cohort = _locked_offer(offer)
    _open_offer_of(offer, user, now)
    offer.state, offer.decided_at = OfferState.DECLINED, now
    offer.save(update_fields=["state", "decided_at"])
    _offer_places(group, cohort, now)
    return offer


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Beat: offers left unanswered past their time expire, and each place passes on."""
    now = now or timezone.now()
    due = CohortOffer.objects.filter(state=OfferState.OPEN, expires_at__lte=now).values_list(
        "pk", flat=True
    )
    expired = 0
    for offer_id in list(due):
        with transaction.atomic():
            offer = CohortOffer.objects.select_related("waiting").filter(pk=offer_id).first()
            if offer is None:  # gone with its membership (an account deleted) meanwhile
                continue
            offer, group, cohort = _locked_offer(offer)
            if offer.state != OfferState.OPEN or offer.expires_at > now:
                continue  # answered while we waited for the locks
            offer.state, offer.decided_at = OfferState.EXPIRED, now
            offer.save(update_fields=["state", "decided_at"])
            _offer_places(group, cohort, now)
            expired += 1
    return expired


def open_offer_for(*, user: User, cohort: SupportGroup, offer_id: int) -> CohortOffer | None:
    """The person's own offer of a place in this cohort (None for anyone else's)."""
    return (
        CohortOffer.objects.select_related("waiting__group", "cohort")
        .filter(pk=offer_id, cohort=cohort, waiting__user=user)
        .first()
    )
