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

from groups.models import SupportGroup
from moderation.selectors import crisis_lines_for
from supportgroups.markdown import render_markdown
from supportgroups.privacy.middleware import allow_indexing

from . import permissions, search, selectors, services
from .forms import EditPostForm, PostForm, PreferencesForm, ThreadForm
from .models import Board, Post, Thread, Topic


def _readable_board(request, board: Board) -> permissions.BoardAccess:
    access = permissions.BoardAccess(request.user, board)
    if not access.can_read:
        raise Http404
    return access


def _writable_board(request, board: Board) -> permissions.BoardAccess:
    access = _readable_board(request, board)
    if not access.can_post:
        raise PermissionDenied(_("Only verified members can write here."))
    if request.method == "POST" and not permissions.can_write_now(request.user, board):
        raise PermissionDenied(_("You can't post at the moment. A moderator has told you why."))
    return access


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
            {"post": written.post, "crisis_lines": crisis_lines_for(request.user)},
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


def _form_response(request, template: str, context: dict, refused: ValidationError | None):
    """The form again: 400 beside field errors, 429 (with Retry-After) when posting too fast;
    either way with the typed text still in it."""
    status = 400 if context["form"].errors else 200
    if isinstance(refused, services.PostingTooFast):
        status = 429
    response = render(request, template, context, status=status)
    if status == 429:
        response["Retry-After"] = str(refused.retry_after)
    return response


def _indexable(board: Board, response):
    """Opt a staff-opened public board (and its threads) in to search engines."""
    return allow_indexing(response) if permissions.is_indexable(board) else response


def _wants_preview(request) -> bool:
    return request.method == "POST" and request.POST.get("action") == "preview"


def index(request):
    return render(request, "forums/index.html", {"boards": selectors.boards_for(user=request.user)})


def group_board(request, slug):
    """The group's private board, made the first time one of its members opens it."""
    group = get_object_or_404(SupportGroup, slug=slug)
    board = Board(group=group)
    _readable_board(request, board)
    return redirect(services.ensure_group_board(group=group))


def board(request, slug):
    board = selectors.board_by_slug(slug=slug)
    access = _readable_board(request, board)
    page = selectors.threads_page(user=request.user, board=board, cursor=request.GET.get("after"))
    following = selectors.is_following_board(user=request.user, board=board)
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
            },
        ),
    )


def _preview_or_write(request, form, write):
    """A valid POST is either previewed or written through the service.

    Returns (response after writing, preview HTML, refusal); a refusal's message is on the form,
    which still holds everything the person typed.
    """
    if request.method != "POST" or not form.is_valid():
        return None, None, None
    if _wants_preview(request):
        return None, render_markdown(form.cleaned_data["body"]), None
    try:
        created = write(form.cleaned_data)
    except ValidationError as exc:
        _add_errors(form, exc)
        return None, None, exc
    return _after_write(request, created), None, None


@login_required
def new_thread(request, slug):
    board = selectors.board_by_slug(slug=slug)
    access = _writable_board(request, board)
    form = ThreadForm(request.POST or None, board=board)
    written, preview, refused = _preview_or_write(
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
    )
    if written is not None:
        return written
    return _form_response(
        request,
        "forums/thread_form.html",
        {"board": board, "access": access, "form": form, "preview": preview},
        refused,
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
            "form": PostForm(board=thread.board) if access.can_post else None,
            "indexable": permissions.is_indexable(thread.board),
        },
    )
    return _indexable(thread.board, response)


@login_required
def reply(request, pk):
    thread = get_object_or_404(Thread.objects.select_related("board__group"), pk=pk)
    access = _writable_board(request, thread.board)
    parent_id = request.POST.get("parent") or request.GET.get("parent")
    parent = Post.objects.filter(pk=parent_id).first() if str(parent_id).isdecimal() else None
    initial = {"parent": parent.pk if parent else None}
    if parent and request.GET.get("quote") and parent.thread_id == thread.pk:
        initial["body"] = "\n".join(f"> {line}" for line in parent.body.splitlines()) + "\n\n"
    form = PostForm(request.POST or None, board=thread.board, initial=initial)
    written, preview, refused = _preview_or_write(
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
    )
    if written is not None:
        return written
    if parent is not None and not permissions.can_read_board(request.user, parent.thread.board):
        parent = None  # never echo a post from a board the writer cannot read
    return _form_response(
        request,
        "forums/reply_form.html",
        {"thread": thread, "access": access, "form": form, "parent": parent, "preview": preview},
        refused,
    )


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
    if request.method == "POST" and not permissions.can_write_now(request.user, post.thread.board):
        raise PermissionDenied(_("You can't post at the moment. A moderator has told you why."))
    initial = {"body": post.body, "content_warning": post.content_warning}
    form = EditPostForm(request.POST or None, initial=initial, board=post.thread.board)
    preview = None
    if request.method == "POST" and form.is_valid():
        if _wants_preview(request):
            preview = render_markdown(form.cleaned_data["body"])
        else:
            try:
                written = services.edit_post(
                    post=post,
                    body=form.cleaned_data["body"],
                    content_warning=form.cleaned_data["content_warning"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return _after_write(request, written)
    return _form_response(
        request,
        "forums/edit_form.html",
        {"post": post, "thread": post.thread, "access": access, "form": form, "preview": preview},
        refused=None,
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
    _writable_board(request, post.thread.board)
    try:
        services.toggle_reaction(user=request.user, post=post, kind=request.POST.get("kind", ""))
    except ValidationError:
        return HttpResponse(_("Choose one of the offered reactions."), status=400)
    if request.htmx:
        post = selectors.one_post(user=request.user, post=post)
        return render(request, "forums/_reactions.html", {"post": post, "can_post": True})
    return redirect(post.get_absolute_url())


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
    query = request.GET.get("q", "")
    hits = search.search_posts(user=request.user, query=query)
    return render(request, "forums/search.html", {"query": query, "hits": hits})


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
