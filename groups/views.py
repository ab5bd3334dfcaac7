"""Thin views: parse the request, ask groups.permissions, call a selector or a service, render.

Outsiders asking for a group's private pages get 404, so a private page's existence is not
revealed; members without the right to manage get 403.
"""

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from supportgroups.markdown import render_markdown_once
from supportgroups.models import User
from supportgroups.versions import kept_beside

from . import (
    activity,
    announcements,
    cohorts,
    group_email,
    invitations,
    permissions,
    policy,
    quiet,
    rendering,
    selectors,
    services,
    welcome,
)
from .forms import (
    AnnouncementForm,
    CohortOfferForm,
    DecisionForm,
    DirectoryFilterForm,
    GroupEmailForm,
    GroupForm,
    InvitationForm,
    JoinForm,
    QuietNoteForm,
)
from .models import Announcement, GroupInvitation, Membership, SupportGroup

PAGE_SIZE = 12
MEMBERSHIP_IN_PROGRESS = (
    Membership.State.ACTIVE,
    Membership.State.PENDING,
    Membership.State.WAITLISTED,
)


def _group_or_404(slug: str) -> SupportGroup:
    try:
        return selectors.group_by_slug(slug=slug)
    except SupportGroup.DoesNotExist:
        raise Http404 from None


def _posted(request):
    """The POST data to bind a form to (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _private(request, slug: str):
    """A group and the viewer's access, for pages only its members may see (404 otherwise)."""
    group = _group_or_404(slug)
    access = permissions.access_for(request.user, group)
    if not access.can_view_private:
        raise Http404
    return group, access


def _managed(request, slug: str):
    """A group the viewer facilitates: outsiders get 404, members without the right 403."""
    group, access = _private(request, slug)
    if not access.can_manage:
        raise PermissionDenied
    return group, access


@vary_on_headers("HX-Request")
def directory(request):
    # htmx swaps in just the results; restoring history needs the whole page.
    partial = bool(request.htmx and not request.htmx.history_restore_request)
    template = "groups/_results.html" if partial else "groups/_directory.html"
    # The same for everyone who asks for this address: kept whole until a group changes.
    body = kept_beside(
        rendering.DIRECTORY,
        [request.get_full_path(), template],
        lambda: render_to_string(template, _directory_context(request), request),
    )
    if partial:
        return HttpResponse(body)
    return render(request, "groups/directory.html", {"body": body})


