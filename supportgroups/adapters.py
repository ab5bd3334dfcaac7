"""allauth hooks for this site's User model."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Store the display name and time zone with the first save.

        allauth would otherwise save the user with an empty display name and fill it in afterwards
        (SignupForm.signup); two sign-ups at once would then collide on the unique display name.
        """
        user.display_name = form.cleaned_data["display_name"]
        user.time_zone = form.cleaned_data["time_zone"]
        return super().save_user(request, user, form, commit=commit)
