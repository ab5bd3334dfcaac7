"""Who may read, write and moderate on a board: the one place forum rules live.

Views, selectors, templates and tasks ask these named predicates; none re-derives them. Group
boards defer to groups.permissions (can_view_private, can_manage). Answers are remembered on the
user object for the rest of the request, so asking twice costs no second query.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from groups import permissions as group_permissions
from groups import policy
from groups.models import Membership, SupportGroup
from supportgroups import live
from supportgroups.models import User
from supportgroups.prepared import Prepared
from supportgroups.privacy.permissions import can_contact

from .models import Board, Post, Thread

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

_T = TypeVar("_T")


class OpeningPost(TypedDict):
    """What selectors.thread_for() adds to a thread: is its opening post held, and by whom."""

    opening_held: bool
    opening_author_id: int | None


def _memo(user: User | AnonymousUser) -> dict[tuple[object, ...], Any]:
    """Answers remembered on the user object for the rest of the request."""
    memo: dict[tuple[object, ...], Any] = user.__dict__.setdefault("_forum_permission_memo", {})
    return memo


def _remember(user: User | AnonymousUser, key: tuple[object, ...], compute: Callable[[], _T]) -> _T:
    memo = _memo(user)
    if key not in memo:
        memo[key] = compute()
    answer: _T = memo[key]
    return answer


# Asked on every signed-in page of a public board: compiled once.
_VERIFIED_EMAIL = Prepared(
    lambda user_id: EmailAddress.objects.filter(user_id=user_id, verified=True).values_list(
        "pk", flat=True
    )[:1]
)


def _group_of(board: Board) -> SupportGroup:
    """A group board's group; callers have checked `board.is_private`."""
    group = board.group
    assert group is not None, "a public board has no group"
    return group


# The net for addresses changed around allauth and the admin (a queryset update, a shell).
VERIFIED_KEPT_FOR = 600  # seconds


def verified_email(user: User) -> live.Kept[bool]:
    """Whether the person has a verified address, kept in the cache beside their access
    generation, which saving or deleting any of their addresses moves
    (receivers.email_address_changed). One for the rest of the request: a page may hand it to
    the site header, which reads it with its own facts (supportgroups.live.PAGE_FACTS)."""
    return _remember(user, ("verified",), lambda: _kept_verified(user))


def _kept_verified(user: User) -> live.Kept[bool]:
    return live.Kept(
        user.pk,
        "verified-email",
        lambda: bool(_VERIFIED_EMAIL(user.pk)),
        seconds=VERIFIED_KEPT_FOR,
    )


def verified_email_at_sign_in(sender: Any, user: User, **kwargs: Any) -> None:
    """On signing in (user_logged_in): worked out then, if it is not kept already, rather than
    by the first page (and not remembered on `user`, which may live on after the request)."""
    _kept_verified(user).value()


def has_verified_email(user: User | AnonymousUser, *, fresh: bool = False) -> bool:
    """``fresh``: asked of the database, for a write itself; the kept answer may lag a change
    made around the receivers (or while the cache was skipped) by up to VERIFIED_KEPT_FOR."""
    if not user.is_authenticated:
        return False
    return bool(_VERIFIED_EMAIL(user.pk)) if fresh else verified_email(user).value()


def _group_access(user: User | AnonymousUser, board: Board) -> group_permissions.GroupAccess:
    """One membership query per person and group per request, however often it is asked."""
    return _remember(
        user,
        ("access", board.group_id),
        lambda: group_permissions.access_for(user, _group_of(board)),
    )


def group_membership(user: User | AnonymousUser, board: Board) -> Membership | None:
    """The person's membership of a group board's group (None on a public board), from the
    answers already asked for this request."""
    if board.group_id is None:
        return None
    return _group_access(user, board).membership


def remember_boards(user: User | AnonymousUser, boards: Iterable[Board]) -> None:
    """Ask about every group board among `boards` at once (one query), so the questions asked
    next about any of them cost nothing: a page of search results spans many boards."""
    memo = _memo(user)
    wanted = {
        b.group_id for b in boards if b.group_id is not None and ("access", b.group_id) not in memo
    }
    for group_id, access in group_permissions.access_for_each(user, wanted).items():
        memo[("access", group_id)] = access


