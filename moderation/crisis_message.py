"""The caring message, rendered for a socket (chat, private conversations): the page that
receives it cannot add its own CSRF token to a form inside it, so the token comes from the
socket's cookie (the unmasked secret is a valid form token)."""

from django.conf import settings
from django.template.loader import render_to_string

from supportgroups.models import User

from .selectors import crisis_context


def crisis_message_html(user: User, *, group_id: int | None, cookies: dict[str, str]) -> str:
    context = {
        **crisis_context(user, group_id=group_id),
        "csrf_token": cookies.get(settings.CSRF_COOKIE_NAME, ""),
    }
    return render_to_string("moderation/_crisis_message.html", context)
