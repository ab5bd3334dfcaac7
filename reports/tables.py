"""A report is a list of tables; a chart and a CSV file are two drawings of one table, so the
numbers in each are the same by construction. Small cells are suppressed here, once."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .permissions import SMALLEST_CELL, Scope


class Suppressed:
    """A count of fewer than five people (and any figure worked out from so few), withheld."""

    def __repr__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED = Suppressed()
Cell = int | float | Suppressed | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    # Counts people: a value from 1 to 4 is suppressed beyond the group's own facilitators.
    people: bool = False
    # Worked out from the people counted in that column of the row (a median of their times):
    # suppressed with it.
    sample: str = ""
    charted: bool = False
    unit: str | Promise = ""


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    # The group the row counts, if it counts one: its name links to that group's figures.
    group_id: int | None = None


@dataclass(frozen=True)
class Table:
    slug: str
    title: str | Promise
    description: str | Promise
    row_heading: str | Promise
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    suppressed: bool = field(default=False)

    @property
    def charted(self) -> tuple[int, ...]:
        return tuple(i for i, column in enumerate(self.columns) if column.charted)

    def column(self, key: str) -> int:
        return next(i for i, column in enumerate(self.columns) if column.key == key)


def build(
    *,
    scope: Scope,
    slug: str,
    title: str | Promise,
    description: str | Promise,
    row_heading: str | Promise,
    columns: Sequence[Column],
    rows: Sequence[tuple[str, Sequence[int | float | None]]],
    row_groups: Sequence[int] = (),
) -> Table:
    """A table of raw figures, with small cells suppressed when the scope asks for it;
    `row_groups`, for a table of groups, the group each row counts."""
    values = [list(raw) for _label, raw in rows]
    hidden = _suppressed(columns, values) if scope.suppress_small_cells else set()
    groups: Sequence[int | None] = row_groups or [None] * len(rows)
    built = [
        Row(
            label=label,
            cells=tuple(
                SUPPRESSED if (r, c) in hidden else value for c, value in enumerate(values[r])
            ),
            group_id=groups[r],
        )
        for r, (label, _raw) in enumerate(rows)
    ]
    return Table(
        slug=slug,
        title=title,
        description=description,
        row_heading=row_heading,
        columns=tuple(columns),
        rows=tuple(built),
        suppressed=bool(hidden),
    )


def _suppressed(
    columns: Sequence[Column], values: list[list[int | float | None]]
) -> set[tuple[int, int]]:
    """The (row, column) cells withheld: people counted 1 to 4, then, wherever a row or a
    people column has exactly one such cell, the smallest other count of people beside it
    too, so that nobody works a hidden cell out by subtracting the shown ones from a total
    (a row's parts from its whole, the groups shown from the organisation's figure); last,
    the figures worked out from a hidden count (its `sample`)."""
    keys = [column.key for column in columns]
    people = [c for c, column in enumerate(columns) if column.people]
    hidden = {
        (r, c) for r, row in enumerate(values) for c in people if _too_few(columns[c], row[c])
    }

    def hide_one_more(cells: list[tuple[int, int]]) -> bool:
        if sum(cell in hidden for cell in cells) != 1:
            return False
        shown = [cell for cell in cells if cell not in hidden and values[cell[0]][cell[1]]]
        if not shown:
            return False
        hidden.add(min(shown, key=lambda cell: values[cell[0]][cell[1]] or 0))
        return True

    changed = True
    while changed:
        changed = False
        for r in range(len(values)):
            changed |= hide_one_more([(r, c) for c in people])
        for c in people:
            changed |= hide_one_more([(r, c) for r in range(len(values))])
    for c, column in enumerate(columns):
        if column.sample:
            source = keys.index(column.sample)
            for r, row in enumerate(values):
                if (r, source) in hidden or _too_few(column, row[source]):
                    hidden.add((r, c))
    return hidden


def _too_few(column: Column, sample: int | float | None) -> bool:
    if not (column.people or column.sample):
        return False
    return sample is not None and 0 < sample < SMALLEST_CELL


def cell_text(value: Cell) -> str:
    """How a figure is written in the table, the chart's label and the CSV file alike."""
    if isinstance(value, Suppressed):
        return _("fewer than 5")
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(table.row_heading), *[_column_heading(c) for c in table.columns]])
    for row in table.rows:
        writer.writerow([_inert(row.label), *[cell_text(cell) for cell in row.cells]])
    return out.getvalue()


def _column_heading(column: Column) -> str:
    return f"{column.label} ({column.unit})" if column.unit else str(column.label)


def _inert(text: str) -> str:
    """A label a spreadsheet would run as a formula (a group named "=HYPERLINK(...)") is
    written as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
