"""Every websocket route, under /ws/. Each app keeps its own routing module."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator
from django.conf import settings
from django.urls import URLPattern, re_path
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from groups.chat.routing import websocket_urlpatterns as chat_routes
from groups.conversations.routing import websocket_urlpatterns as conversation_routes
from moderation.routing import websocket_urlpatterns as moderation_routes

from .consumers import NotFoundConsumer
from .languages import supported

# Last: any path the routes above do not match is refused cleanly.
# django-stubs types path() for views only; URLRouter takes ASGI apps too.
not_found = [re_path(r"", NotFoundConsumer.as_asgi())]  # type: ignore[arg-type]
websocket_urlpatterns = chat_routes + conversation_routes + moderation_routes + not_found


class SocketLanguage:
    """A socket speaks the language its page does: the account's, else the language cookie,
    else the browser's Accept-Language (as LocaleMiddleware and UserLanguageMiddleware decide
    for pages). Activated for the whole connection: its refusals, notices and crisis message."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send):
        with translation.override(socket_language(scope)):
            return await self.inner(scope, receive, send)


def socket_language(scope) -> str:
    user = scope.get("user")
    if user is not None and user.is_authenticated and (chosen := supported(user.language)):
        return chosen
    cookie = supported(scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME))
    if cookie:
        return cookie
    headers = dict(scope.get("headers", []))
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    for code, _quality in parse_accept_lang_header(accept):
        if found := supported(code):
            return found
    return settings.LANGUAGE_CODE


def guarded(routes: list[URLPattern]) -> OriginValidator:
    """What every socket passes first: an origin among ALLOWED_HOSTS, then the session's user,
    then the language it speaks."""
    # The channels stubs want routes of their own URLPattern subclass; path() makes these.
    router = URLRouter(routes)  # type: ignore[arg-type]
    return AllowedHostsOriginValidator(AuthMiddlewareStack(SocketLanguage(router)))
