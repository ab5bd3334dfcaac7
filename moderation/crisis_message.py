"""The caring message, rendered for a socket (chat, private conversations): the page that
receives it cannot add its own CSRF token to a form inside it, so the token comes from the
socket's cookie (the unmasked secret is a valid form token). It is written in the person's
language, as their pages are: the account's choice, else the language cookie their pages set."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from supportgroups.languages import supported
from supportgroups.models import User

from .selectors import crisis_context


def crisis_message_html(user: User, *, group_id: int | None, cookies: dict[str, str]) -> str:
    language = (
        supported(user.language)
        or supported(cookies.get(settings.LANGUAGE_COOKIE_NAME))
        or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        context = {
            **crisis_context(user, group_id=group_id),
            "csrf_token": cookies.get(settings.CSRF_COOKIE_NAME, ""),
        }
        return render_to_string("moderation/_crisis_message.html", context)
