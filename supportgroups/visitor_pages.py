"""Whole pages kept for visitors (people not signed in), as big forums keep their anonymous pages.

Every visitor sees the same HTML for a public page, so the page a visitor was last given is
given again, without running its view, to the next visitor who asks for the same address, in the
same language, through the same host, in the same minute, for as long as nothing shown could
have changed. The pages are those listed in `VISITOR_CACHED_VIEWS`; a page that depends on more
than that (its own form token, a message, a session write, a cookie) is never kept.

"Nothing could have changed" is one version for the whole site, moved after every committed
write to a table whose rows a visitor's page could show (every table except those listed in
`_UNSEEN_TABLES`, which hold what only their owner or the moderators read). The writes are
noticed as SQL, under the ORM: a moderation decision, a new post or an edited group shows to
the next visitor, whichever code path (`save()`, `update()`, a bulk insert or raw SQL) made it.

Only visitors are served from here, and only what the view itself gave a visitor: a private
group's pages are 404 for visitors, and a 404 is never kept. The minute in the key bounds what
changes with the clock alone (a meeting that has started, "meets this week").
"""

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import get_language

from .degrade import when_cache_is_down
from .versions import versions_of

VERSION_KEY = "visitor-pages:version"
PAGE_SECONDS = 120  # a page's key holds its minute: it is never read after the next one

# What no visitor's page shows: sessions and accounts, preferences and read marks, private
# messages and chat, notifications, moderation's own records, audit logs. A write to any other
# table moves the version.
_UNSEEN_TABLES = frozenset(
    {
        "django_session",
        "django_admin_log",
        "usersessions_usersession",
        "account_emailaddress",
        "account_emailconfirmation",
        "mfa_authenticator",
        "forums_threadreadstate",
        "forums_subscription",
        "forums_emailpreference",
        "forums_topicpreference",
        "forums_digestitem",
        "groups_membershipevent",
        "groups_groupinvitation",
        "meetings_calendarfeed",
        "meetings_reminderdelivery",
        "meetings_reminderpreference",
        "moderation_auditlogentry",
        "moderation_flag",
        "moderation_itemnote",
        "moderation_report",
        "moderation_reviewitem",
        "moderation_ondutyshift",
        "moderation_appeal",
        "supportgroups_adminaccesslog",
        "supportgroups_block",
        "supportgroups_consent",
        "supportgroups_dataexport",
        "supportgroups_notification",
        "supportgroups_notificationpreference",
        "supportgroups_signinrecord",
    }
)
_UNSEEN_PREFIXES = ("auth_", "chat_", "conversations_")
# Signing in stamps the account's last sign-in, which no page shows.
_SIGN_IN_STAMP = 'UPDATE "supportgroups_user" SET "last_login" = %s WHERE '
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)


def _written_table(sql: str) -> str | None:
    """The table this statement writes (SELECTs never write)."""
    if sql[:1] in ("S", "s"):
        return None
    match = _WRITE.match(sql)
    return None if match is None else match.group(1)


def _shows_to_visitors(sql: str) -> bool:
    """Whether this statement writes a table a visitor's page could show (SELECTs never)."""
    table = _written_table(sql)
    return table is not None and _seen(table) and not sql.startswith(_SIGN_IN_STAMP)


def _seen(table: str) -> bool:
    return table not in _UNSEEN_TABLES and not table.startswith(_UNSEEN_PREFIXES)


@when_cache_is_down(None)
def move_version() -> None:
    cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)


def _watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """A database execute wrapper: a write visitors could see moves the version once its
    transaction commits (at once outside one), and so does a write to the tables of a
    `supportgroups.versions.TablesVersion` move that version. One pending move per transaction
    is enough; a savepoint rolled back takes its move with it, and a later write asks again."""
    result = execute(sql, params, many, context)
    table = _written_table(sql)
    if table is None or sql.startswith(_SIGN_IN_STAMP):
        return result
    moves: list[Callable[[], None]] = [version.move for version in versions_of(table)]
    if _seen(table):
        moves.append(move_version)
    connection = context["connection"]
    for move in moves:
        if _inside_a_test_case(connection):
            move()
        elif not any(func == move for _sids, func, *_rest in connection.run_on_commit):
            transaction.on_commit(move, using=connection.alias)
    return result


