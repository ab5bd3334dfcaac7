"""allauth hooks for this site's User model."""

import copy

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language

from supportgroups import services
from supportgroups.languages import email_subject, in_language, site_name, supported
from supportgroups.models import Memorial
from supportgroups.names import TOO_CLOSE
from supportgroups.selectors import display_name_in_use


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        """allauth's emails begin their subjects as ours do: the site's name, translated."""
        return email_subject(subject)

    def save_user(self, request, user, form, commit=True):
        """Store the display name and time zone with the first save.

        allauth would otherwise save the user with an empty display name and fill it in afterwards
        (SignupForm.signup); two sign-ups at once would then collide on the unique display name.
        """
        user.display_name = form.cleaned_data["display_name"]
        user.time_zone = form.cleaned_data["time_zone"]
        # The language the person signed up in: their emails are written in it from the first.
        user.language = supported(get_language()) or ""
        if not commit:
            return super().save_user(request, user, form, commit=False)
        try:
            with transaction.atomic():
                return super().save_user(request, user, form, commit=True)
        except IntegrityError:
            # The form checked the name, but someone took it (or a look-alike) since: the loser
            # of that race gets the form back instead of a 500. The insert was rolled back, and
            # allauth makes the EmailAddress only after this returns, so nothing is left behind.
            if not display_name_in_use(user.display_name):
                raise  # some other constraint: not ours to explain
            form.add_error("display_name", TOO_CLOSE)
            raise ImmediateHttpResponse(_signup_form_again(request, form)) from None

    def set_password(self, user, password) -> None:
        """Changing, setting and resetting a password all save through the account service,
        which tells the person's open sockets."""
        services.set_password(user=user, password=password)

    def send_mail(self, template_prefix, email, context):
        """Send allauth's own emails (verification, password reset, "unknown account", codes)
        as allauth does, except to a memorialised account: the family asked for email to stop.

        The account is found by the address as well as by `context["user"]`, because a
        memorialised account is inactive and allauth then treats its address as unknown and
        would mail it the "no account here" message instead.
        """
        if _is_memorialised_address(email, user=context.get("user")):
            return
        # In the language the account reads the site in (a stranger's address: the page's).
        person = context.get("user")
        if person is None or not getattr(person, "language", ""):
            super().send_mail(template_prefix, email, context)
            return
        with in_language(person):
            super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's emails greet from `current_site.name`, which without the sites framework
        is the request's host: ours is SITE_NAME, in the language the email is written in."""
        site = context.get("current_site")
        if site is not None:
            named = copy.copy(site)
            named.name = site_name()
            context = {**context, "current_site": named}
        return super().render_mail(template_prefix, email, context, headers)


def _signup_form_again(request, form):
    """allauth's own sign-up page for `form`, with its errors and what was typed (allauth's
    AccountMiddleware returns it when the ImmediateHttpResponse escapes the view)."""
    from allauth.account.views import SignupView  # the view module imports this adapter's base

    view = SignupView()
    view.setup(request)
    response = view.form_invalid(form).render()
    add_never_cache_headers(response)  # the exception skips the view's never_cache
    return response


def _is_memorialised_address(email: str, *, user) -> bool:
    owner = Q(user__email__iexact=email) | Q(user__emailaddress__email__iexact=email)
    if user is not None and user.pk is not None:
        owner |= Q(user_id=user.pk)
    return Memorial.objects.filter(owner).exists()
