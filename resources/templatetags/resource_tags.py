from django import template

from resources import rendering, selectors

register = template.Library()


@register.simple_tag
def group_resources(group, limit: int = 5) -> list:
    """Published resources for a group's cancer types and audiences (the group page panel)."""
    return selectors.for_group(group, limit=limit)


@register.simple_tag
def panel_items(resources) -> str:
    """The panel's items, drawn once and reused (resources.rendering)."""
    return rendering.render_panel_items(resources)
