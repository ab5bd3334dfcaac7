"""The mentoring panel on a mentoring match's conversation page (conversations/detail.html),
so the conversations view needs no change: where the match is, ending it, and the mentor's
way to the coordinator."""

from django import template

from groups.conversations.models import Conversation
from supportgroups.models import User

from .. import permissions
from ..forms import HelpForm
from ..models import Avoid, Match, Treatment

register = template.Library()


@register.simple_tag
def mentoring_match(conversation: Conversation, user: User) -> dict[str, object] | None:
    """The match this conversation introduced, for its mentor or mentee; None otherwise (one
    query, asked only for conversations between members outside any group)."""
    match = Match.objects.filter(conversation=conversation).first()
    if match is None or user.pk not in (match.mentor_id, match.mentee_id):
        return None
    return {
        "match": match,
        "can_end": permissions.can_end(user, match),
        "asks_for_help": match.mentor_id == user.pk and match.state == Match.State.ACTIVE,
        "help_form": HelpForm(auto_id="mentoring_%s"),
    }


@register.filter
def treatment_labels(values: list[str]) -> str:
    """The treatments as the person chose them, in their language."""
    return ", ".join(str(Treatment(v).label) for v in values if v in Treatment.values)


@register.filter
def avoid_labels(values: list[str]) -> str:
    return ", ".join(str(Avoid(v).label) for v in values if v in Avoid.values)
