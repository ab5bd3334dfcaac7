from django import template

from supportgroups.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    """Writers' Markdown as sanitised HTML (nh3), the one renderer the site uses."""
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def can_read_group_board(context, group) -> bool:
    """For the group page's panel: the same rule as the board itself (forums.permissions)."""
    from forums.models import Board
    from forums.permissions import can_read_board

    request = context.get("request")
    return request is not None and can_read_board(request.user, Board(group=group))
