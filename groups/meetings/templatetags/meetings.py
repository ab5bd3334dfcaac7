"""Template tags for meeting panels shown on other apps' pages (the group page)."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def upcoming_meetings(group) -> list:
    """The next occurrences for meetings/_group_panel.html, so the groups view needs no change."""
    return selectors.upcoming_for_group(group=group)


@register.simple_tag
def meeting_series(group) -> list:
    """The group's series, for the facilitators' "manage" links."""
    return list(selectors.series_for_group(group=group))
