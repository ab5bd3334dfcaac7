from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Country, Resource, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "state", "is_suggestion", "link_status", "reviewed_on"]
    list_filter = [
        "state",
        "kind",
        "link_status",
        "is_suggestion",
        "cancer_types",
        "topics",
        "audiences",
        "languages",
        "countries",
    ]
    search_fields = ["title", "summary", "url"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["cancer_types", "topics", "audiences", "languages", "countries"]
    readonly_fields = [
        "reviewed_by",
        "reviewed_on",
        "suggested_by",
        "link_status",
        "link_detail",
        "last_checked_at",
        "link_failures",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["reviewed_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["publish_selected"]

    def save_model(self, request, obj, form, change):
        """Through the service, so a changed address is marked as not checked yet."""
        services.save_resource(resource=obj, m2m={})  # the admin saves the tags just after

    @admin.action(description=_("Publish selected resources (reviewed today by you)"))
    def publish_selected(self, request, queryset):
        count = 0
        for resource in queryset.exclude(state=Resource.State.PUBLISHED):
            services.publish(resource=resource, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("Published %d resource.", "Published %d resources.", count) % count,
            messages.SUCCESS,
        )
