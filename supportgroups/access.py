"""Tell the live parts of the site that what a person may do has changed.

Open sockets hold a person for as long as a page stays open, so every change that can take
access or the right to write away (suspension, memorial, sign-out everywhere, a password
change, a staff demotion, a moderation sanction or its lifting) calls `changed(user_id)`.
Apps with sockets register a hook here (chat does, in its AppConfig.ready()); this module
imports nothing of theirs, so the import direction of the project holds.

Hooks run after the surrounding transaction commits, so whoever they tell re-reads the new
state, and a rolled-back change tells nobody.
"""

from collections.abc import Callable

from django.db import transaction

_hooks: list[Callable[[int], None]] = []


def register_access_changed(hook: Callable[[int], None]) -> None:
    """`hook(user_id)` runs after commit whenever that person's access may have changed."""
    if hook not in _hooks:
        _hooks.append(hook)


def changed(user_id: int) -> None:
    for hook in _hooks:
        transaction.on_commit(_later(hook, user_id), robust=True)


def _later(hook: Callable[[int], None], user_id: int) -> Callable[[], None]:
    """A named function: on_commit's robust mode logs a failing callback by its __qualname__."""

    def run() -> None:
        hook(user_id)

    return run
