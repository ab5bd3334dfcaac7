"""The site's header, footer and language switcher: the same on every page for everyone in the
same situation (signed in or not, their name, their unread count, whether they moderate or read
the reports), so rendered once and reused (supportgroups.fragments) from the few plain values
they show. Their addresses are reversed once per process and address prefix, and are part of
those values, so a changed URL makes new keys like any other change. The switcher carries the
page's address, put in after: a fragment per address would let anyone fill the cache. Every
page's own addresses and static files are worked out once per process too (`address`, `asset`)."""

from functools import cache
from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ..fragments import render_each
from ..links import address as _address
from ..links import fixed_urls
from ..live import PAGE_FACTS, Kept, kept_together

register = template.Library()

HEADER_TEMPLATES = ("_site_header.html",)
FOOTER_TEMPLATES = ("_site_footer.html",)
HEADER_URLS = (
    ("home", "home"),
    ("groups", "groups:directory"),
    ("forums", "forums:index"),
    ("my_groups", "groups:mine"),
    ("resources", "resources:library"),
    ("my_meetings", "meetings:mine"),
    ("notifications", "notifications"),
    ("messages", "conversations:inbox"),
    ("moderation", "moderation:dashboard"),
    ("reports", "reports:index"),
    ("profile", "profile"),
    ("privacy_settings", "privacy:settings"),
    ("sign_out", "account_logout"),
    ("sign_in", "account_login"),
    ("join", "account_signup"),
)
FOOTER_URLS = (("privacy", "privacy"), ("terms", "terms"))
SWITCHER_TEMPLATES = ("_language_switcher.html",)
SWITCHER_URLS = (("set_language", "set_language"),)
# Where the page's address goes in the switcher's fragment: no language's name holds it.
PAGE_ADDRESS = "\x1fpage-address\x1f"


# What the context processors give the header (supportgroups, groups.conversations,
# moderation, reports): for people signed in, facts kept in the cache (live.Kept).
HEADER_FACTS = (
    ("unread", "unread_notifications"),
    ("unread_messages", "unread_conversations"),
    ("queue_link", "shows_queue_link"),
    ("reports_link", "shows_reports_link"),
)


def _worked_out(fact: Kept[Any] | Any) -> Any:
    return fact.value() if isinstance(fact, Kept) else fact


def header_context(context) -> dict:
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    facts = {name: context.get(variable) for name, variable in HEADER_FACTS} if signed_in else {}
    # One cache round trip for them all and the page's own (live.PAGE_FACTS); worked out only
    # for people signed in.
    kept = [fact for fact in facts.values() if isinstance(fact, Kept)]
    kept_together([*kept, *context.get(PAGE_FACTS, ())] if signed_in else [])
    return {
        "header": {
            "urls": fixed_urls(HEADER_URLS),
            "site_name": context.get("SITE_NAME", ""),
            "signed_in": signed_in,
            "display_name": user.display_name if signed_in else "",
            "unread": _worked_out(facts.get("unread")) or 0,
            "unread_messages": _worked_out(facts.get("unread_messages")) or 0,
            "queue_link": bool(_worked_out(facts.get("queue_link"))),
            "reports_link": bool(_worked_out(facts.get("reports_link"))),
        }
    }


def footer_context() -> dict:
    return {"footer": {"urls": fixed_urls(FOOTER_URLS)}}


@register.simple_tag(takes_context=True)
def site_header(context) -> SafeString:
    token = context.get("csrf_token", "")
    return render_each(HEADER_TEMPLATES, [header_context(context)], csrf_token=token)


@register.simple_tag
def site_footer() -> SafeString:
    return render_each(FOOTER_TEMPLATES, [footer_context()])


def switcher_context(*, signed_in: bool) -> dict:
    return {
        "switcher": {
            "urls": fixed_urls(SWITCHER_URLS),
            "signed_in": signed_in,
            "next": PAGE_ADDRESS,
            "current": get_language(),
            "languages": [(code, str(name)) for code, name in settings.LANGUAGES],
        }
    }


@register.simple_tag(takes_context=True)
def language_switcher(context) -> SafeString:
    user, request = context.get("user"), context.get("request")
    signed_in = bool(user is not None and user.is_authenticated)
    switcher = switcher_context(signed_in=signed_in)
    html = render_each(SWITCHER_TEMPLATES, [switcher], csrf_token=context.get("csrf_token", ""))
    address = escape(request.get_full_path()) if request is not None else ""
    return mark_safe(html.replace(PAGE_ADDRESS, address))  # noqa: S308 - the address is escaped


@register.simple_tag
def address(viewname: str, *args: object) -> str:
    """`{% url %}` for the addresses pages show on every request, reversed once per process
    (supportgroups.links): the last argument, if any, must be an id or a slug."""
    return _address(viewname, *args)


@cache
def _asset(path: str, static_url: str | None) -> str:
    return static(path)


@register.simple_tag
def asset(path: str) -> str:
    """`{% static %}` worked out once per process for each file (and STATIC_URL)."""
    return _asset(path, settings.STATIC_URL)
