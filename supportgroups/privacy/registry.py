"""The privacy contract: what each app holds about a person, and its part in memorials and
profile visibility.

The core cannot import groups, forums or chat, so each app says it from its own
`<app>/privacy.py` (found by `autodiscover()`, as `load_demo_data` finds `demo.py`):
- `register(model, ...)` for every model that holds a reference to a person: what export and
  deletion do with it. `tests/privacy/test_registry.py` fails when a model with a user foreign
  key has no decision.
- optionally `on_memorial(*, user) -> None`: runs in a worker after an account is memorialised
  (groups tells the facilitators);
- optionally `shares_a_group(*, viewer, subject) -> bool`: whether two people share a group, for
  the profile visibility "members of my groups";
- optionally `takes_daily_digest(*, user) -> bool`: whether the person chose one email a day
  (forums keeps that choice), so that news which would be emailed at once waits for that email.

Decisions (`on_delete`):
- "delete": the rows go with the account (preferences, memberships, sessions).
  Many-to-many links to the person (subscribers, reactions as a M2M) are always removed and
  never delete the row that holds them, whatever the decision.
- "anonymise": authored content stays, attributed to the "former member" placeholder, unless
  the person asks for removal too, in which case the rows are deleted.
- "keep_minimal": records others rely on (moderation history, audit logs) stay, pointed at the
  placeholder, whatever the person chooses; the app's `erase` handler strips anything more.
- "account": the User row itself (deleted last).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, Protocol

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.module_loading import module_has_submodule

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from supportgroups.models import User

DECISIONS = ("delete", "anonymise", "keep_minimal", "account")

# (user, rows) -> list of JSON-serialisable dicts; rows are that person's rows of the model.
Exporter = Callable[["User", models.QuerySet[Any]], list[dict[str, Any]]]


class Eraser(Protocol):
    """Replaces the default behaviour of the decision."""

    def __call__(self, *, user: User, placeholder: User, remove_content: bool) -> None: ...


class MemorialHook(Protocol):
    """A privacy module's on_memorial(*, user)."""

    def __call__(self, *, user: User) -> None: ...


class SharedGroupCheck(Protocol):
    """A privacy module's shares_a_group(*, viewer, subject)."""

    def __call__(self, *, viewer: User | AnonymousUser, subject: User) -> bool: ...


class DigestChoice(Protocol):
    """A privacy module's takes_daily_digest(*, user)."""

    def __call__(self, *, user: User) -> bool: ...


@dataclass(frozen=True)
class Entry:
    model: type[models.Model]
    on_delete: str
    user_fields: tuple[str, ...]
    export: Exporter | None
    erase: Eraser | None
    why: str
    export_fields: tuple[str, ...] | None = None
    exclude_fields: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return self.model._meta.label


_entries: dict[str, Entry] = {}
_modules: list[ModuleType] = []
_discovered = False


def user_fields_of(model: type[models.Model]) -> tuple[str, ...]:
    """Names of the model's own foreign keys, one-to-ones and many-to-manys to the User."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return tuple(
        f.name
        for f in model._meta.get_fields()
        if (f.many_to_one or f.one_to_one or f.many_to_many)
        and not f.auto_created
        and f.concrete
        and f.related_model is user_model
    )


def register(
    model: type[models.Model],
    *,
    on_delete: str,
    why: str,
    export: Exporter | Literal["fields"] | None = "fields",
    erase: Eraser | None = None,
    user_fields: tuple[str, ...] | None = None,
    export_fields: tuple[str, ...] | None = None,
    exclude_fields: tuple[str, ...] = (),
) -> None:
    """Declare what happens to `model`'s rows about a person on export and deletion.

    `export="fields"` exports every concrete field (or `export_fields`, minus `exclude_fields`)
    of the rows where any of `user_fields` (default: all user foreign keys) is the person;
    a callable builds the rows itself; None means nothing is exported and `why` must say why.
    """
    if on_delete not in DECISIONS:
        raise ValueError(f"on_delete must be one of {DECISIONS}, not {on_delete!r}")
    if not why:
        raise ValueError("Say why: the decision is read by people auditing the site.")
    fields = user_fields or user_fields_of(model)
    if not fields and on_delete != "account":
        raise ValueError(f"{model._meta.label} has no foreign key to the user model.")
    if on_delete in ("anonymise", "keep_minimal") and erase is None:
        for name in fields:
            if _reassigning_could_collide(model, name):
                raise ValueError(
                    f"{model._meta.label}.{name} is unique (alone or with other fields), so "
                    "pointing several deleted people's rows at the placeholder would collide: "
                    'use on_delete="delete" or pass erase=.'
                )
    exporter = _export_fields if isinstance(export, str) else export
    _entries[model._meta.label] = Entry(
        model=model,
        on_delete=on_delete,
        user_fields=tuple(fields),
        export=exporter,
        erase=erase,
        why=why,
        export_fields=export_fields,
        exclude_fields=tuple(exclude_fields),
    )


def _reassigning_could_collide(model: type[models.Model], name: str) -> bool:
    field = model._meta.get_field(name)
    if field.many_to_many:
        return False  # links to the person are removed, never reassigned
    if isinstance(field, models.Field) and field.unique:
        return True
    together = [set(group) for group in model._meta.unique_together]
    together += [
        set(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.condition is None
    ]
    return any(name in group for group in together)


def autodiscover() -> None:
    """Import the core registrations and every installed app's `privacy` module, once."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    import_module("supportgroups.privacy.core")
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "privacy"):
            _modules.append(import_module(f"{config.name}.privacy"))


def entries() -> list[Entry]:
    autodiscover()
    return sorted(_entries.values(), key=lambda e: e.label)


def entry_for(model: type[models.Model]) -> Entry | None:
    autodiscover()
    return _entries.get(model._meta.label)


def memorial_hooks() -> list[MemorialHook]:
    autodiscover()
    return [module.on_memorial for module in _modules if hasattr(module, "on_memorial")]


def shared_group_checks() -> list[SharedGroupCheck]:
    autodiscover()
    return [module.shares_a_group for module in _modules if hasattr(module, "shares_a_group")]


def digest_choices() -> list[DigestChoice]:
    autodiscover()
    return [
        module.takes_daily_digest for module in _modules if hasattr(module, "takes_daily_digest")
    ]


def unregistered_models(candidates: list[type[models.Model]] | None = None) -> list[str]:
    """Models that point at a user without a decision (the registry test asserts none)."""
    autodiscover()
    missing = []
    for model in apps.get_models() if candidates is None else candidates:
        if user_fields_of(model) and model._meta.label not in _entries:
            missing.append(model._meta.label)
    return sorted(missing)


def rows_for(entry: Entry, user: User) -> models.QuerySet[Any]:
    query = models.Q()
    for name in entry.user_fields:
        query |= models.Q(**{name: user})
    if entry.on_delete == "account":
        query = models.Q(pk=user.pk)
    return entry.model._default_manager.filter(query).distinct()


def _export_fields(user: User, rows: models.QuerySet[Any]) -> list[dict[str, Any]]:
    entry = _entries[rows.model._meta.label]
    names = [
        f.attname
        for f in rows.model._meta.concrete_fields
        if (entry.export_fields is None or f.name in entry.export_fields)
        and f.name not in entry.exclude_fields
    ]
    return list(rows.values(*names))
