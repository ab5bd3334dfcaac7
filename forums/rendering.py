"""Posts (and board rows) rendered once and reused (supportgroups.fragments).

forums/_post.html reads nothing but the small context built here: the post's own state (words,
revision, moderation state, reaction counts) and the few facts about the reader that change how
it looks (may they write here, is it new to them, is it theirs, did they block its author, their
time zone through the date text). Hiding, holding, removing, editing or reacting to a post, or a
different reader, simply asks for another key. Posts that look the same to two readers (most of
a page) share one entry.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from supportgroups.fragments import render_each

from .forms import PostForm
from .models import Post, Thread

# A template and everything it includes: an edit to any of them makes new keys.
POST_TEMPLATES = ("forums/_post.html", "forums/_reactions.html", "privacy/_collapsed.html")
THREAD_TEMPLATES = ("forums/_thread_item.html", "forums/_thread_row.html")


def post_context(
    post: Post,
    *,
    opening: bool,
    can_post: bool,
    can_see_history: bool,
    blocked_ids,
    can_reply: bool | None = None,
) -> dict:
    """What forums/_post.html shows for a post decorated by forums.selectors, as plain values
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
            "pk": post.pk,
            "display_depth": post.display_depth,
            "is_new": post.is_new,
            "label": post.label,
            "revealed_anonymous": post.revealed_anonymous,
            "is_professional": post.is_professional,
            "permalink": post.permalink,
            "created_iso": post.created_iso,
            "created_label": post.created_label,
            "edited_at": post.edited_at,
            "is_removed": post.is_removed,
            "is_removed_by_moderators": post.is_removed_by_moderators,
            "is_hidden": post.is_hidden,
            "is_held": post.is_held,
            "author_blocked": post.author_id in blocked_ids and not post.is_anonymous,
            "author": {"display_name": post.author.display_name} if post.author else None,
            "content_warning": post.content_warning,
            "rendered_body": post.rendered_body,
            "reaction_counts": post.reaction_counts,
            "react_url": post.react_url,
            "reply_url": post.reply_url,
            "can_edit": post.can_edit,
            "edit_url": post.edit_url,
            "delete_url": post.delete_url,
            "can_report": post.can_report,
            "report_url": post.report_url,
            "history_url": post.history_url,
            "moderate_url": post.moderate_url,
            "continues": post.continues,
            "replies_url": post.replies_url,
        },
    }


def thread_context(thread: Thread) -> dict:
    """What THREAD_TEMPLATES show for a thread decorated by selectors.threads_page."""
    return {
        "thread": {
            "url": thread.url,
            "title": thread.title,
            "is_unread": thread.is_unread,
            "collapsed": thread.collapsed,
            "starter_label": thread.starter_label,
            "reply_count": thread.reply_count,
            "last_post_iso": thread.last_post_iso,
            "last_post_label": thread.last_post_label,
            "topic_names": thread.topic_names,
        }
    }


def render_posts(
    posts: list[Post],
    *,
    access,
    csrf_token,
    blocked_ids,
    opening: bool = False,
    replies_open: bool = True,
) -> SafeString:
    """`access` is the reader's forums.permissions.BoardAccess on the posts' board;
    `replies_open`: False in a locked or closed thread, for people other than its moderators."""
    can_post, can_see_history = access.can_post, access.can_see_history
    contexts = [
        post_context(
            p,
            opening=opening,
            can_post=can_post,
            can_see_history=can_see_history,
            blocked_ids=blocked_ids,
            can_reply=can_post and replies_open,
        )  # fmt: skip
        for p in posts
    ]
    return render_each(POST_TEMPLATES, contexts, csrf_token=csrf_token)


def render_threads(threads: list[Thread]) -> SafeString:
    return render_each(THREAD_TEMPLATES, [thread_context(t) for t in threads])


_EMPTY_REPLY_FIELDS: dict[tuple, SafeString] = {}


def empty_reply_fields(form: PostForm) -> SafeString:
    """`form|crispy` for the thread page's reply form, which nobody has filled in yet: the same
    for every reader, so drawn once per process for each set of fields (with or without "post
    anonymously") and language; crispy-forms renders each field through several templates."""
    key = (tuple(form.fields), get_language())
    if key not in _EMPTY_REPLY_FIELDS:
        _EMPTY_REPLY_FIELDS[key] = as_crispy_form(form)
    return _EMPTY_REPLY_FIELDS[key]
