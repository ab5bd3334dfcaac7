"""Directory cards rendered once and reused (supportgroups.fragments): groups/_group_card.html
reads nothing but the plain values card_context() gives it, so a card is cached under a digest
of what it shows, and an edit to the group simply asks for another key."""

from django.urls import reverse
from django.utils.safestring import SafeString

from supportgroups.fragments import render_each

from .countries import country_name
from .models import SupportGroup

CARD_TEMPLATES = ("groups/_group_card.html",)


SLUG = "group-slug-here"


def card_context(group: SupportGroup, *, link: str, formats: dict, policies: dict) -> dict:
    """What a card shows for a group with its facts (selectors.attach_facts); `link` is a
    group's address with SLUG for its slug, `formats` and `policies` the choices' labels."""
    return {
        "group": {
            "url": link.replace(SLUG, group.slug),
            "name": group.name,
            "summary": group.summary,
            "format": formats.get(group.format, group.format),
            "city": group.city,
            "country_name": country_name(group.country) if group.country else "",
            "language_names": group.language_names,
            "cancer_type_names": group.cancer_type_names,
            "audience_names": group.audience_names,
            "is_cohort": group.is_cohort,
            "cohort_starts_on": group.cohort_starts_on,
            "join_policy": policies.get(group.join_policy, group.join_policy),
        }
    }


def render_cards(groups: list[SupportGroup]) -> SafeString:
    link = reverse("groups:detail", kwargs={"slug": SLUG})  # once, not once per card
    formats = {key: str(label) for key, label in SupportGroup.Format.choices}
    policies = {key: str(label) for key, label in SupportGroup.JoinPolicy.choices}
    contexts = [card_context(g, link=link, formats=formats, policies=policies) for g in groups]
    return render_each(CARD_TEMPLATES, contexts)
