"""Posts (and board rows) rendered once and reused (supportgroups.fragments).

forums/_post.html reads nothing but the small context built here: the post's own state (words,
revision, moderation state, reaction counts) and the few facts about the reader that change how
it looks (may they write here, is it new to them, is it theirs, did they block its author, their
time zone through the date text). Hiding, holding, removing, editing or reacting to a post, or a
different reader, simply asks for another key. Posts that look the same to two readers (most of
a page) share one entry.
"""

from collections.abc import Collection
from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import (  # type: ignore[import-untyped]
    as_crispy_form,
)
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from supportgroups.fragments import render_each

from .forms import PostForm
from .permissions import BoardAccess
from .selectors import PostRow, ThreadRow

# A template and everything it includes: an edit to any of them makes new keys.
POST_TEMPLATES = ("forums/_post.html", "forums/_reactions.html", "privacy/_collapsed.html")
THREAD_TEMPLATES = ("forums/_thread_item.html", "forums/_thread_row.html")


def post_context(
    row: PostRow,
    *,
    opening: bool,
    can_post: bool,
    can_see_history: bool,
    blocked_ids: Collection[int],
    can_reply: bool | None = None,
) -> dict[str, Any]:
    """What forums/_post.html shows for a post as forums.selectors lays it out, as plain values
    (the form token, which differs per response, is put in by render_posts)."""
    return {
        "opening": opening,
        # Moderating a board and reading its edit history go together (permissions).
        "access": {
            "can_post": can_post,
            "can_reply": can_post if can_reply is None else can_reply,
            "can_see_history": can_see_history,
            "can_moderate": can_see_history,
        },
        "post": {
            "pk": row.pk,
            "display_depth": row.display_depth,
            "is_new": row.is_new,
            "label": row.label,
            "revealed_anonymous": row.revealed_anonymous,
            "is_professional": row.is_professional,
            "permalink": row.permalink,
            "created_iso": row.created_iso,
            "created_label": row.created_label,
            "is_edited": row.edited_at is not None,
            "is_removed": row.is_removed,
            "is_removed_by_moderators": row.is_removed_by_moderators,
            "is_hidden": row.is_hidden,
            "is_held": row.is_held,
            "author_blocked": row.author_id in blocked_ids and not row.is_anonymous,
            "author": {"display_name": row.author_name} if row.author_name is not None else None,
            "content_warning": row.content_warning,
            # Plain text, marked safe by the template: a SafeString costs more to make a key of.
            "body_html": row.body_html,
            "reaction_counts": row.reaction_counts,
            "react_url": row.react_url,
            "reply_url": row.reply_url,
            "can_edit": row.can_edit,
            "edit_url": row.edit_url,
            "delete_url": row.delete_url,
            "can_report": row.can_report,
            "report_url": row.report_url,
            "history_url": row.history_url,
            "moderate_url": row.moderate_url,
            "continues": row.continues,
            "replies_url": row.replies_url,
        },
    }


def thread_context(row: ThreadRow) -> dict[str, Any]:
    """What THREAD_TEMPLATES show for a board's row (selectors.threads_page)."""
    return {
        "thread": {
            "url": row.url,
            "title": row.title,
            "is_unread": row.is_unread,
            "collapsed": row.collapsed,
            "starter_label": row.starter_label,
            "reply_count": row.reply_count,
            "last_post_iso": row.last_post_iso,
            "last_post_label": row.last_post_label,
            "topic_names": row.topic_names,
        }
    }


def render_posts(
    posts: list[PostRow],
    *,
    access: BoardAccess,
    csrf_token: object,
    blocked_ids: Collection[int],
    opening: bool = False,
    replies_open: bool = True,
) -> SafeString:
    """`access` is the reader's forums.permissions.BoardAccess on the posts' board;
    `replies_open`: False in a locked or closed thread, for people other than its moderators."""
    can_post, can_see_history = access.can_post, access.can_see_history
    # Read once: a template context gives the reader's blocks lazily, and every look through
    # the lazy object costs more than the look itself.
    blocked = frozenset(blocked_ids)
    contexts = [
        post_context(
            p,
            opening=opening,
            can_post=can_post,
            can_see_history=can_see_history,
            blocked_ids=blocked,
            can_reply=can_post and replies_open,
        )  # fmt: skip
        for p in posts
    ]
    return render_each(POST_TEMPLATES, contexts, csrf_token=csrf_token)


def render_threads(threads: list[ThreadRow]) -> SafeString:
    return render_each(THREAD_TEMPLATES, [thread_context(t) for t in threads])


_EMPTY_REPLY_FIELDS: dict[tuple[tuple[str, ...], str], SafeString] = {}


def empty_reply_fields(form: PostForm) -> SafeString:
    """`form|crispy` for the thread page's reply form, which nobody has filled in yet: the same
    for every reader, so drawn once per process for each set of fields (with or without "post
    anonymously") and language; crispy-forms renders each field through several templates."""
    key = (tuple(form.fields), get_language())
    if key not in _EMPTY_REPLY_FIELDS:
        _EMPTY_REPLY_FIELDS[key] = as_crispy_form(form)
    return _EMPTY_REPLY_FIELDS[key]
