"""The curated library: articles, guides, helplines, organisations and more.

Crisis lines (suicide prevention, emergency emotional support) are NOT kept here: they are
moderation's `CrisisResource`, used on the crisis path and shown in the library's crisis section
through `moderation.selectors.crisis_lines`. A Resource of kind "hotline" is an information or
support helpline (a cancer charity's nurse line), never a second crisis list.
"""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.countries import country_name, is_country_code
from groups.models import Audience, CancerType, Language
from supportgroups.languages import (
    default_language,
    default_search_config,
    language_choices,
    search_config,
)


class RegConfigField(models.CharField):
    """A PostgreSQL text search configuration name, stored as `regconfig`: an index expression
    may then read it (a text column cast to regconfig is not immutable, so cannot be indexed)."""

    def db_type(self, connection) -> str | None:
        if connection.vendor == "postgresql":
            return "regconfig"
        return super().db_type(connection)


class Topic(models.Model):
    """What a resource is about: side effects, diet, money, work, grief, ..."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return gettext(self.name)  # stored in English, marked in resources/demo.py


class Country(models.Model):
    """An ISO 3166-1 alpha-2 country. A table (not a JSON list) so that filtering by country
    is a plain indexed join on PostgreSQL and SQLite alike."""

    code = models.CharField(_("ISO code"), max_length=2, unique=True, help_text=_("e.g. GB"))
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"), name="resources_country_code_iso"
            )
        ]

    def __str__(self) -> str:
        """In the reader's language, from pycountry's names (the stored one for a code it
        does not know)."""
        return country_name(self.code) if is_country_code(self.code) else self.name


class ResourceQuerySet(models.QuerySet["Resource"]):
    def published(self) -> Self:
        return self.filter(state=Resource.State.PUBLISHED)


class Resource(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        GUIDE = "guide", _("Guide")
        HOTLINE = "hotline", _("Helpline")
        ORGANISATION = "organisation", _("Organisation")
        VIDEO = "video", _("Video")
        APP = "app", _("App")
        BOOK = "book", _("Book")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        DECLINED = "declined", _("Declined")

    class LinkStatus(models.TextChoices):
        OK = "ok", _("Working")
        BROKEN = "broken", _("Broken")
        UNKNOWN = "unknown", _("Not checked yet")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.CharField(_("summary"), max_length=500)
    kind = models.CharField(_("type"), max_length=14, choices=Kind.choices)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown"))
    cancer_types = models.ManyToManyField(
        CancerType, blank=True, related_name="resources", verbose_name=_("cancer types")
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="resources", verbose_name=_("topics")
    )
    audiences = models.ManyToManyField(
        Audience, blank=True, related_name="resources", verbose_name=_("audiences")
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="resources", verbose_name=_("languages")
    )
    language = models.CharField(
        _("written in"),
        max_length=10,
        choices=language_choices,
        default=default_language,
        db_default="en",  # for rows the previous release inserts during an upgrade
        help_text=_("Search finds its words in this language (plurals and other forms too)."),
    )
    # Kept from `language` on save: the configuration its words are searched with
    # (selectors.search_vector, and the GIN index on it).
    search_config = RegConfigField(
        max_length=32, default=default_search_config, db_default="english", editable=False
    )
    countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="resources",
        verbose_name=_("countries"),
        help_text=_("Leave empty for resources useful everywhere."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    curator_note = models.TextField(_("note from the curators"), blank=True)

    is_suggestion = models.BooleanField(_("suggested by a member"), default=False)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggested_resources",
    )
    suggestion_note = models.TextField(_("why the member suggests it"), blank=True)

    link_status = models.CharField(
        _("link status"), max_length=8, choices=LinkStatus.choices, default=LinkStatus.UNKNOWN
    )
    last_checked_at = models.DateTimeField(_("link last checked"), null=True, blank=True)
    link_failures = models.PositiveSmallIntegerField(
        default=0, help_text=_("Failed checks in a row (timeouts and server errors).")
    )
    link_detail = models.CharField(_("last check result"), max_length=200, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        permissions = [("curate", "Can review, edit, publish and decline resources")]
        constraints = [
            # One entry per address: a double-submitted suggestion cannot make a twin.
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="resources_unique_url",
                violation_error_message=_("Another resource already has this web address."),
            ),
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(body=""),
                name="resources_url_or_body",
                violation_error_message=_("Give a web address, a text, or both."),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "kind"], name="resources_state_kind_idx"),
            # the library's default order: a page of published titles without a sort
            models.Index(fields=["state", "title"], name="resources_state_title_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep `search_config` in step with `language`, whoever saves (curators, suggestions,
        admin, demo data), as User.save keeps its derived name key."""
        self.search_config = search_config(self.language)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "language" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_config"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("resources:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def link_is_broken(self) -> bool:
        return bool(self.url) and self.link_status == self.LinkStatus.BROKEN
