"""Boards, threads and threaded posts, with the reader's own state (reactions, follows, reads).

Replies form a tree stored as a materialised path: each post's `path` is its parent's path plus
its own id, zero-padded to a fixed width, and `root_id` names the top-level reply it hangs under.
Adding a reply writes one row and one update, whatever the thread's size (no renumbering), and
a whole subtree comes back in display order with one indexed range scan (root_id, path).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from supportgroups.languages import default_search_config
from supportgroups.links import address

PATH_SEGMENT_WIDTH = 12  # ids up to 10^12 - 1


def path_segment(post_id: int) -> str:
    return str(post_id).zfill(PATH_SEGMENT_WIDTH)


class Topic(models.Model):
    """A sensitive subject a thread may touch (recurrence, end of life, loss, ...)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return gettext(self.name)  # stored in English; the seeded names are marked below


# The topics forums' migration 0002 seeds, marked here for the catalogues (a migration is no
# place to mark them). Other names staff add are shown as typed until a catalogue has them.
SEEDED_TOPIC_NAMES = (
    gettext_noop("Recurrence"),
    gettext_noop("End of life"),
    gettext_noop("Loss and grief"),
    gettext_noop("Scan and test results"),
    gettext_noop("Prognosis and statistics"),
    gettext_noop("Thoughts of self-harm"),
    gettext_noop("Fertility"),
)


class Board(models.Model):
    """A public board about a topic, or the private board of one support group."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    group = models.OneToOneField(
        "groups.SupportGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="forum_board",
        help_text=_("Set for a group's private board; empty for public boards."),
    )
    allows_anonymous = models.BooleanField(_("allows anonymous posts"), default=False)
    indexable = models.BooleanField(
        _("search engines may index"),
        default=False,
        help_text=_("Off by default: people write about their health here."),
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return address("forums:board", self.slug)  # asked on every board page

    @property
    def is_private(self) -> bool:
        return self.group_id is not None


class Thread(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_threads",
    )
    topics = models.ManyToManyField(Topic, related_name="threads", blank=True)
    opening_post = models.OneToOneField(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept by the services on every reply, so lists need no aggregate over posts.
    reply_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(db_index=True)
    last_post_id = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the board's moderators through moderation's action table (forums/moderation.py):
    # pinned threads head the board; locked and closed ones take no new replies.
    pinned_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    lock_reason = models.CharField(
        _("why it is locked"), max_length=300, blank=True, default="", db_default=""
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["board", "-last_post_at", "-id"], name="thread_board_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:thread", kwargs={"pk": self.pk})

    @property
    def takes_replies(self) -> bool:
        return self.locked_at is None and self.closed_at is None


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    root_id = models.BigIntegerField(null=True, help_text="The top-level reply this hangs under.")
    depth = models.PositiveSmallIntegerField(default=0)
    path = models.TextField(blank=True)
    is_opening = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="forum_posts"
    )
    is_anonymous = models.BooleanField(_("post anonymously"), default=False)
    body = models.TextField(_("message"))
    # The body rendered by supportgroups.markdown.render_markdown (nh3-sanitised) when it is
    # written, so a page of 300 posts does not run Markdown 300 times on every view.
    body_html = models.TextField(blank=True, editable=False)
    content_warning = models.CharField(_("content warning"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_by_author_at = models.DateTimeField(null=True, blank=True)
    is_held = models.BooleanField(default=False, help_text="Waiting for a facilitator.")
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=200, blank=True)
    # Set with hidden_at when moderation removes a post: its public copy is blanked and the words
    # live on only in a PostRevision, which moderators read (forums/moderation.py, edit history).
    removed_by_moderators_at = models.DateTimeField(null=True, blank=True)
    support_count = models.PositiveIntegerField(default=0)
    # Kept by indexing.index_post(); its GIN index is made by a PostgreSQL-only migration.
    search_vector = SearchVectorField(null=True, editable=False)
    # The text search configuration the vector was made with: the board's group's language
    # (supportgroups.languages.search_config). Search asks each configuration's query only of
    # the posts indexed with it.
    # db_default: for posts the previous release writes during an upgrade.
    search_config = models.CharField(
        max_length=32, default=default_search_config, db_default="english", editable=False
    )

    class Meta:
        indexes = [
            models.Index(fields=["root_id", "path"], name="post_subtree_idx"),
            models.Index(
                fields=["thread", "id"],
                condition=Q(parent__isnull=True, is_opening=False),
                name="post_toplevel_idx",
            ),
            models.Index(
                fields=["thread", "-support_count", "-id"],
                condition=Q(parent__isnull=True, is_opening=False),
                name="post_toplevel_support_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["thread"], condition=Q(is_opening=True), name="post_one_opening_per_thread"
            ),
        ]

    def __str__(self) -> str:
        return f"post {self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return reverse("forums:permalink", kwargs={"pk": self.pk})

    @property
    def rendered_body(self) -> SafeString:
        return mark_safe(self.body_html)  # noqa: S308 - sanitised by render_markdown on write

    @property
    def is_removed(self) -> bool:
        return self.removed_by_author_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_removed_by_moderators(self) -> bool:
        return self.removed_by_moderators_at is not None

    @property
    def is_shown_to_all(self) -> bool:
        """Readable by everyone who reads the board: not held, hidden or removed."""
        return not (self.is_held or self.is_hidden or self.is_removed)

    def excerpt(self) -> str:
        text = " ".join(self.body.split())
        return text if len(text) <= 200 else text[:199] + "…"


class PostRevision(models.Model):
    """What a post said before an edit; facilitators and staff can read the history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    content_warning = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"revision of post {self.post_id}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        HUG = "hug", _("Sending a hug")
        THANKS = "thanks", _("Thank you")
        ME_TOO = "me_too", _("Me too")
        STRENGTH = "strength", _("Sending strength")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_reactions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "post", "kind"], name="reaction_one_per_kind"),
        ]
        indexes = [models.Index(fields=["post", "kind"], name="reaction_post_idx")]

    def __str__(self) -> str:
        return f"{self.kind} on post {self.post_id}"


