"""Admin for mentor applications (with the screening checklist) and matches. Requests,
check-in answers and help requests are read by coordinators on their pages, not here; the
mentoring conversation's words are never shown in the admin."""

from django.contrib import admin

from .forms import ApplicationForm
from .models import Match, MentorApplication


@admin.register(MentorApplication)
class MentorApplicationAdmin(admin.ModelAdmin):
    form = ApplicationForm  # treatments as checkboxes of their choices, not raw JSON
    list_display = [
        "user",
        "role",
        "state",
        "capacity",
        "interview_done_at",
        "training_done_at",
        "agreement_signed_at",
        "created_at",
    ]
    list_filter = ["state", "role"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "screened_by"]
    # Approving, pausing and retiring go through the coordinator's page (services.set_mentor_state),
    # which checks the checklist and declines offers a paused mentor has not answered.
    readonly_fields = ["state", "approved_at", "screened_by"]
    fieldsets = [
        (
            None,
            {"fields": ["user", *ApplicationForm.Meta.fields]},
        ),
        (
            "Checklist and state",
            {
                "fields": [
                    "interview_done_at",
                    "training_done_at",
                    "agreement_signed_at",
                    "state",
                    "approved_at",
                    "screened_by",
                ]
            },
        ),
    ]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "mentor", "mentee", "state", "proposed_at", "respond_by", "ended_at"]
    list_filter = ["state"]
    list_select_related = ["mentor", "mentee"]
    # A match changes only through its services (offer, answer, introduction, end): each keeps
    # the rules on who sees whom. The admin reads it.
    readonly_fields = [
        "request",
        "mentor",
        "mentee",
        "coordinator",
        "state",
        "proposed_at",
        "respond_by",
        "responded_at",
        "conversation",
        "introduced_at",
        "ended_at",
        "ended_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False
