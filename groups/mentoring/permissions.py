"""Who sees and does what in mentoring.

- A coordinator is a member of staff, or someone given the "Can coordinate peer mentoring"
  permission (directly or through a Django group), with an active account and MFA: they read
  applications and requests, diagnosis details included, so the sign-in is as strong as a
  moderator's. Coordinators screen mentors, propose matches, introduce and end them.
- A mentee's request (diagnosis details included) is read by its author, the coordinators,
  and the mentor of a match on it while that match is open (offered, accepted or active):
  `sees_request_details`.
- A mentor's application is read by its author and the coordinators, and by a mentee while
  their match with that mentor is active (under the mentor's display name only).
- A match is read by its mentor, its mentee (once the mentor has accepted: an offer declined
  or let expire is never shown to them) and the coordinators.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from groups import policy
from supportgroups.models import User
from supportgroups.permissions import has_required_mfa

from .models import Match, MentorApplication

COORDINATE = "mentoring.coordinate"


def is_coordinator(user: User | AnonymousUser) -> bool:
    if not policy.account_verdict(user) or not has_required_mfa(user):
        return False
    return user.is_staff or user.has_perm(COORDINATE)


def can_read_application(user: User | AnonymousUser, application: MentorApplication) -> bool:
    if not user.is_authenticated:
        return False
    if application.user_id == user.pk or is_coordinator(user):
        return True
    return Match.objects.filter(
        mentor_id=application.user_id, mentee=user, state=Match.State.ACTIVE
    ).exists()


def can_read_match(user: User | AnonymousUser, match: Match) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if match.mentor_id == user.pk:
        return True
    if match.mentee_id == user.pk:  # only once introduced: a mentor who never agreed stays unnamed
        return match.introduced_at is not None
    return is_coordinator(user)


def sees_request_details(user: User | AnonymousUser, match: Match) -> bool:
    """The mentee's diagnosis on a match's page: the mentee, a coordinator, and the mentor
    while the match is open."""
    if not user.is_authenticated:
        return False
    if match.mentee_id == user.pk or is_coordinator(user):
        return True
    return match.mentor_id == user.pk and match.is_open


def can_end(user: User | AnonymousUser, match: Match) -> bool:
    """Either side, or a coordinator, at any time while it is active or accepted."""
    if match.state not in (Match.State.ACCEPTED, Match.State.ACTIVE):
        return False
    if not policy.account_verdict(user):
        return False
    return user.pk in (match.mentor_id, match.mentee_id) or is_coordinator(user)


_COORDINATE = Q(
    user_permissions__codename="coordinate", user_permissions__content_type__app_label="mentoring"
) | Q(
    groups__permissions__codename="coordinate",
    groups__permissions__content_type__app_label="mentoring",
)


def coordinators() -> list[User]:
    """Everyone who may coordinate now (MFA included), for telling them something."""
    people = User.objects.filter(is_active=True).filter(Q(is_staff=True) | _COORDINATE).distinct()
    return [person for person in people if has_required_mfa(person)]
