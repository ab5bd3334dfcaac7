"""{% load moderation %}: report links for any content, and whether to show the queue link."""

from django import template
from django.urls import reverse

from .. import permissions

register = template.Library()


@register.filter
def is_moderator(user) -> bool:
    return permissions.is_moderator(user)


@register.simple_tag
def report_url(obj) -> str:
    """Where a member reports obj (a post, a chat message, a profile)."""
    return reverse("moderation:report", args=[obj._meta.label_lower, obj.pk])
