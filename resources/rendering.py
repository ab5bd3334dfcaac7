"""The group page's resources panel rendered once and reused (supportgroups.fragments): each item
is drawn from the plain values panel_context() gives it."""

from django.utils import timezone
from django.utils.safestring import SafeString

from supportgroups.fragments import render_each
from supportgroups.links import url_maker

from .models import Resource

PANEL_TEMPLATES = ("resources/_panel_item.html", "resources/_link_warning.html")


def panel_context(resource: Resource, *, link, kinds: dict, zone: str) -> dict:
    """What an item shows; `link` makes an address from a slug, `kinds` are the kinds' labels,
    `zone` is the reader's time zone (the day a link was checked is a day there)."""
    return {
        "viewer_zone": zone,
        "resource": {
            "pk": resource.pk,
            "url": link(resource.slug),
            "title": resource.title,
            "kind": kinds.get(resource.kind, resource.kind),
            "link_is_broken": resource.link_is_broken,
            "last_checked_at": resource.last_checked_at,
        },
    }


def render_panel_items(resources: list[Resource]) -> SafeString:
    link, zone = url_maker("resources:detail"), timezone.get_current_timezone_name()
    kinds = {key: str(label) for key, label in Resource.Kind.choices}
    contexts = [panel_context(r, link=link, kinds=kinds, zone=zone) for r in resources]
    return render_each(PANEL_TEMPLATES, contexts)
