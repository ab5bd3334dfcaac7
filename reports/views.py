"""The reports area: an index, a page per report (charts beside their tables) and each table as
a CSV file. Who sees what is reports.permissions.scope_for; the figures are reports.selectors."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from .charts import bar_chart
from .permissions import Scope, scope_for
from .selectors import REPORTS, TITLES, Report
from .tables import as_csv, cell_text


def _scope(request) -> Scope:
    scope = scope_for(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _report(request, slug: str) -> tuple[Scope, Report]:
    scope = _scope(request)
    make = REPORTS.get(slug)
    if make is None:
        raise Http404
    return scope, make(scope, timezone.now())


@login_required
def index(request):
    scope = _scope(request)
    return render(request, "reports/index.html", {"scope": scope, "titles": TITLES})


@login_required
def report(request, slug: str):
    scope, built = _report(request, slug)
    tables = [
        {
            "table": table,
            "chart": bar_chart(table),
            "rows": [(row.label, [cell_text(c) for c in row.cells]) for row in table.rows],
        }
        for table in built.tables
    ]
    context = {"scope": scope, "report": built, "tables": tables, "titles": TITLES}
    response = render(request, "reports/report.html", context)
    add_never_cache_headers(response)
    return response


@login_required
def table_csv(request, slug: str, table: str):
    built = _report(request, slug)[1]
    found = built.table(table)
    if found is None:
        raise Http404
    response = HttpResponse(as_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{built.slug}-{found.slug}.csv"'
    add_never_cache_headers(response)
    return response
