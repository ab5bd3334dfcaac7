"""Page parts rendered once and reused: a list prints cached HTML for every item whose look is
unchanged since any reader saw it, and renders (and caches) only the rest.

Each item is rendered from a small plain context, and the cache key is a digest of that
context, the language and the template sources, so a cached fragment is by construction the
HTML those values render: an edit, a moderation decision or a different reader simply asks for
another key, and nothing is invalidated by hand. A template must read nothing but its context
(forums/rendering.py tests that of its own).

A fragment never changes under its key, so the most recently used ones are also kept in this
process (`local`), which spares the cache's round trip for the posts everyone is reading. While
the cache cannot be reached, everything else is rendered afresh (supportgroups.degrade).
"""

import hashlib
import pickle
import secrets
import threading
from collections import OrderedDict
from functools import cache

from django.core.cache import cache as store
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .degrade import when_cache_is_down

SECONDS = 24 * 3600


class LocalFragments:
    """The `size` most recently used fragments of this process (a few megabytes at most)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: list[str]) -> dict[str, tuple[str, str]]:
        found = {}
        with self._lock:
            for key in keys:
                if key in self._items:
                    self._items.move_to_end(key)
                    found[key] = self._items[key]
        return found

    def set_many(self, items: dict[str, tuple[str, str]]) -> None:
        with self._lock:
            self._items.update(items)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


local = LocalFragments(size=5000)


@cache
def _templates_digest(names: tuple[str, ...]) -> str:
    sources = "|".join(f"{name}:{get_template(name).template.source}" for name in names)
    return hashlib.blake2b(sources.encode(), digest_size=8).hexdigest()


def _render(template, context: dict) -> tuple[str, str]:
    """(slot, html): the form token's place is a random string drawn after the item was written,
    so nothing a member wrote can contain it and receive someone's token."""
    slot = secrets.token_hex(16)
    return slot, template.render({**context, "csrf_token": slot})


@when_cache_is_down({})
def _cached(keys: list[str]) -> dict:
    return store.get_many(keys)


@when_cache_is_down(None)
def _keep(rendered: dict) -> None:
    store.set_many(rendered, timeout=SECONDS)


def render_each(names: tuple[str, ...], contexts: list[dict], *, csrf_token="") -> SafeString:
    """names[0] rendered once per context, in order (names: it and every template it includes):
    cached fragments where they exist, the rest rendered now."""
    prefix = f"{get_language()}|{_templates_digest(names)}|".encode()
    # Pickled rather than repr'd: as exact for plain values, and faster for a page of posts.
    keys = [
        "fragment:" + hashlib.blake2b(prefix + pickle.dumps(c, 5), digest_size=16).hexdigest()
        for c in contexts
    ]
    found = local.get_many(keys)
    shared = _cached([key for key in keys if key not in found]) if len(found) < len(keys) else {}
    missing = {}
    template = get_template(names[0])
    for key, context in zip(keys, contexts, strict=True):
        if key not in found and key not in shared:
            shared[key] = missing[key] = _render(template, context)
    if missing:
        _keep(missing)
    local.set_many(shared)
    found.update(shared)
    # The token is asked for only when a fragment holds a form: asking gives the response a
    # CSRF cookie, and a visitor's page without one can be kept whole (supportgroups.visitor_pages).
    token: str | None = None
    parts = []
    for key in keys:
        slot, html = found[key]
        if slot in html:
            token = str(csrf_token) if token is None else token
            html = html.replace(slot, token)
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - rendered by the template, escaping applied there