class Subscription(models.Model):
    """Someone follows a thread (automatically once they post in it) or a whole board."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_subscriptions"
    )
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.CASCADE)
    board = models.ForeignKey(Board, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=True, board__isnull=False)
                | Q(thread__isnull=False, board__isnull=True),
                name="subscription_thread_xor_board",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"], condition=Q(thread__isnull=False), name="sub_thread_uq"
            ),
            models.UniqueConstraint(
                fields=["user", "board"], condition=Q(board__isnull=False), name="sub_board_uq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.thread_id or self.board_id}"


class ThreadReadState(models.Model):
    """The newest post id a person has seen in a thread: posts above it are marked new."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_post_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="read_state_one_per_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_post_id}"


class TopicPreference(models.Model):
    class Action(models.TextChoices):
        HIDE = "hide", _("Hide threads about this")
        COLLAPSE = "collapse", _("Collapse threads about this")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_topic_preferences"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="topic_pref_one_per_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.topic_id}"


class EmailPreference(models.Model):
    class Digest(models.TextChoices):
        IMMEDIATELY = "immediately", _("As it happens")
        DAILY = "daily", _("Once a day")
        NEVER = "never", _("Never: in-app notifications only")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_email_preference"
    )
    digest = models.CharField(
        _("email me about replies and mentions"),
        max_length=12,
        choices=Digest.choices,
        default=Digest.NEVER,
    )

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest}"


class DigestItem(models.Model):
    """One reply or mention waiting to go out in someone's email digest."""

    class Reason(models.TextChoices):
        REPLY = "reply", _("New reply")
        MENTION = "mention", _("Mention")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="digest_item_once_per_post"),
        ]
        indexes = [models.Index(fields=["user", "sent_at"], name="digest_pending_idx")]

    def __str__(self) -> str:
        return f"{self.reason} for {self.user_id} about {self.post_id}"