def _inside_a_test_case(connection: BaseDatabaseWrapper) -> bool:
    """A test case's transaction (Django marks its atomic blocks) is never committed: a write
    there counts as committed at once, as the test goes on to read it."""
    blocks = connection.atomic_blocks
    return bool(blocks) and getattr(blocks[0], "_from_testcase", False)


def watch_connection(*, connection: BaseDatabaseWrapper, **_kwargs: Any) -> None:
    """`connection_created` receiver: every connection reports its writes."""
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


@dataclass(frozen=True)
class _Kept:
    version: str
    status: int
    headers: dict[str, str]
    content: bytes
    indexable: bool


def _key(request: HttpRequest) -> str:
    htmx = sorted((k, v) for k, v in request.META.items() if k.startswith("HTTP_HX_"))
    minute = int(timezone.now().timestamp() // 60)
    parts = (
        get_language(),
        request.scheme,
        request.get_host(),
        request.method,
        request.get_full_path(),
        repr(htmx),
        str(minute),
    )
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16)
    return "visitor-page:" + digest.hexdigest()


def _is_visitor(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and len(get_messages(request)) == 0
    )


_NOTHING_KEPT: tuple[str | None, "_Kept | None"] = (None, None)
_NO_VERSION: str | None = None


@when_cache_is_down(_NOTHING_KEPT)
def _read(key: str) -> tuple[str | None, _Kept | None]:
    found = cache.get_many([VERSION_KEY, key])
    return found.get(VERSION_KEY), found.get(key)


@when_cache_is_down(None)
def _keep(key: str, kept: _Kept) -> None:
    cache.set(key, kept, timeout=PAGE_SECONDS)


@when_cache_is_down(_NO_VERSION)
def _first_version() -> str | None:
    version = secrets.token_hex(8)
    cache.add(VERSION_KEY, version, timeout=None)
    found: str | None = cache.get(VERSION_KEY)
    return found


def _replay(kept: _Kept) -> HttpResponse:
    response = HttpResponse(kept.content, status=kept.status)
    for name, value in kept.headers.items():
        response[name] = value
    if kept.indexable:
        response.search_indexing_allowed = True  # type: ignore[attr-defined]
    return response


def _keepable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """The response is the page any visitor gets: nothing in it is this visitor's own."""
    return (
        response.status_code == 200
        and isinstance(response, HttpResponse)
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a form token
        and not request.session.modified
        and not getattr(get_messages(request), "added_new", False)
    )


class VisitorPageCacheMiddleware:
    """Last in MIDDLEWARE: it sees the view's response before anything else adds to it, and the
    middleware around it treats a kept page as the view's own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.views = frozenset(settings.VISITOR_CACHED_VIEWS)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        pending: tuple[str, str] | None = getattr(request, "_visitor_page", None)
        if pending is not None and _keepable(request, response):
            key, version = pending
            assert isinstance(response, HttpResponse)
            kept = _Kept(
                version=version,
                status=response.status_code,
                headers=dict(response.items()),
                content=response.content,
                indexable=bool(getattr(response, "search_indexing_allowed", False)),
            )
            _keep(key, kept)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.view_name not in self.views or not _is_visitor(request):
            return None
        key = _key(request)
        version, kept = _read(key)
        if version is not None and kept is not None and kept.version == version:
            return _replay(kept)
        version = version or _first_version()
        if version is not None:
            # Read back by __call__ once the view has answered this same request.
            request._visitor_page = (key, version)  # type: ignore[attr-defined]
        return None
