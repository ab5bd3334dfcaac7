"""Template tags for meeting panels shown on other apps' pages (the group page)."""

from django import template

from .. import rendering, selectors

register = template.Library()


@register.simple_tag
def upcoming_meetings(group) -> list:
    """The next occurrences for meetings/_group_panel.html, so the groups view needs no change."""
    return selectors.upcoming_for_group(group=group)


@register.simple_tag
def upcoming_items(occurrences, can_view_private) -> str:
    """The panel's items, drawn once and reused (groups.meetings.rendering)."""
    return rendering.render_upcoming(occurrences, can_view_private=bool(can_view_private))


@register.simple_tag
def meeting_series(group) -> list:
    """The group's series, for the facilitators' "manage" links."""
    return list(selectors.series_for_group(group=group))
