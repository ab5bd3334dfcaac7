"""The reports area: an index, a page per report (charts beside their tables) and each table as
a CSV file. Who sees what is reports.permissions.scope_for; the figures are reports.selectors."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from .charts import bar_chart
from .permissions import Scope, needs_mfa_first, scope_for
from .selectors import REPORTS, TITLES, Report
from .tables import as_csv, cell_text


def _in_scope(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, with reports to see (403 otherwise), and MFA on for the organisation's; the
    view is given the person's scope."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        scope = scope_for(request.user)
        if scope is None:
            raise PermissionDenied
        if needs_mfa_first(request.user, scope):
            return redirect("mfa_required")
        return view(request, scope, *args, **kwargs)

    return wrapper


def _report(scope: Scope, slug: str) -> Report:
    make = REPORTS.get(slug)
    if make is None:
        raise Http404
    return make(scope, timezone.now())


@_in_scope
def index(request, scope: Scope):
    return render(request, "reports/index.html", {"scope": scope, "titles": TITLES})


@_in_scope
def report(request, scope: Scope, slug: str):
    built = _report(scope, slug)
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


@_in_scope
def table_csv(request, scope: Scope, slug: str, table: str):
    built = _report(scope, slug)
    found = built.table(table)
    if found is None:
        raise Http404
    response = HttpResponse(as_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{built.slug}-{found.slug}.csv"'
    add_never_cache_headers(response)
    return response
