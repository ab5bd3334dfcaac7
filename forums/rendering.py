"""Posts rendered once and reused: a page prints cached HTML for every post whose look is
unchanged, and renders (and caches) only the rest.

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
from functools import cache

from django.core.cache import cache as fragments
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .models import Post

POST_TEMPLATE = "forums/_post.html"
# Everything POST_TEMPLATE includes: an edit to any of them makes new keys.
TEMPLATES = (POST_TEMPLATE, "forums/_reactions.html", "privacy/_collapsed.html")
SECONDS = 24 * 3600


@cache
def _templates_digest() -> str:
    sources = "".join(get_template(name).template.source for name in TEMPLATES)
    return hashlib.blake2b(sources.encode(), digest_size=8).hexdigest()


def post_context(
    post: Post, *, opening: bool, can_post: bool, can_see_history: bool, blocked_ids
) -> dict:
    """What POST_TEMPLATE shows for a post decorated by forums.selectors, as plain values
    (the form token, which differs per response, is put in by render_posts)."""
    return {
        "opening": opening,
        "access": {"can_post": can_post, "can_see_history": can_see_history},
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
            "continues": post.continues,
            "replies_url": post.replies_url,
        },
    }


def _key(context: dict) -> str:
    digest = hashlib.blake2b(
        f"{get_language()}|{_templates_digest()}|{context!r}".encode(), digest_size=16
    )
    return f"forums:post:{context['post']['pk']}:{digest.hexdigest()}"


def _render(template, context: dict) -> tuple[str, str]:
    """(slot, html): the form token's place is a random string drawn after the post was written,
    so nothing a member wrote can contain it and receive someone's token."""
    slot = secrets.token_hex(16)
    return slot, template.render({**context, "csrf_token": slot})


def render_posts(
    posts: list[Post], *, access, csrf_token, blocked_ids, opening=False
) -> SafeString:
    """The posts' HTML in order: cached fragments where they exist, the rest rendered now.
    `access` is the reader's forums.permissions.BoardAccess on the posts' board."""
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
    keys = [_key(c) for c in contexts]
    found = fragments.get_many(keys)
    missing = {}
    template = get_template(POST_TEMPLATE)
    for key, context in zip(keys, contexts, strict=True):
        if key not in found:
            found[key] = missing[key] = _render(template, context)
    if missing:
        fragments.set_many(missing, timeout=SECONDS)
    token = str(csrf_token)
    html = "".join(found[key][1].replace(found[key][0], token) for key in keys)
    return mark_safe(html)  # noqa: S308 - rendered by the template, escaping applied there
