"""Posts (and board rows) rendered once and reused: a page prints cached HTML for every post
whose look is unchanged, and renders (and caches) only the rest.

forums/_post.html reads nothing but the small context built here: the post's own state (words,
revision, moderation state, reaction counts) and the few facts about the reader that change how
it looks (may they write here, is it new to them, is it theirs, did they block its author, their
time zone through the date text). The cache key is a digest of that context and of the templates,
so a cached fragment is by construction the HTML those values render: hiding, holding, removing,
editing or reacting to a post, or a different reader, simply asks for another key. Posts that look
the same to two readers (most of a page) share one entry.
"""

import hashlib
import secrets
from collections.abc import Collection
from functools import cache
from typing import Any, cast

from django.core.cache import cache as fragments
from django.template.backends.django import Template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .permissions import BoardAccess
from .selectors import ShownPost, ThreadRow

# A template and everything it includes: an edit to any of them makes new keys.
POST_TEMPLATES = ("forums/_post.html", "forums/_reactions.html", "privacy/_collapsed.html")
THREAD_TEMPLATES = ("forums/_thread_item.html", "forums/_thread_row.html")
SECONDS = 24 * 3600


def _template(name: str) -> Template:
    """The site's one template engine is Django's, whose templates carry their source."""
    return cast(Template, get_template(name))


@cache
def _templates_digest(names: tuple[str, ...]) -> str:
    sources = "|".join(f"{name}:{_template(name).template.source}" for name in names)
    return hashlib.blake2b(sources.encode(), digest_size=8).hexdigest()


def post_context(
    shown: ShownPost,
    *,
    opening: bool,
    can_post: bool,
    can_see_history: bool,
    blocked_ids: Collection[int],
) -> dict[str, Any]:
    """What forums/_post.html shows for a post as forums.selectors shows it, as plain values
    (the form token, which differs per response, is put in by render_posts)."""
    post = shown.post
    return {
        "opening": opening,
        "access": {"can_post": can_post, "can_see_history": can_see_history},
        "post": {
            "pk": post.pk,
            "display_depth": shown.display_depth,
            "is_new": shown.is_new,
            "label": shown.label,
            "revealed_anonymous": shown.revealed_anonymous,
            "is_professional": shown.is_professional,
            "permalink": shown.permalink,
            "created_iso": shown.created_iso,
            "created_label": shown.created_label,
            "edited_at": post.edited_at,
            "is_removed": post.is_removed,
            "is_removed_by_moderators": post.is_removed_by_moderators,
            "is_hidden": post.is_hidden,
            "is_held": post.is_held,
            "author_blocked": post.author_id in blocked_ids and not post.is_anonymous,
            "author": {"display_name": post.author.display_name} if post.author else None,
            "content_warning": post.content_warning,
            "rendered_body": post.rendered_body,
            "reaction_counts": shown.reaction_counts,
            "react_url": shown.react_url,
            "reply_url": shown.reply_url,
            "can_edit": shown.can_edit,
            "edit_url": shown.edit_url,
            "delete_url": shown.delete_url,
            "can_report": shown.can_report,
            "report_url": shown.report_url,
            "history_url": shown.history_url,
            "continues": shown.continues,
            "replies_url": shown.replies_url,
        },
    }


def thread_context(row: ThreadRow) -> dict[str, Any]:
    """What THREAD_TEMPLATES show for a board's row from selectors.threads_page."""
    return {
        "thread": {
            "url": row.url,
            "title": row.thread.title,
            "is_unread": row.is_unread,
            "collapsed": row.collapsed,
            "starter_label": row.starter_label,
            "reply_count": row.thread.reply_count,
            "last_post_iso": row.last_post_iso,
            "last_post_label": row.last_post_label,
            "topic_names": row.topic_names,
        }
    }


def _render(template: Template, context: dict[str, Any]) -> tuple[str, str]:
    """(slot, html): the form token's place is a random string drawn after the post was written,
    so nothing a member wrote can contain it and receive someone's token."""
    slot = secrets.token_hex(16)
    return slot, template.render({**context, "csrf_token": slot})


def render_each(
    names: tuple[str, ...], contexts: list[dict[str, Any]], *, csrf_token: object = ""
) -> SafeString:
    """names[0] rendered once per context, in order: cached fragments where they exist (the key
    is a digest of the context, the language and the templates), the rest rendered now."""
    prefix = f"{get_language()}|{_templates_digest(names)}|"
    keys = [
        "fragment:" + hashlib.blake2b(f"{prefix}{c!r}".encode(), digest_size=16).hexdigest()
        for c in contexts
    ]
    found = fragments.get_many(keys)
    missing: dict[str, tuple[str, str]] = {}
    template = _template(names[0])
    for key, context in zip(keys, contexts, strict=True):
        if key not in found:
            found[key] = missing[key] = _render(template, context)
    if missing:
        fragments.set_many(missing, timeout=SECONDS)
    token = str(csrf_token)
    html = "".join(found[key][1].replace(found[key][0], token) for key in keys)
    return mark_safe(html)  # noqa: S308 - rendered by the template, escaping applied there


def render_posts(
    posts: list[ShownPost],
    *,
    access: BoardAccess,
    csrf_token: object,
    blocked_ids: Collection[int],
    opening: bool = False,
) -> SafeString:
    """`access` is the reader's BoardAccess on the posts' board."""
    can_post, can_see_history = access.can_post, access.can_see_history
    contexts = [
        post_context(
            p,
            opening=opening,
            can_post=can_post,
            can_see_history=can_see_history,
            blocked_ids=blocked_ids,
        )  # fmt: skip
        for p in posts
    ]
    return render_each(POST_TEMPLATES, contexts, csrf_token=csrf_token)


def render_threads(threads: list[ThreadRow]) -> SafeString:
    return render_each(THREAD_TEMPLATES, [thread_context(t) for t in threads])
