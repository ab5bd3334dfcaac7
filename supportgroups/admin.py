from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Notification, User
from .names import TOO_CLOSE
from .selectors import display_name_in_use


class LookAlikeNameCheck:
    """Staff get the same look-alike check as members, as a field error rather than the
    unique index's IntegrityError (role words stay allowed: staff may name a staff account)."""

    cleaned_data: dict[str, Any]
    instance: User

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"]
        if display_name_in_use(name, exclude_pk=self.instance.pk):
            raise forms.ValidationError(TOO_CLOSE)
        return name


class UserChangeForm(LookAlikeNameCheck, auth_forms.UserChangeForm):
    pass


class UserCreationForm(LookAlikeNameCheck, auth_forms.AdminUserCreationForm):
    pass


class PasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    def save(self, commit: bool = True) -> User:
        """Set the password (or make it unusable) as Django does, then save it through the
        account service, which tells the person's open sockets."""
        user = super().save(commit=False)
        if commit:
            services.save_account(user=user, changed=self.changed_data)
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = PasswordChangeForm
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "is_staff",
        "is_verified_professional",
        "is_active",
        "date_joined",
        "last_login",
    ]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        "is_verified_professional",
        "about_role",
        "date_joined",
    ]
    search_fields = ["email", "display_name"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {"fields": ["display_name", "time_zone", "about_role", "is_verified_professional"]},
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]},
        ),
    ]

    def save_model(
        self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool
    ) -> None:
        """Through the account service, so that deactivating someone or taking away their staff
        status reaches their open sockets."""
        services.save_account(user=obj, changed=form.changed_data if change else ())


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "title", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["user__display_name", "title"]
    raw_id_fields = ["user"]
