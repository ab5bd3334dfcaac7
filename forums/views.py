"""Thin views: find the thing, ask forums.permissions, call a selector or service, render.

Outsiders asking for anything on a private board get 404 (its existence is not revealed);
people who may read but not do the thing asked get 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import policy, welcome
from groups.activity import activity_is_stale, record_activity
from groups.announcements import site_wide as site_wide_announcements
from groups.models import SupportGroup
from groups.services import record_staff_view
from moderation import in_place
from moderation.actions import TABLE, Act
from moderation.errors import ActionRefused, ModerationError
from moderation.selectors import crisis_context
from supportgroups import live
from supportgroups.markdown import render_markdown
from supportgroups.privacy.middleware import allow_indexing

from . import permissions, rendering, search, selectors, services
from .forms import (
    EditPostForm,
    PostForm,
    PostModerationForm,
    PreferencesForm,
    ThreadControlForm,
    ThreadForm,
)
from .models import Board, Post, Thread, Topic


def _readable_board(request, board: Board) -> permissions.BoardAccess:
    access = permissions.BoardAccess(request.user, board)
    if not access.can_read:
        raise Http404
    if board.group is not None:  # a group's board
        record_staff_view(
            user=request.user,
            group=board.group,
            what=_("Private board"),
            path=request.path,
            method=request.method,
        )
    return access


def _writable_board(
    request, board: Board, thread: Thread | None = None
) -> tuple[permissions.BoardAccess, policy.Verdict]:
    """The board (404 if unreadable) and the one policy's verdict on writing there now (a reply
    to `thread`: a locked or closed thread refuses it)."""
    access = _readable_board(request, board)
    return access, permissions.write_verdict(request.user, board, thread=thread)


def _after_write(request, written: services.Written):
    """Tell the writer about a hold; show the crisis message privately before moving on."""
    if written.screening.held:
        messages.info(
            request,
            _("Thank you. Your post waits for a facilitator to look at it before others see it."),
        )
    if written.screening.crisis:
        return render(
            request,
            "forums/posted.html",
            {
                "post": written.post,
                **crisis_context(request.user, group_id=written.post.thread.board.group_id),
            },
        )
    return redirect(written.post.get_absolute_url())


def _add_errors(form, exc: ValidationError) -> None:
    """Service errors beside the field they concern; errors about hidden fields go on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        visible = field in form.fields and not form.fields[field].widget.is_hidden
        form.add_error(field if visible else None, errors)


