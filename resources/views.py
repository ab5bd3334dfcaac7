"""Thin views: parse the request, ask a selector or a service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import policy
from supportgroups.markdown import render_markdown

from . import permissions, selectors, services
from .forms import DeclineForm, LibraryFilterForm, ResourceForm, SuggestionForm
from .models import Resource


def library(request):
    form = LibraryFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(selectors.library(filters), settings.RESOURCES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    show_crisis_lines = filters.kind in ("", Resource.Kind.HOTLINE)
    crisis_lines = (
        selectors.crisis_lines(
            user=request.user, country=filters.country, language=filters.language
        )
        if show_crisis_lines
        else []
    )
    # htmx swaps in just the results when a filter changes; the full page works without it
    # (and is what a history restore gets, since it replaces the whole body).
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(
        request,
        "resources/_results.html" if partial else "resources/library.html",
        {
            "form": form,
            "page": page,
            "show_crisis_lines": show_crisis_lines,
            "crisis_lines": crisis_lines,
            "can_curate": permissions.can_curate(request.user),
            "partial": partial,
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _resource_or_404(request, slug: str) -> Resource:
    try:
        resource = selectors.resource_for_page(slug)
    except Resource.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view(request.user, resource):
        raise Http404  # a draft's existence is not revealed
    return resource


def _render_detail(request, resource: Resource, *, decline_form=None, status: int = 200):
    return render(
        request,
        "resources/detail.html",
        {
            "resource": resource,
            "body_html": render_markdown(resource.body),
            "can_curate": permissions.can_curate(request.user),
            "decline_form": decline_form or DeclineForm(),
        },
        status=status,
    )


def detail(request, slug):
    return _render_detail(request, _resource_or_404(request, slug))


@login_required
def suggest(request):
    """A refusal by the write policy is shown above the form (403), keeping what was typed."""
    form = SuggestionForm(request.POST or None)
    verdict = permissions.suggest_verdict(request.user)
    if verdict and request.method == "POST" and form.is_valid():
        try:
            services.suggest_resource(by=request.user, **form.cleaned_data)
        except policy.WriteRefused as exc:  # a sanction that landed since the page asked
            verdict = exc.verdict
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Thank you. A facilitator will look at your suggestion before it is listed."),
            )
            return redirect("resources:library")
    context = {"form": form, "refusal": verdict.reason}
    return render(request, "resources/suggest.html", context, status=200 if verdict else 403)


def _require_curator(request) -> None:
    if not permissions.can_curate(request.user):
        raise PermissionDenied


@login_required
def review(request):
    _require_curator(request)
    return render(
        request,
        "resources/review.html",
        {"drafts": selectors.review_queue(), "broken": selectors.broken_links()},
    )


@login_required
def edit(request, slug=None):
    """Create (no slug) or edit a resource; the "publish" button also publishes it."""
    _require_curator(request)
    resource = get_object_or_404(Resource, slug=slug) if slug else Resource()
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        resource = services.save_resource(resource=form.save(commit=False), m2m=form.m2m())
        if request.POST.get("action") == "publish":
            services.publish(resource=resource, by=request.user)
            messages.success(request, _("Published."))
        else:
            messages.success(request, _("Saved."))
        return redirect(resource)
    return render(request, "resources/edit.html", {"form": form, "resource": resource})


@require_POST
@login_required
def publish(request, slug):
    _require_curator(request)
    resource = get_object_or_404(Resource, slug=slug)
    services.publish(resource=resource, by=request.user)
    messages.success(request, _("Published. Readers now see it reviewed today."))
    return redirect(resource)


@require_POST
@login_required
def decline(request, slug):
    _require_curator(request)
    resource = get_object_or_404(Resource, slug=slug)
    form = DeclineForm(request.POST)
    if form.is_valid():
        services.decline(resource=resource, by=request.user, reason=form.cleaned_data["reason"])
        if resource.is_suggestion:
            messages.success(request, _("Declined. The member has been told why."))
        else:
            messages.success(request, _("Declined. Readers no longer see it."))
        return redirect("resources:review")
    return _render_detail(request, resource, decline_form=form, status=400)