def _directory_context(request) -> dict[str, Any]:
    form = DirectoryFilterForm(request.GET or None)
    groups = selectors.DirectoryListing(form.filters())
    # Paginator asks a listing only for count() and slices (django-stubs' protocol wants a
    # whole sequence).
    paginator: Paginator[selectors.ListedGroup] = Paginator(cast(Any, groups), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    cards = rendering.render_cards(page.object_list)
    return {"form": form, "page": page, "cards": cards}


def detail(request, slug):
    group = _group_or_404(slug)
    access = permissions.access_for(request.user, group)
    membership = access.membership
    if membership is not None and membership.is_active and activity.activity_is_stale(membership):
        activity.record_activity(user=request.user, group=group)
    context = {
        "group": group,
        "access": access,
        "can_view_private": access.can_view_private,
        # Pinned at the top for everyone who may read the group's private parts.
        "announcements": announcements.pinned_for(
            group=group, user=request.user if request.user.is_authenticated else None
        )
        if access.can_view_private
        else [],
    }
    # A new member meets the norms at the top of the page until they say they have read them
    # or post in the group (its board's forms show them too).
    context["norms"] = welcome.norms_to_show(membership=membership, group=group)
    if access.state not in MEMBERSHIP_IN_PROGRESS:
        context["join_refusal"] = permissions.join_refusal(
            group=group, membership=access.membership
        )
        if not context["join_refusal"]:
            context["join_outcome"] = selectors.join_outcome(group=group)

    facilitators = selectors.facilitator_names(group=group)

    def body() -> str:
        return render_to_string(
            "groups/_group_body.html",
            {
                **context,
                "facts": selectors.group_facts(group=group),
                "facilitators": facilitators,
                "description_html": render_markdown_once(group.description),
            },
            request,
        )

    # The rest of the page is the same for everyone who stands where this reader does (signed
    # in or not, staff, their membership's state and role) in the same time zone: kept whole
    # until the group, its facilitators, meetings or resources change.
    stands = (access.is_authenticated, access.is_staff, access.state, access.is_facilitator)
    parts = [str(group.pk), repr(stands), timezone.get_current_timezone_name(), *facilitators]
    context["body"] = kept_beside(rendering.GROUP_PAGE, parts, body)
    return render(request, "groups/detail.html", context)


@login_required
def join(request, slug):
    """GET: a form for a note and screening answers. POST: join, ask, or join the waitlist."""
    group = _group_or_404(slug)
    form = JoinForm(_posted(request), group=group)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.join(
                user=request.user,
                group=group,
                note=form.cleaned_data["note"],
                answers=form.answers(),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _state_message(membership.state))
        return redirect(group)
    access = permissions.access_for(request.user, group)
    return render(
        request,
        "groups/join.html",
        {
            "group": group,
            "form": form,
            "access": access,
            "join_refusal": permissions.join_refusal(group=group, membership=access.membership),
            "join_outcome": selectors.join_outcome(group=group),
        },
    )


def _state_message(state: str) -> str:
    texts: dict[str, str] = {
        Membership.State.ACTIVE: _("You are a member of this group. Welcome!"),
        Membership.State.PENDING: _(
            "Your request is with the facilitators. We will email you when they decide."
        ),
        Membership.State.WAITLISTED: _(
            "You are on the waitlist. We will tell you when a place opens up."
        ),
    }
    return texts.get(state, _("Your membership is unchanged."))


@login_required
def leave(request, slug):
    """GET asks to confirm; POST leaves, withdraws a request or comes off the waitlist."""
    group = _group_or_404(slug)
    if request.method == "POST":
        try:
            services.leave(user=request.user, group=group)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("You have left %(group)s.") % {"group": group.name})
        return redirect(group)
    access = permissions.access_for(request.user, group)
    return render(request, "groups/leave.html", {"group": group, "access": access})


def members(request, slug):
    group, access = _private(request, slug)
    services.record_staff_view(
        user=request.user, group=group, what=_("Members"), path=request.path, method=request.method
    )
    return render(
        request,
        "groups/members.html",
        {"group": group, "access": access, "members": selectors.members_of(group=group)},
    )


@login_required
def my_groups(request):
    memberships = selectors.my_memberships(user=request.user)
    return render(request, "groups/my_groups.html", {"memberships": memberships})


def manage(request, slug):
    group, access = _managed(request, slug)
    return _render_manage(request, group, access, InvitationForm())


def _render_manage(request, group, access, invitation_form):
    context = {
        "group": group,
        "access": access,
        "pending": selectors.pending_requests(group=group),
        "waitlist": selectors.waitlist(group=group),
        "members": selectors.members_with_activity(group=group),
        "events": selectors.recent_events(group=group),
        "free_places": selectors.free_places(group=group),
        "decision_form": DecisionForm(),
        "invitations": selectors.open_invitations(group=group),
        "invitation_form": invitation_form,
    }
    return render(request, "groups/manage.html", context)


DECISIONS = {
    "approve": (services.approve, _("Approved.")),
    "decline": (services.decline, _("Declined.")),
    "remove": (services.remove, _("Removed from the group.")),
    "promote": (services.promote, _("Now a co-facilitator.")),
    "demote": (services.demote, _("No longer a co-facilitator.")),
}