def _can_view_group(user: User | AnonymousUser, board: Board) -> bool:
    return _group_access(user, board).can_view_private


def can_read_board(
    user: User | AnonymousUser, board: Board, *, access: group_permissions.GroupAccess | None = None
) -> bool:
    """Public boards: anyone. A group's board: its active members, facilitators and staff.
    `access`: the person's access to the board's group, where the page has asked already."""
    if not board.is_private:
        return True
    return access.can_view_private if access is not None else _can_view_group(user, board)


def can_post_in(user: User | AnonymousUser, board: Board) -> bool:
    """Public boards: signed-in people with a verified email. Group boards: members of a group
    that still takes new words (groups.permissions.can_contribute: not archived or finished)."""
    if not user.is_authenticated:
        return False
    if board.is_private:
        return _remember(
            user,
            ("contribute", board.group_id),
            lambda: group_permissions.can_contribute(user, _group_of(board)),
        )
    return has_verified_email(user)


def write_verdict(
    user: User | AnonymousUser, board: Board, *, thread: Thread | None = None, fresh: bool = False
) -> policy.Verdict:
    """The site's one write policy for this board (groups.policy), plus the public boards' own
    rule (a verified email address) and, for a reply, reaction or edit in `thread`, the
    thread's: a locked or closed thread takes them from its board's moderators only.
    ``fresh``: for the write itself, every answer read from the database."""
    if board.is_private:
        verdict = policy.write_verdict(user, board.group, access=_group_access(user, board))
    else:
        verdict = policy.write_verdict(user, None)
        if verdict and not has_verified_email(user, fresh=fresh):
            return policy.Verdict(
                allowed=False,
                code="unverified",
                reason=_("Confirm your email address to write on the public boards."),
            )
    if (
        verdict
        and thread is not None
        and not thread.takes_replies
        and not can_moderate_board(user, board)
    ):
        return _closed_thread_verdict(thread)
    return verdict


def _closed_thread_verdict(thread: Thread) -> policy.Verdict:
    if thread.locked_at is not None:
        reason = _("This thread is locked: %(reason)s") % {"reason": thread.lock_reason}
        return policy.Verdict(allowed=False, code="locked", reason=reason)
    reason = _("This thread is closed: it takes no new replies.")
    return policy.Verdict(allowed=False, code="closed", reason=reason)


def can_write_now(user: User | AnonymousUser, board: Board) -> bool:
    return write_verdict(user, board).allowed


def require_write(
    user: User | AnonymousUser, board: Board, *, thread: Thread | None = None
) -> None:
    """For services: raise policy.WriteRefused (with the reason) unless this person may write."""
    policy.require(write_verdict(user, board, thread=thread, fresh=True))


def is_indexable(board: Board) -> bool:
    """Search engines may index a public board only if staff opened it and the site allows it."""
    return board.indexable and not board.is_private and settings.SEARCH_INDEXING_ALLOWED


def indexing_refusal(board: Board) -> str | None:
    """Why search engines may not be let in to this board, when it asks to be indexable."""
    if not board.indexable:
        return None
    if board.is_private:
        return _("A group's board is private: search engines never index it.")
    if not settings.SEARCH_INDEXING_ALLOWED:
        return _("This site does not allow search engines (SEARCH_INDEXING_ALLOWED is off).")
    return None


def can_moderate_board(user: User | AnonymousUser, board: Board) -> bool:
    """The group's facilitators and staff on a group board; staff on public boards. Staff need
    MFA for both: moderating shows hidden and held words."""
    if not user.is_authenticated:
        return False
    if not board.is_private:
        return group_permissions.is_staff_with_mfa(user)
    return _group_access(user, board).can_manage


def can_see_anonymous_author(user: User | AnonymousUser, board: Board) -> bool:
    """Anonymous posts name their writer only to the people who moderate the board."""
    return can_moderate_board(user, board)


