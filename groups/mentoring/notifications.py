"""Who is told what in mentoring, in-app. The lines never carry a diagnosis, a check-in's
answer or anyone's words: they say that something waits, and link to the page that shows it
to whoever may read it."""

from django.urls import reverse
from django.utils.translation import gettext as _

from supportgroups.models import User
from supportgroups.services import notify

from . import permissions
from .models import Match

KIND = "message"  # private, like a conversation's news


def _coordinators_of(match: Match) -> list[User]:
    """The coordinator who proposed the match while they still coordinate, else all of them."""
    proposer = match.coordinator
    if proposer is not None and permissions.is_coordinator(proposer):
        return [proposer]
    return permissions.coordinators()


def _match_url(match: Match) -> str:
    return reverse("mentoring:match", args=[match.pk])


def offered(match: Match) -> None:
    notify(
        user=match.mentor,
        kind=KIND,
        title=_("Would you mentor someone?"),
        body=_("A coordinator thinks you could be a good mentor for someone. Please answer."),
        url=_match_url(match),
    )


def answered(match: Match) -> None:
    title = (
        _("A mentor accepted: please introduce them")
        if match.state == Match.State.ACCEPTED
        else _("A mentor could not take a match")
    )
    for person in _coordinators_of(match):
        notify(user=person, kind=KIND, title=title, url=_match_url(match))


def expired(match: Match) -> None:
    for person in _coordinators_of(match):
        notify(
            user=person,
            kind=KIND,
            title=_("A mentoring offer was not answered in time"),
            url=reverse("mentoring:request", args=[match.request_id]),
        )


def introduced(match: Match) -> None:
    for person in (match.mentor, match.mentee):
        notify(
            user=person,
            kind=KIND,
            title=_("You have been introduced"),
            body=_("Your mentoring conversation has started."),
            url=match.conversation.get_absolute_url() if match.conversation else _match_url(match),
        )


def ended(match: Match, *, by: User) -> None:
    for person in (match.mentor, match.mentee):
        if person.pk != by.pk:
            notify(
                user=person,
                kind=KIND,
                title=_("A mentoring match has ended"),
                body=_("Your conversation stays readable for you."),
                url=_match_url(match),
            )


def check_in_asked(match: Match, person: User, url: str) -> None:
    notify(user=person, kind=KIND, title=_("How is your mentoring going?"), url=url)


def needs_coordinator(match: Match, *, title: str) -> None:
    for person in _coordinators_of(match):
        notify(user=person, kind=KIND, title=title, url=reverse("mentoring:coordinate"))


def request_waiting() -> None:
    for person in permissions.coordinators():
        notify(
            user=person,
            kind=KIND,
            title=_("Someone is asking for a mentor"),
            url=reverse("mentoring:coordinate"),
        )
