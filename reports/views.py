"""The reports area: an index, a page per report (charts beside their tables) and each table as
a CSV file, for the period and groups chosen in the filters. Who sees what is
reports.permissions; the figures are reports.selectors."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from groups.reports import group_names

from .charts import bar_chart
from .forms import ReportFilters
from .permissions import Reader, needs_mfa_first, reader_for
from .selectors import REPORTS, TITLES, Report
from .tables import Row, as_csv, cell_text


def _in_scope(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, with reports to see (403 otherwise), and MFA on for the organisation's; the
    view is given what the person may read."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        reader = reader_for(request.user)
        if reader is None:
            raise PermissionDenied
        if needs_mfa_first(request.user, reader):
            return redirect("mfa_required")
        return view(request, reader, *args, **kwargs)

    return wrapper


def _filters(request, reader: Reader) -> ReportFilters:
    names = group_names(tuple(sorted(reader.facilitated)))  # the groups one may pick
    return ReportFilters(request.GET, reader=reader, names=names, now=timezone.now())


def _make(slug: str) -> Callable[..., Report]:
    make = REPORTS.get(slug)
    if make is None:
        raise Http404
    return make


@_in_scope
def index(request, reader: Reader):
    return render(request, "reports/index.html", {"scope": reader.scope(), "titles": TITLES})


@_in_scope
def report(request, reader: Reader, slug: str):
    make = _make(slug)
    form = _filters(request, reader)
    context = {"form": form, "slug": slug, "title": TITLES[slug], "titles": TITLES}
    if not form.is_valid():
        response = render(request, "reports/report.html", context, status=400)
        add_never_cache_headers(response)
        return response
    built = make(form.scope, form.period)
    context |= {
        "report": built,
        "scope": form.scope,
        "query": form.query(),
        "period": form.period,
        "tables": [
            {
                "table": table,
                "chart": bar_chart(table),
                "rows": [
                    (row.label, [cell_text(c) for c in row.cells], _group_link(form, slug, row))
                    for row in table.rows
                ],
            }
            for table in built.tables
        ],
    }
    response = render(request, "reports/report.html", context)
    add_never_cache_headers(response)
    return response


def _group_link(form: ReportFilters, slug: str, row: Row) -> str:
    """A group's row links to the same report for that group alone (one group's attendance
    lists its every meeting)."""
    if row.group_id not in form.reader.facilitated or form.cleaned_data["group"] is not None:
        return ""
    return f"{reverse('reports:report', args=[slug])}?{form.query(group_id=row.group_id)}"


@_in_scope
def table_csv(request, reader: Reader, slug: str, table: str):
    make = _make(slug)
    form = _filters(request, reader)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        response = HttpResponse(
            "\n".join(errors), status=400, content_type="text/plain; charset=utf-8"
        )
        add_never_cache_headers(response)
        return response
    built = make(form.scope, form.period)
    found = built.table(table)
    if found is None:
        raise Http404
    months = form.period.months
    name = f"{built.slug}-{found.slug}-{months[0]:%Y-%m}-to-{months[-1]:%Y-%m}.csv"
    response = HttpResponse(as_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    add_never_cache_headers(response)
    return response