def can_see_history(user: User | AnonymousUser, board: Board) -> bool:
    return can_moderate_board(user, board)


def can_edit_post(user: User | AnonymousUser, post: Post) -> bool:
    """Writers edit and remove their own posts while they stand; moderation keeps its own tools."""
    reader_id = user.pk if user.is_authenticated else None
    return may_edit_own(
        reader_id, author_id=post.author_id, removed=post.is_removed, hidden=post.is_hidden
    )


def may_edit_own(
    reader_id: int | None, *, author_id: int | None, removed: bool, hidden: bool
) -> bool:
    """can_edit_post() for a post read as plain values (a page of them), by the reader's id."""
    return reader_id is not None and author_id == reader_id and not removed and not hidden


def can_see_post_body(user: User | AnonymousUser, post: Post, *, moderator: bool) -> bool:
    """Held posts wait for a facilitator: only their writer and moderators see them meanwhile."""
    return not post.is_held or moderator or (user.is_authenticated and post.author_id == user.pk)


def can_report_post(user: User | AnonymousUser, post: Post) -> bool:
    """Anyone who can see a post can report it (held posts: their writer and moderators).
    Hidden and removed posts are beyond reporting: moderation has them already."""
    if post.is_hidden or post.is_removed or not can_read_board(user, post.thread.board):
        return False
    moderator = can_moderate_board(user, post.thread.board)
    return can_see_post_body(user, post, moderator=moderator)


def can_quote(post: Post, *, thread: Thread) -> bool:
    """The reply page shows (and quotes) a post only if it stands in this thread for everyone:
    never held, hidden or removed words, whoever asks (moderators read those in moderation)."""
    return post.thread_id == thread.pk and post.is_shown_to_all


def may_be_told_about(person: User, post: Post) -> bool:
    """Whether a notification about the post may reach this person.

    A block (either way) keeps people apart, but not for anonymous posts: leaving out a blocker
    would let them infer who wrote it. Anonymous posts reach readers whatever their blocks, just
    as they are shown uncollapsed to blockers on the thread page.
    """
    if post.is_anonymous or post.author is None:
        return person.is_active
    return can_contact(post.author, person)


def can_see_thread(
    user: User | AnonymousUser, thread: "WithAnnotations[Thread, OpeningPost]"
) -> bool:
    """A thread whose opening post is held exists, for now, only for its writer and moderators.
    Expects thread_for()'s opening_held / opening_author_id annotations."""
    if not thread.opening_held:
        return True
    mine = user.is_authenticated and thread.opening_author_id == user.pk
    return mine or can_moderate_board(user, thread.board)


def readable_boards(user: User | AnonymousUser) -> QuerySet[Board]:
    """Every board a person may read; the same rule as can_read_board, as a queryset for search."""
    return boards_readable_by(
        user.pk if user.is_authenticated else None,
        everything=group_permissions.is_staff_with_mfa(user),
    )


def boards_readable_by(user_id: int | None, *, everything: bool) -> QuerySet[Board]:
    """readable_boards from the person's id (None: signed out) and whether they are staff with
    MFA: the arguments a prepared read takes."""
    if everything:
        return Board.objects.all()
    if user_id is None:
        return Board.objects.filter(group__isnull=True)
    return Board.objects.filter(
        Q(group__isnull=True) | Q(group__in=SupportGroup.objects.with_member(user_id))
    )


@dataclass
class BoardAccess:
    """The answers for one person on one board, for templates that ask several times."""

    user: User | AnonymousUser
    board: Board

    @property
    def can_read(self) -> bool:
        return can_read_board(self.user, self.board)

    @property
    def can_post(self) -> bool:
        return can_post_in(self.user, self.board)

    @property
    def can_moderate(self) -> bool:
        return can_moderate_board(self.user, self.board)

    @property
    def can_see_history(self) -> bool:
        return can_see_history(self.user, self.board)

    @property
    def can_see_anonymous_author(self) -> bool:
        return can_see_anonymous_author(self.user, self.board)
