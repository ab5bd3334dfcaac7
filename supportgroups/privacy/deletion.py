"""Deleting an account: every registered app handles its rows, then the User row goes."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction

from supportgroups.models import User

from . import registry

FORMER_MEMBER_EMAIL = "former-member@placeholder.invalid"


def former_member() -> User:
    """The one placeholder account that deleted people's kept words are attributed to.

    It cannot sign in (inactive, unusable password) and `.invalid` is never delivered to.
    """
    user_model = get_user_model()
    placeholder, created = user_model.objects.get_or_create(
        email=FORMER_MEMBER_EMAIL,
        defaults={"display_name": str(settings.FORMER_MEMBER_NAME), "is_active": False},
    )
    if created:
        placeholder.set_unusable_password()
        placeholder.save(update_fields=["password"])
    return placeholder


def is_placeholder(user: User | AnonymousUser) -> bool:
    return getattr(user, "email", None) == FORMER_MEMBER_EMAIL


@transaction.atomic
def delete_account(*, user: User, remove_content: bool) -> None:
    """Remove the person's data; what they wrote stays as "former member" unless removed too.

    Runs every app's registered decision in one transaction, so a failure anywhere leaves the
    account whole rather than half-deleted.
    """
    if is_placeholder(user):
        raise ValueError("The former-member placeholder cannot be deleted.")
    placeholder = former_member()
    account_entries = []
    for entry in registry.entries():
        if entry.on_delete == "account":
            account_entries.append(entry)
        elif entry.erase is not None:
            entry.erase(user=user, placeholder=placeholder, remove_content=remove_content)
        else:
            _apply_decision(entry, user=user, placeholder=placeholder, remove=remove_content)
    for entry in account_entries:
        registry.rows_for(entry, user).delete()


def _apply_decision(entry: registry.Entry, *, user: User, placeholder: User, remove: bool) -> None:
    meta = entry.model._meta
    keys = [n for n in entry.user_fields if not meta.get_field(n).many_to_many]
    for name in entry.user_fields:
        field = meta.get_field(name)
        if isinstance(field, models.ManyToManyField):  # only the link to the person goes
            through = field.remote_field.through
            assert through is not None  # set once the model class is ready
            through._default_manager.filter(**{field.m2m_reverse_field_name(): user}).delete()
    if not keys:
        return
    manager = entry.model._default_manager
    if entry.on_delete == "delete" or (entry.on_delete == "anonymise" and remove):
        query = models.Q()
        for name in keys:
            query |= models.Q(**{name: user})
        manager.filter(query).delete()
    else:  # anonymise (keeping the content) or keep_minimal: attribute to the placeholder
        for name in keys:
            manager.filter(**{name: user}).update(**{name: placeholder})
