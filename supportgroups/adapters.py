"""allauth hooks for this site's User model."""

from allauth.account.adapter import DefaultAccountAdapter
from django.db.models import Q

from supportgroups.models import Memorial


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Store the display name and time zone with the first save.

        allauth would otherwise save the user with an empty display name and fill it in afterwards
        (SignupForm.signup); two sign-ups at once would then collide on the unique display name.
        """
        user.display_name = form.cleaned_data["display_name"]
        user.time_zone = form.cleaned_data["time_zone"]
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        """Send allauth's own emails (verification, password reset, "unknown account", codes)
        as allauth does, except to a memorialised account: the family asked for email to stop.

        The account is found by the address as well as by `context["user"]`, because a
        memorialised account is inactive and allauth then treats its address as unknown and
        would mail it the "no account here" message instead.
        """
        if _is_memorialised_address(email, user=context.get("user")):
            return
        super().send_mail(template_prefix, email, context)


def _is_memorialised_address(email: str, *, user) -> bool:
    owner = Q(user__email__iexact=email) | Q(user__emailaddress__email__iexact=email)
    if user is not None and user.pk is not None:
        owner |= Q(user_id=user.pk)
    return Memorial.objects.filter(owner).exists()
