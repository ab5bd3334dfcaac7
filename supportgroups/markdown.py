"""Markdown written by people, rendered to HTML that cannot run script or break the page."""

from functools import lru_cache

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "a", "h3", "h4", "h5", "h6", "hr", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML: raw HTML is escaped, links get rel="nofollow ugc noopener"."""
    html = md.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it


@lru_cache(maxsize=256)
def render_markdown_once(text: str) -> SafeString:
    """render_markdown for a text shown on every view of a page (a group's description):
    rendered once per process for each text."""
    return render_markdown(text)