def _form_response(
    request, template: str, context: dict, refused: ValidationError | PermissionDenied | None
):
    """The form again, with the typed text still in it: 403 and the policy's reason when this
    person may not write here now, 400 beside field errors, 429 (with Retry-After) when posting
    too fast."""
    status = 400 if context["form"].errors else 200
    retry_after = None
    if isinstance(refused, policy.WriteRefused):
        status, context["refusal"] = 403, refused.verdict.reason
    elif isinstance(refused, services.PostingTooFast):
        status, retry_after = 429, refused.retry_after
    response = render(request, template, context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _indexable(board: Board, response):
    """Opt a staff-opened public board (and its threads) in to search engines."""
    return allow_indexing(response) if permissions.is_indexable(board) else response


def _norms(request, board: Board):
    """The group's norms above the form, until the member's first post in the group."""
    membership = permissions.group_membership(request.user, board)
    if membership is None or board.group is None:
        return None
    return welcome.norms_to_show(membership=membership, group=board.group)


def _note_reading(request, board: Board) -> None:
    """Reading a group's thread counts as being active in the group: an UPDATE at most once an
    hour (the membership is already at hand, so no query otherwise)."""
    membership = permissions.group_membership(request.user, board)
    if membership is not None and membership.is_active and activity_is_stale(membership):
        record_activity(user=request.user, group=membership.group_id)


def _wants_preview(request) -> bool:
    return request.method == "POST" and request.POST.get("action") == "preview"


def index(request):
    context = {
        "boards": selectors.boards_for(user=request.user),
        "site_announcements": site_wide_announcements(),
    }
    return render(request, "forums/index.html", context)


def group_board(request, slug):
    """The group's private board, made the first time one of its members opens it."""
    group = get_object_or_404(SupportGroup, slug=slug)
    board = Board(group=group)
    _readable_board(request, board)
    return redirect(services.ensure_group_board(group=group))


def board(request, slug):
    board, following = selectors.board_for(user=request.user, slug=slug)
    access = _readable_board(request, board)
    page = selectors.threads_page(user=request.user, board=board, cursor=request.GET.get("after"))
    return _indexable(
        board,
        render(
            request,
            "forums/board.html",
            {
                "board": board,
                "access": access,
                "page": page,
                "following": following,
                "indexable": permissions.is_indexable(board),
                # "Start a thread" asks it: read with the header's facts.
                live.PAGE_FACTS: [permissions.verified_email(request.user)]
                if request.user.is_authenticated and not board.is_private
                else [],
            },
        ),
    )


def _written_or_form(request, form, write, verdict: policy.Verdict, template: str, context: dict):
    """A valid POST is either previewed or written through the service (`write`), and after a
    write the writer moves on. Otherwise the form again, with `context`: a refusal by the write
    policy is shown above the form, on the page and on POST alike; a service's message is on the
    form. Either way the form still holds everything the person typed.
    """
    preview = None
    refused: ValidationError | PermissionDenied | None = None
    if not verdict:
        refused = policy.WriteRefused(verdict)
    elif request.method == "POST" and form.is_valid():
        if _wants_preview(request):
            preview = render_markdown(form.cleaned_data["body"])
        else:
            try:
                created = write(form.cleaned_data)
            except policy.WriteRefused as exc:  # a sanction that landed since the page asked
                refused = exc
            except ValidationError as exc:
                _add_errors(form, exc)
                refused = exc
            else:
                return _after_write(request, created)
    return _form_response(request, template, {**context, "form": form, "preview": preview}, refused)


@login_required
def new_thread(request, slug):
    board = selectors.board_by_slug(slug=slug)
    access, verdict = _writable_board(request, board)
    form = ThreadForm(request.POST or None, board=board)
    return _written_or_form(
        request,
        form,
        lambda data: services.create_thread(
            author=request.user,
            board=board,
            title=data["title"],
            body=data["body"],
            content_warning=data["content_warning"],
            topics=data["topics"],
            is_anonymous=data.get("is_anonymous", False),
        ),
        verdict,
        "forums/thread_form.html",
        {"board": board, "access": access, "norms": _norms(request, board)},
    )


def thread(request, pk):
    thread = selectors.thread_for(user=request.user, pk=pk)
    access = _readable_board(request, thread.board)
    if not permissions.can_see_thread(request.user, thread):
        raise Http404
    sort = request.GET.get("sort", "oldest")
    cursor = request.GET.get("after")
    tree = selectors.thread_tree(user=request.user, thread=thread, sort=sort, cursor=cursor)
    topics = selectors.thread_topics(user=request.user, thread=thread)
    services.mark_read(user=request.user, thread=thread)
    _note_reading(request, thread.board)
    # The reply form for people who may post, unless the thread is locked or closed (its
    # moderators may still answer); a POST asks the write policy all the same.
    replies_open = thread.takes_replies or access.can_moderate
    form = PostForm(board=thread.board) if access.can_post and replies_open else None
    response = render(
        request,
        "forums/thread.html",
        {
            "thread": thread,
            "board": thread.board,
            "access": access,
            "tree": tree,
            "topics": topics,
            "collapsed": any(getattr(t, "action", None) for t in topics),
            "sort": sort if sort in selectors.SORTS else "oldest",
            "sorts": selectors.SORTS,
            "is_first_page": not cursor,
            "form": form,
            "replies_open": replies_open,
            "reply_fields": rendering.empty_reply_fields(form) if form else None,
            "norms": _norms(request, thread.board) if form else None,
            "indexable": permissions.is_indexable(thread.board),
        },
    )
    return _indexable(thread.board, response)


@login_required
def reply(request, pk):
    thread = selectors.thread_for(user=request.user, pk=pk)
    if not permissions.can_see_thread(request.user, thread):
        raise Http404  # a thread held for approval takes no replies, and its title stays unsaid
    access, verdict = _writable_board(request, thread.board, thread)
    parent = selectors.post_or_none(request.POST.get("parent") or request.GET.get("parent"))
    # The service refuses a parent it may not take; the page only ever echoes one that stands.
    shown_parent = parent if parent and permissions.can_quote(parent, thread=thread) else None
    initial: dict[str, object] = {"parent": parent.pk if parent else None}
    if shown_parent and request.GET.get("quote"):
        initial["body"] = "\n".join(f"> {line}" for line in shown_parent.body.splitlines()) + "\n\n"
    form = PostForm(request.POST or None, board=thread.board, initial=initial)
    return _written_or_form(
        request,
        form,
        lambda data: services.create_reply(
            author=request.user,
            thread=thread,
            parent=parent,
            body=data["body"],
            content_warning=data["content_warning"],
            is_anonymous=data.get("is_anonymous", False),
        ),
        verdict,
        "forums/reply_form.html",
        {
            "thread": thread,
            "access": access,
            "parent": shown_parent,
            "norms": _norms(request, thread.board),
        },
    )


def _moderation_refused(form, exc: Exception) -> int:
    """A service's refusal beside the form that asked, which keeps what was typed."""
    if isinstance(exc, ValidationError):
        _add_errors(form, exc)
        return 400
    form.add_error(None, str(exc))
    return 403 if isinstance(exc, ActionRefused) else 409


@login_required
def thread_controls(request, pk):
    """Pin, lock (saying why), close or move a thread, for its board's moderators: each through
    moderation's action table, audited, the starter told (and able to appeal a lock or close)."""
    thread = selectors.thread_for(user=request.user, pk=pk)
    access = _readable_board(request, thread.board)
    if not access.can_moderate:
        raise PermissionDenied
    form = ThreadControlForm(request.POST or None, thread=thread)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                in_place.arrange(
                    action=data["action"],
                    target=thread,
                    by=request.user,
                    reason=data["reason"],
                    board_id=data["board"].pk if data["board"] else None,
                )
            except (ValidationError, ModerationError) as exc:
                status = _moderation_refused(form, exc)
            else:
                label = TABLE[data["action"]].label
                messages.success(request, _("Done: %(action)s.") % {"action": label})
                return redirect(thread)
    context = {"thread": thread, "board": thread.board, "form": form}
    return render(request, "forums/thread_controls.html", context, status=status)


@login_required
def moderate_post(request, pk):
    """Hide a post, or show a hidden or held one again, from its thread: the same action,
    audit row, notice and appeal as from the moderation queue."""
    post = selectors.post_for(pk=pk)
    access = _readable_board(request, post.thread.board)
    if not access.can_moderate:
        raise PermissionDenied
    if post.is_removed:
        raise Http404  # its writer removed it: nothing left to moderate
    action = Act.RESTORE if post.is_hidden or post.is_held else Act.HIDE
    form = PostModerationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                in_place.act_directly(
                    action=action, target=post, by=request.user, reason=form.cleaned_data["reason"]
                )
            except (ValidationError, ModerationError) as exc:
                status = _moderation_refused(form, exc)
            else:
                label = TABLE[action].label
                messages.success(request, _("Done: %(action)s.") % {"action": label})
                return redirect(post.get_absolute_url())
    context = {"post": post, "thread": post.thread, "action": action, "form": form}
    return render(request, "forums/moderate_post.html", context, status=status)


@login_required
@require_POST
def preview(request):
    """htmx: the rendered Markdown, exactly as it will be shown."""
    return render(
        request,
        "forums/_preview.html",
        {"preview": render_markdown(request.POST.get("body", ""))},
    )


def permalink(request, pk):
    post = selectors.post_for(pk=pk)
    _readable_board(request, post.thread.board)
    where, target = selectors.permalink_target(post=post)
    if where == "subtree":
        url = reverse("forums:replies", kwargs={"pk": target})
    else:
        url = reverse("forums:thread", kwargs={"pk": post.thread_id})
        if target:
            url += "?" + urlencode({"after": target})
    return redirect(f"{url}#post-{post.pk}")


def replies(request, pk):
    """'Continue this thread': one post and its replies, below the thread page's depth."""
    post = selectors.post_for(pk=pk)
    thread = selectors.thread_for(user=request.user, pk=post.thread_id)
    access = _readable_board(request, thread.board)
    if not permissions.can_see_thread(request.user, thread):
        raise Http404
    posts = selectors.subtree(user=request.user, thread=thread, post=post)
    return render(
        request,
        "forums/replies.html",
        {"thread": thread, "board": thread.board, "access": access, "posts": posts, "root": post},
    )


@login_required
def edit(request, pk):
    post = selectors.post_for(pk=pk)
    access = _readable_board(request, post.thread.board)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied
    initial = {"body": post.body, "content_warning": post.content_warning}
    form = EditPostForm(request.POST or None, initial=initial, board=post.thread.board)
    return _written_or_form(
        request,
        form,
        lambda data: services.edit_post(
            post=post, body=data["body"], content_warning=data["content_warning"], by=request.user
        ),
        permissions.write_verdict(request.user, post.thread.board, thread=post.thread),
        "forums/edit_form.html",
        {"post": post, "thread": post.thread, "access": access},
    )


@login_required
def delete(request, pk):
    post = selectors.post_for(pk=pk)
    _readable_board(request, post.thread.board)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied
    if request.method == "POST":
        services.remove_post(post=post)
        messages.success(request, _("Your post is removed. Replies to it stay in place."))
        return redirect(post.get_absolute_url())
    return render(request, "forums/delete_confirm.html", {"post": post, "thread": post.thread})


def history(request, pk):
    post = selectors.post_for(pk=pk)
    access = _readable_board(request, post.thread.board)
    if not access.can_see_history:
        raise PermissionDenied
    return render(
        request,
        "forums/history.html",
        {"post": post, "thread": post.thread, "revisions": selectors.revisions_for(post=post)},
    )


@login_required
@require_POST
def react(request, pk):
    post = selectors.post_for(pk=pk)
    # A locked or closed thread takes no reactions either (its moderators excepted).
    access, verdict = _writable_board(request, post.thread.board, post.thread)
    if not permissions.can_see_post_body(request.user, post, moderator=access.can_moderate):
        raise Http404  # held for approval: not there for this reader
    try:
        policy.require(verdict)
        services.toggle_reaction(user=request.user, post=post, kind=request.POST.get("kind", ""))
    except policy.WriteRefused as exc:
        return _refused_reaction(request, post, exc.verdict)
    except ValidationError:
        return HttpResponse(_("Choose one of the offered reactions."), status=400)
    if request.htmx:
        shown = selectors.one_post(user=request.user, post=post)
        return render(request, "forums/_reactions.html", {"post": shown, "can_post": True})
    return redirect(post.get_absolute_url())


def _refused_reaction(request, post: Post, verdict: policy.Verdict):
    """htmx swaps the buttons for the counts and the reason (base.html lets 403s swap);
    without JavaScript the person gets a page saying why."""
    if request.htmx:
        shown = selectors.one_post(user=request.user, post=post)
        context = {"post": shown, "can_post": False, "refusal": verdict.reason}
        return render(request, "forums/_reactions.html", context, status=403)
    return render(request, "errors/403.html", {"reason": verdict.reason}, status=403)


@login_required
@require_POST
def follow_thread(request, pk):
    thread = get_object_or_404(Thread.objects.select_related("board__group"), pk=pk)
    _readable_board(request, thread.board)
    if request.POST.get("follow") == "0":
        services.unfollow(user=request.user, thread=thread)
    else:
        services.follow(user=request.user, thread=thread)
    return redirect(thread)


@login_required
@require_POST
def follow_board(request, slug):
    board = selectors.board_by_slug(slug=slug)
    _readable_board(request, board)
    if request.POST.get("follow") == "0":
        services.unfollow(user=request.user, board=board)
    else:
        services.follow(user=request.user, board=board)
    return redirect(board)


def search_view(request):
    query = search.clean_query(request.GET.get("q", ""))
    page = search.search_posts(
        user=request.user,
        query=query,
        after=search.parse_cursor(request.GET.get("after")),
        before=search.parse_cursor(request.GET.get("before")),
        number=search.parse_page_number(request.GET.get("page")),
    )
    return render(request, "forums/search.html", {"query": query, "page": page})


@login_required
def preferences(request):
    topics = list(Topic.objects.all())
    current = dict(request.user.forum_topic_preferences.values_list("topic_id", "action"))
    initial = {f"topic_{pk}": action for pk, action in current.items()}
    initial["digest"] = selectors.digest_choice(request.user)
    form = PreferencesForm(request.POST or None, topics=topics, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_reading_preferences(
            user=request.user,
            topic_actions=form.topic_actions(),
            digest=form.cleaned_data["digest"],
        )
        messages.success(request, _("Your reading preferences are saved."))
        return redirect("forums:preferences")
    return render(request, "forums/preferences.html", {"form": form})
