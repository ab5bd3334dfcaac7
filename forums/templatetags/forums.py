from django import template

from supportgroups.markdown import render_markdown

from .. import rendering

register = template.Library()


@register.filter
def markdown(text: str):
    """Writers' Markdown as sanitised HTML (nh3), the one renderer the site uses."""
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def can_read_group_board(context, group) -> bool:
    """For the group page's panel: the same rule as the board itself (forums.permissions), with
    the page's own `access` (groups.permissions.GroupAccess for this person and group)."""
    from forums.models import Board
    from forums.permissions import can_read_board
    from groups.permissions import GroupAccess

    request, access = context.get("request"), context.get("access")
    access = access if isinstance(access, GroupAccess) else None
    return request is not None and can_read_board(request.user, Board(group=group), access=access)


@register.simple_tag(takes_context=True)
def show_posts(context, posts, opening=False):
    """Posts as forums/_post.html shows them, for the reader in `context` (forums.rendering)."""
    return rendering.render_posts(
        posts,
        access=context["access"],
        csrf_token=context.get("csrf_token", ""),
        blocked_ids=context.get("blocked_ids", frozenset()),
        opening=opening,
        replies_open=context.get("replies_open", True),
    )


@register.simple_tag(takes_context=True)
def show_post(context, post, opening=False):
    return show_posts(context, [post], opening=opening)


@register.simple_tag
def show_threads(threads):
    """A board's rows as forums/_thread_item.html shows them (forums.rendering)."""
    return rendering.render_threads(threads)
