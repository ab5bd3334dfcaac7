"""How an app lets moderation handle one of its models: an adapter, in `<app>/moderation.py`.

moderation imports nothing from the apps whose content it moderates (see
docs/architecture.md). Each app describes each moderatable model with one subclass of
ModerationAdapter, decorated with @register, in its own `moderation.py`; `autodiscover()` imports
those modules at start-up, as the privacy registry finds `privacy.py`. The adapter reads the
model and changes it only through the app's own services, so the model keeps to data and
invariants and never imports its services. forums/moderation.py is a complete example;
docs/architecture.md lists what the base class asks for and its defaults.

Anything moderation is handed (`screen(obj)`, `request_review(target=obj)`, a queue item's
target) goes through `adapter_for(obj)`; an unregistered model is a programming error.
"""

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Protocol, TypeVar, cast

from django.db import models
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from .errors import ModerationError

if TYPE_CHECKING:
    from supportgroups.models import User

M = TypeVar("M", bound=models.Model)

NOT_CONTENT = _("This cannot be hidden or edited; act on its author instead.")
NOT_EDITABLE = _("This kind of content cannot be edited here.")

# What the queue's content actions need of an adapter: one flag each.
Capability = Literal["hideable", "restorable", "editable"]


class ModerationAdapter(ABC, Generic[M]):
    """What moderation may read and do with one object. Subclasses set `model` and give
    `author` and `text_for_screening()`; everything else has a default that suits something
    with no page of its own, no group, that members cannot report and nobody can hide, restore
    or edit."""

    model: ClassVar[type[models.Model]]
    # What the queue can do to it. The item page offers, and the actions accept, only what is
    # True here; each True flag comes with its method (register() checks). All False for
    # something that is not content (a member's profile) or never shown to members (an
    # appeal): then only the sanctions on its author, and closing the item, are offered.
    hideable: ClassVar[bool] = False  # hide() and remove(): members stop seeing it
    restorable: ClassVar[bool] = False  # restore(): shown again, held content published
    editable: ClassVar[bool] = False  # edit(): a moderator's edit replaces its words
    # A new member's first words in a pre-moderated group wait for a facilitator; False for
    # private messages, which the facilitators would otherwise read first.
    premoderated: ClassVar[bool] = True

    def __init__(self, obj: M) -> None:
        self.obj = obj

    @property
    def pk(self) -> int:
        return int(self.obj.pk)

    def can(self, capability: Capability) -> bool:
        """Whether the queue can do this to it (an action's `needs`)."""
        flags = {
            "hideable": self.hideable,
            "restorable": self.restorable,
            "editable": self.editable,
        }
        return flags[capability]

    @property
    @abstractmethod
    def author(self) -> "User | None":
        """Who wrote it (None once their account is deleted): sanctions and appeals are theirs."""

    @abstractmethod
    def text_for_screening(self) -> str:
        """The words the crisis and spam screens read, and a moderator's edit starts from."""

    def excerpt(self) -> str:
        """A short plain-text extract for the queue."""
        return self.text_for_screening()[:200]

    def group_id(self) -> int | None:
        """The support group whose facilitators moderate it; None: site moderators only."""
        return None

    def url(self) -> str:
        """Where it stands for the people allowed to read it ("" when it has no page)."""
        return ""

    def context(self) -> str:
        """What the item page shows instead of the excerpt: the conversation around it, or
        words members can no longer read. Escaped unless it is a SafeString."""
        return ""

    def can_report(self, user: "User") -> bool:
        """Whether this person may report it with moderation's report form: only people who
        may see it (the form answers 404 to everyone else)."""
        return False

    def hide(self, *, reason: str) -> None:
        """Stop showing it to members; its words stay for the moderators."""
        raise ModerationError(NOT_CONTENT)

    def remove(self, *, reason: str) -> None:
        """Remove it for good as far as members can tell: hidden, unless the app does more."""
        self.hide(reason=reason)

    def restore(self) -> None:
        """Show it again; content held for approval is published by this."""
        raise ModerationError(NOT_CONTENT)

    def edit(self, *, text: str) -> None:
        """Replace its words with a moderator's edit (kept as a revision where the app can)."""
        raise ModerationError(NOT_EDITABLE)


class Written(Protocol):
    """A short message: chat's, and a private conversation's."""

    @property
    def author(self) -> "User | None": ...

    @property
    def body(self) -> str: ...


class ShortMessageModeration(ModerationAdapter[M]):
    """Short messages (chat, private conversations): the author's, the body is what is
    screened, and the queue shows at most 140 characters of it."""

    @property
    def message(self) -> Written:
        # M cannot be bounded by Written: mypy checks a bound before django-stubs has typed
        # the model's fields.
        return cast(Written, self.obj)

    @property
    def author(self) -> "User | None":
        return self.message.author

    def text_for_screening(self) -> str:
        return self.message.body

    def excerpt(self) -> str:
        body = self.message.body
        return body if len(body) <= 140 else body[:139] + "…"


Adapter = ModerationAdapter[Any]
_adapters: dict[str, type[Adapter]] = {}
_discovered = False

A = TypeVar("A", bound=type[Adapter])


def register(adapter: A) -> A:
    """Class decorator: moderation handles `adapter.model` through `adapter`. A flag without
    its method, or a method without its flag, is refused here: the item page would offer an
    action that fails, or hide one that works."""
    base = ModerationAdapter
    promised = [
        ("hideable", adapter.hideable, adapter.hide is not base.hide),
        ("hideable", adapter.hideable or adapter.remove is base.remove, True),
        ("restorable", adapter.restorable, adapter.restore is not base.restore),
        ("editable", adapter.editable, adapter.edit is not base.edit),
    ]
    for flag, says, does in promised:
        if says != does:
            raise TypeError(f"{adapter.__name__}: {flag} does not match its methods")
    _adapters[adapter.model._meta.label_lower] = adapter
    return adapter


def autodiscover() -> None:
    """Import every installed app's `moderation` module, once."""
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("moderation")


def adapter_class(label: str) -> type[Adapter] | None:
    """The adapter registered for a model label ("forums.post"), or None."""
    autodiscover()
    return _adapters.get(label)


def adapter_for(obj: models.Model) -> Adapter:
    """The registered adapter around obj. LookupError for a model nobody registered: a queue
    item about something moderation cannot describe would be one nobody can handle."""
    adapter = adapter_class(obj._meta.label_lower)
    if adapter is None:
        raise LookupError(f"{obj._meta.label} has no moderation adapter (<app>/moderation.py)")
    return adapter(obj)
