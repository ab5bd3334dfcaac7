"""Reads asked on every request, built and compiled by Django once per process.

Building a queryset and compiling it to SQL costs Django several times more CPU than running
the SQL: on the bench machine, 0.47 ms against 0.07 ms for the header's unread count, and 3.5 of
the 5 ms a group page spent on its resources panel. Pages ask the same questions on every
request with different ids, so `Prepared(build)` has `build` make its queryset once per shape,
from marker values, keeps the SQL it compiles to and where each marker landed among the
parameters, and afterwards runs that SQL with the caller's values put in. The rows go through
Django's own machinery (model instances, select_related, annotations, values, converters,
prefetch_related) exactly as if the queryset had been evaluated.

`build(*values, **shape)` must make its queryset from its arguments alone. `values` are ids,
slugs, UUIDs and instants used as plain filter values, None (passed through as it is: it changes the
SQL, so it is part of the key), or tuples of ids (an `__in` list: its length is part of the key,
so pad it with `padded`). Everything else that changes the SQL's text (a sort, a flag, a page
size, a setting) goes in `shape`, which is part of the key too. A value that does not reach the
parameters verbatim (a LIKE pattern, an instant SQLite stores as text) makes that read run
through the ORM every time: slower, never wrong.
"""

import copy
import uuid
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError

T = TypeVar("T")
Scalar = int | str | uuid.UUID | datetime
Value = Scalar | tuple[Scalar, ...] | None  # the tuples: ids for an `__in` filter

_INT_MARKER = 7_418_203_996_000  # no id, count or limit in this site comes near it
_UUID_MARKER = 0x5EED_0000_0000_0000_0000_0000_0000_0000  # a random id is this one by 2**-128
_MAX_SHAPES = 64  # shapes are few (sorts, flags); a bound keeps a mistake from growing memory


def padded(ids: Sequence[int]) -> tuple[int, ...]:
    """`ids` for an `__in` filter, the last repeated up to a power of two: the SQL then has one
    of a few lengths rather than one per count (a repeat changes nothing in an IN list)."""
    size = 1
    while size < len(ids):
        size *= 2
    return (*ids, *[ids[-1]] * (size - len(ids))) if ids else ()


def _kind(value: Value) -> Hashable:
    if isinstance(value, bool):
        raise TypeError("True and False change the SQL: pass them in the shape")
    if isinstance(value, tuple):
        return ("tuple", len(value))
    if value is not None and not isinstance(value, Scalar):
        raise TypeError(
            f"a prepared read takes ids, strings, UUIDs, instants and None, not {value!r}"
        )
    return type(value).__name__


def _leaves(values: tuple[Value, ...]) -> list[Scalar]:
    """The scalars among the values, in order (tuples flattened, None left out)."""
    found: list[Scalar] = []
    for value in values:
        if isinstance(value, tuple):
            found.extend(value)
        elif value is not None:
            found.append(value)
    return found


def _marker(index: int, value: Scalar) -> Scalar:
    """A stand-in for the leaf at `index`, of the same type, found nowhere else in a query."""
    if isinstance(value, int):
        return _INT_MARKER + index
    if isinstance(value, str):
        return f"\x1fprepared-marker-{index}\x1f"
    if isinstance(value, uuid.UUID):
        return uuid.UUID(int=_UUID_MARKER + index)
    return datetime(2999, 1, 1, 0, 0, index, tzinfo=UTC)


def _with_markers(values: tuple[Value, ...]) -> tuple[tuple[Value, ...], list[Scalar]]:
    markers: list[Scalar] = []

    def stand_in(value: Scalar) -> Scalar:
        markers.append(_marker(len(markers), value))
        return markers[-1]

    built = tuple(
        tuple(stand_in(v) for v in value)
        if isinstance(value, tuple)
        else (None if value is None else stand_in(value))
        for value in values
    )
    return built, markers


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet
    compiler: Any  # the SQLCompiler that compiled it, holding the row layout it worked out
    sql: str
    params: tuple
    # (position among the params, index of the leaf, the type Django gave the value there)
    slots: tuple[tuple[int, int, type], ...]

    def rows(self, leaves: list[Scalar]) -> list:
        params = list(self.params)
        for position, index, kind in self.slots:
            leaf = leaves[index]
            wrapped = isinstance(leaf, int) and issubclass(kind, int) and kind is not type(leaf)
            params[position] = kind(leaf) if wrapped else leaf
        connection = connections[self.queryset.db]  # this thread's connection
        if self.queryset.query.select_for_update and connection.get_autocommit():
            # What Django's own compiler says, which a compiled read no longer asks.
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        compiler = copy.copy(self.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (self.sql, params)
        queryset = self.queryset.all()
        # The one seam Django offers between a queryset and its SQL: this copy's compiler.
        queryset.query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
        return list(queryset)


def _compile(queryset: QuerySet, markers: list[Scalar]) -> _Compiled | None:
    """The compiled read, or None when a marker is missing, altered or written into the SQL."""
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    slots, found = [], set()
    for position, param in enumerate(params):
        for index, marker in enumerate(markers):
            # Django may hand an id over as a subtype that tells the driver its SQL type
            # (psycopg's Int8): the caller's value goes in as the same.
            if isinstance(param, type(marker)) and param == marker:
                slots.append((position, index, type(param)))
                found.add(index)
            elif isinstance(param, str) and isinstance(marker, str) and marker in param:
                return None  # altered (a LIKE pattern): the value is not a parameter as such
    if len(found) < len(markers) or any(str(marker) in sql for marker in markers):
        return None
    return _Compiled(queryset, compiler, sql, tuple(params), tuple(slots))


class Prepared(Generic[T]):
    """`Prepared(build)(*values, **shape)` is `list(build(*values, **shape))`, compiled once:
    T is what the queryset yields (model instances, or values_list's rows)."""

    def __init__(self, build: Callable[..., QuerySet[Any, T]]) -> None:
        self._build = build
        self._compiled: dict[Hashable, _Compiled | None] = {}

    def __call__(self, *values: Value, **shape: Hashable) -> list[T]:
        key = (tuple(sorted(shape.items())), tuple(_kind(value) for value in values))
        if key not in self._compiled:
            if len(self._compiled) >= _MAX_SHAPES:
                self._compiled.clear()
            built, markers = _with_markers(values)
            self._compiled[key] = _compile(self._build(*built, **shape), markers)
        compiled = self._compiled[key]
        if compiled is None:
            return list(self._build(*values, **shape))
        return compiled.rows(_leaves(values))
