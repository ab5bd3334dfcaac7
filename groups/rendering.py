"""The directory and the group page rendered once and reused.

The directory's filters and results are the same for everyone who asks for the same address,
and a group page below its header is the same for everyone who stands where the reader does, so
both are kept whole beside a version of the tables they are worked out from
(supportgroups.versions): a group renamed, listed, given a new cancer type, a facilitator or a
meeting shows at the next request. Below that, a card (groups/_group_card.html reads nothing
but the plain values card_context() gives it) is cached under a digest of what it shows
(supportgroups.fragments), and an edit to the group simply asks for another key."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model
from django.utils.safestring import SafeString

from supportgroups.fragments import render_each
from supportgroups.links import url_maker
from supportgroups.versions import TablesVersion

from .checkins.models import CheckInSetup
from .countries import country_name
from .meetings.models import MeetingSeries, Occurrence
from .models import Audience, CancerType, Language, SupportGroup
from .selectors import ListedGroup

CARD_TEMPLATES = ("groups/_group_card.html",)


def card_context(
    listed: ListedGroup,
    *,
    link: Callable[[str], str],
    formats: dict[str, str],
    policies: dict[str, str],
) -> dict[str, Any]:
    """What a card shows for a group with its facts; `link` makes a group's address from its
    slug, `formats` and `policies` are the choices' labels."""
    group, facts = listed.group, listed.facts
    return {
        "group": {
            "url": link(group.slug),
            "name": group.name,
            "summary": group.summary,
            "format": formats.get(group.format, group.format),
            "city": group.city,
            "country_name": country_name(group.country) if group.country else "",
            "language_names": facts.language_names,
            "cancer_type_names": facts.cancer_type_names,
            "audience_names": facts.audience_names,
            "is_cohort": group.is_cohort,
            "cohort_starts_on": group.cohort_starts_on,
            "join_policy": policies.get(group.join_policy, group.join_policy),
        }
    }


def render_cards(groups: Iterable[ListedGroup]) -> SafeString:
    link = url_maker("groups:detail")
    formats = {key: str(label) for key, label in SupportGroup.Format.choices}
    policies = {key: str(label) for key, label in SupportGroup.JoinPolicy.choices}
    contexts = [card_context(g, link=link, formats=formats, policies=policies) for g in groups]
    return render_each(CARD_TEMPLATES, contexts)


def _tables(*models: type[Model]) -> list[str]:
    return [model._meta.db_table for model in models]


_GROUPS_AND_FACTS = (
    SupportGroup,
    SupportGroup.cancer_types.through,
    SupportGroup.audiences.through,
    SupportGroup.languages.through,
    CancerType,
    Audience,
    Language,
)
# What the directory's filters and results are worked out from: the groups, their cancer types,
# audiences and languages, and their meetings ("meets this week").
DIRECTORY = TablesVersion(
    "groups-directory", tables=_tables(*_GROUPS_AND_FACTS, MeetingSeries, Occurrence)
)
# What a group page shows below its header, announcements and norms: the group and its facts,
# its check-in, its next meetings and the library's resources for it (its facilitators' names
# are asked on each request and kept beside: a member's activity, also in their membership,
# leaves the part kept).
GROUP_PAGE = TablesVersion(
    "groups-page",
    tables=_tables(*_GROUPS_AND_FACTS, CheckInSetup, MeetingSeries, Occurrence),
    prefixes=("resources_",),
)
