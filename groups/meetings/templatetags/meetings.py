"""Template tags for meeting panels shown on other apps' pages (the group page)."""

from django import template

from groups.permissions import can_manage

from .. import selectors

register = template.Library()


@register.simple_tag
def group_meetings(group, user) -> dict:
    """Data for meetings/_group_panel.html, so the groups view needs no change."""
    return {
        "occurrences": selectors.upcoming_for_group(group=group),
        "can_manage": can_manage(user, group),
    }
