"""Bar charts drawn on the server as SVG: a title and a description for screen readers, every
bar labelled with its figure (written as the table and the CSV write it), and each series told
apart by a pattern and the legend as well as by colour. No script, no inline style (CSP)."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .tables import Suppressed, Table, cell_text

WIDTH = 680
LABEL_WIDTH = 170
BAR_SPACE = 400
BAR_HEIGHT = 14
ROW_GAP = 10
LEGEND_LINE = 20
TEXT = "#212529"  # Bootstrap's body colour: 15:1 on white


@dataclass(frozen=True)
class Series:
    colour: str  # each at least 3:1 against white (WCAG 1.4.11), with a dark outline
    pattern: str  # drawn over the colour, so print and colour-blind readers tell them apart


SERIES = (
    Series("#1d4f91", ""),
    Series("#a14a00", '<path d="M0,6 L6,0" stroke="#ffffff" stroke-width="2"/>'),
    Series("#2b6b2f", '<circle cx="3" cy="3" r="1.4" fill="#ffffff"/>'),
)


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def bar_chart(table: Table) -> SafeString:
    """Horizontal bars, one group of bars per row of the table, one bar per charted column."""
    charted = table.charted
    if not charted or not table.rows:
        return SafeString("")
    ident = f"chart-{table.slug}"
    highest = max([_number(row.cells[i]) for row in table.rows for i in charted] + [0.0])
    row_height = BAR_HEIGHT * len(charted) + ROW_GAP
    legend_height = LEGEND_LINE * len(charted) + ROW_GAP
    height = legend_height + row_height * len(table.rows) + ROW_GAP
    patterns = format_html_join(
        "",
        '<pattern id="{}-{}" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="{}"/>{}</pattern>',
        ((ident, n, s.colour, mark_safe(s.pattern)) for n, s in enumerate(SERIES)),  # noqa: S308 - constant markup
    )
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="14" height="14" fill="url(#{}-{})" stroke="{}"/>'
        '<text x="{}" y="{}" fill="{}" font-size="13">{}</text>',
        (
            (
                LABEL_WIDTH,
                6 + n * LEGEND_LINE,
                ident,
                n,
                TEXT,
                LABEL_WIDTH + 20,
                18 + n * LEGEND_LINE,
                TEXT,
                _label(table, i),
            )
            for n, i in enumerate(charted)
        ),
    )
    rows = []
    for r, row in enumerate(table.rows):
        top = legend_height + r * row_height
        rows.append(
            format_html(
                '<text x="{}" y="{}" fill="{}" font-size="13" text-anchor="end">{}</text>',
                LABEL_WIDTH - 8,
                top + BAR_HEIGHT * len(charted) / 2 + 4,
                TEXT,
                row.label,
            )
        )
        for n, i in enumerate(charted):
            value = row.cells[i]
            y = top + n * BAR_HEIGHT
            width = round(BAR_SPACE * _number(value) / highest, 1) if highest else 0
            if width:
                rows.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{}-{})" '
                        'stroke="{}" stroke-width="1"/>',
                        LABEL_WIDTH,
                        y + 1,
                        width,
                        BAR_HEIGHT - 2,
                        ident,
                        n,
                        TEXT,
                    )
                )
            shown = cell_text(value) if value is not None else "–"
            if isinstance(value, Suppressed):
                shown = "<5"
            rows.append(
                format_html(
                    '<text class="chart-value" data-column="{}" x="{}" y="{}" fill="{}" '
                    'font-size="11">{}</text>',
                    table.columns[i].key,
                    LABEL_WIDTH + width + 4,
                    y + BAR_HEIGHT - 3,
                    TEXT,
                    shown,
                )
            )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-title {}-desc" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc><defs>{}</defs>'
        '<g aria-hidden="true">{}{}</g></svg>',
        WIDTH,
        height,
        ident,
        ident,
        ident,
        table.title,
        ident,
        _description(table),
        patterns,
        legend,
        mark_safe("".join(rows)),  # noqa: S308 - each part built with format_html
    )


def _label(table: Table, index: int) -> str:
    column = table.columns[index]
    return f"{column.label} ({column.unit})" if column.unit else str(column.label)


def _description(table: Table) -> str:
    names = [
        _("%(series)s, drawn %(pattern)s")
        % {"series": _label(table, i), "pattern": _pattern_name(n)}
        for n, i in enumerate(table.charted)
    ]
    return _(
        "Bar chart, one row of bars per %(row)s: %(series)s. Every bar is labelled with its "
        "figure; the table beside the chart holds the same figures."
    ) % {"row": str(table.row_heading).lower(), "series": "; ".join(names)}


def _pattern_name(n: int) -> str:
    return [_("solid"), _("striped"), _("dotted")][n]