@require_POST
def decide(request, slug, membership_id, action):
    group, access = _managed(request, slug)
    if action not in DECISIONS:
        raise Http404
    membership = get_object_or_404(Membership, pk=membership_id, group=group)
    form = DecisionForm(request.POST)
    service, done = DECISIONS[action]
    if group.is_archived:
        messages.error(request, _("This group is archived, so it is read-only."))
    elif not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors.get("message", []))))
    else:
        try:
            service(membership=membership, by=request.user, message=form.cleaned_data["message"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{membership.user.display_name}: {done}")
    return redirect("groups:manage", slug=group.slug)


def edit(request, slug):
    group, access = _managed(request, slug)
    if group.is_archived:
        messages.error(request, _("This group is archived, so it is read-only."))
        return redirect("groups:manage", slug=group.slug)
    form = GroupForm(_posted(request), instance=group, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_group(group=group, by=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The group is saved."))
            return redirect("groups:manage", slug=group.slug)
    return render(request, "groups/edit.html", {"group": group, "access": access, "form": form})


@require_POST
def hand_on(request, slug):
    group, access = _managed(request, slug)
    try:
        count = services.hand_on_to_alumni(group=group, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(count)d members moved on to the alumni group.") % {"count": count}
        )
    return redirect("groups:manage", slug=group.slug)


@require_POST
def open_next_cohort(request, slug):
    group, access = _managed(request, slug)
    try:
        offers = cohorts.open_next_cohort(group=group, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(count)d people on the waitlist were offered a place.") % {"count": len(offers)},
        )
    return redirect("groups:manage", slug=group.slug)


@login_required
def cohort_offer(request, slug, offer_id):
    """The person offered a place in a next cohort says yes (sharing their screening answers
    if they choose) or no. Anyone else's offer is a 404."""
    cohort = _group_or_404(slug)
    offer = cohorts.open_offer_for(user=request.user, cohort=cohort, offer_id=offer_id)
    if offer is None:
        raise Http404
    form = CohortOfferForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("answer") == "accept":
                membership = cohorts.accept(
                    offer=offer, user=request.user, share_answers=form.cleaned_data["share_answers"]
                )
                messages.success(request, _state_message(membership.state))
                return redirect(cohort)
            cohorts.decline(offer=offer, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you for letting us know. You stay on the waitlist."))
        return redirect("groups:cohort_offer", slug=cohort.slug, offer_id=offer.pk)
    context = {"group": cohort, "offer": offer, "form": form}
    return render(request, "groups/cohort_offer.html", context)


@require_POST
def invite(request, slug):
    """Invite a member by name (they are notified) or make a link, shown once, to pass on."""
    group, access = _managed(request, slug)
    if group.is_archived:
        messages.error(request, _("This group is archived, so it is read-only."))
        return redirect("groups:manage", slug=group.slug)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, group, access, form)
    try:
        invitation, token = invitations.create(
            group=group, by=request.user, invitee=form.invitee, days=form.cleaned_data["days"]
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_manage(request, group, access, form)
    if invitation.invitee is not None:
        messages.success(
            request,
            _("%(name)s has been invited and will see it in their notifications.")
            % {"name": invitation.invitee.display_name},
        )
        return redirect("groups:manage", slug=group.slug)
    # Post/Redirect/Get: a reload of the link page must not make another invitation. The
    # token waits in the session only until the link page pops it.
    request.session[_link_session_key(group)] = {"id": invitation.pk, "token": token}
    return redirect("groups:invitation_link", slug=group.slug)


def _link_session_key(group) -> str:
    return f"groups:invitation-link:{group.pk}"


def invitation_link(request, slug):
    """Show a new link invitation once; a reload says it was shown instead of showing it again."""
    group, access = _managed(request, slug)
    stash = request.session.pop(_link_session_key(group), None)
    invitation = group.invitations.filter(pk=stash["id"]).first() if stash else None
    link = settings.SITE_URL + invitations.accept_path(stash["token"]) if invitation else None
    response = render(
        request,
        "groups/invitation_created.html",
        {"group": group, "access": access, "invitation": invitation, "link": link},
    )
    add_never_cache_headers(response)  # the page holds the only copy of the token
    return response


@require_POST
def revoke_invitation(request, slug, invitation_id):
    group, access = _managed(request, slug)
    invitation = get_object_or_404(GroupInvitation, pk=invitation_id, group=group)
    try:
        invitations.revoke(invitation=invitation, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The invitation is withdrawn."))
    return redirect("groups:manage", slug=group.slug)


@login_required
def invitation(request, token):
    """GET shows what the invitation is for; POST accepts it.

    Someone already active or waitlisted in the group is told so and offered no Accept
    button; a POST from them changes nothing and leaves the invitation unused.

    An unknown token, or one meant for someone else, is a 404 that names no group; a real
    invitation that can no longer be used says why (410), still without naming the group.
    """
    found = invitations.find(token=token, user=request.user)
    if found is None:
        raise Http404
    membership = invitations.current_membership(found, user=request.user)
    problem = None if membership else invitations.problem(found, user=request.user)
    if problem is None and request.method == "POST":
        try:
            membership = invitations.accept(invitation=found, user=request.user)
        except invitations.InvitationUnusable as exc:
            problem = " ".join(exc.messages)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(found.group)
        else:
            messages.success(request, _state_message(membership.state))
            return redirect(found.group)
    if problem:
        return render(request, "groups/invitation.html", {"problem": problem}, status=410)
    context = {"invitation": found, "group": found.group, "membership": membership}
    return render(request, "groups/invitation.html", context)


def _announce(request, form: AnnouncementForm, group: SupportGroup | None) -> bool:
    """Post the announcement the form holds; False, with the reason on the form, if it cannot
    be (the typed text stays in the form)."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        announcements.announce(
            by=request.user,
            group=group,
            title=data["title"],
            body=data["body"],
            publish_at=data["publish_at"],
            expires_at=data["expires_at"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    messages.success(request, _("Your announcement is posted."))
    return True


def site_announcements(request):
    """The site-wide announcements, for everyone; staff with MFA write them here too."""
    may_write = announcements.can_announce(request.user, None)
    form = AnnouncementForm(_posted(request)) if may_write else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if _announce(request, form, None):
            return redirect("groups:site_announcements")
        status = 400
    context = {"announcements": announcements.site_wide(), "form": form}
    return render(request, "groups/site_announcements.html", context, status=status)


def announcements_page(request, slug):
    """The facilitators write an announcement (now or later) and see how many have read each."""
    group, access = _managed(request, slug)
    form = AnnouncementForm(_posted(request))
    status = 200
    if request.method == "POST":
        if _announce(request, form, group):
            return redirect("groups:announcements", slug=group.slug)
        status = 400
    context = {
        "group": group,
        "access": access,
        "form": form,
        "announcements": announcements.for_facilitators(group=group),
        "member_count": announcements.member_count(group=group),
    }
    return render(request, "groups/announcements.html", context, status=status)


def email_group(request, slug):
    """The facilitators email every member; an email refused (by the write policy, or because
    the group has had its emails for the day) keeps what they typed."""
    group, access = _managed(request, slug)
    form = GroupEmailForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                group_email.send_to_group(
                    by=request.user,
                    group=group,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except policy.WriteRefused as exc:
                form.add_error(None, exc.verdict.reason)
                status = 403
            except group_email.TooManyGroupEmails as exc:
                form.add_error(None, exc)
                status = 429
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your email is on its way to the group."))
                return redirect("groups:email_group", slug=group.slug)
    context = {
        "group": group,
        "access": access,
        "form": form,
        "sent": group_email.for_facilitators(group=group),
        "daily_limit": group_email.DAILY_LIMIT,
    }
    return render(request, "groups/email_group.html", context, status=status)


@require_POST
def quiet_note(request, slug, user_id):
    """The in-app check-in for a quiet member who takes no new conversations."""
    group, access = _managed(request, slug)
    member = get_object_or_404(
        User, pk=user_id, memberships__group=group, memberships__state=Membership.State.ACTIVE
    )
    form = QuietNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a few words (at most 2000 characters) before sending."))
        return redirect("conversations:check_in", slug=group.slug, user_id=member.pk)
    try:
        quiet.send_note(by=request.user, group=group, member=member, body=form.cleaned_data["body"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("conversations:check_in", slug=group.slug, user_id=member.pk)
    messages.success(
        request, _("%(name)s will find your note in their notifications.") % {"name": member}
    )
    return redirect("groups:manage", slug=group.slug)


@login_required
@require_POST
def norms_read(request, slug):
    group, access = _private(request, slug)
    welcome.mark_norms_seen(user=request.user, group_id=group.pk)
    return redirect(group)


@login_required
@require_POST
def acknowledge(request, slug, announcement_id):
    group, access = _private(request, slug)
    announcement = get_object_or_404(Announcement, pk=announcement_id, group=group)
    announcements.acknowledge(user=request.user, announcement=announcement)
    messages.success(request, _("Thank you: the facilitators can see you have read it."))
    return redirect(group)
