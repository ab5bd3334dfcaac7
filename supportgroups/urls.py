from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from groups.meetings.views import offline

from . import health, metrics, views
from .push import views as push_views

# Admin signs people in through allauth, so its rate limits and MFA apply there too (replacing
# the bound method on purpose).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
    # The installable app: at the root, so the worker's scope is the whole site.
    path("manifest.webmanifest", push_views.manifest, name="web_manifest"),
    path("sw.js", push_views.service_worker, name="service_worker"),
    path("offline/", offline, name="offline"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("i18n/js/<str:language>/", views.javascript_catalog, name="javascript_catalog"),
    path("privacy/", views.privacy, name="privacy"),
    path("terms/", views.terms, name="terms"),
    path("profile/", views.profile, name="profile"),
    path("notifications/", views.notifications, name="notifications"),
    path("profile/devices/", include("supportgroups.push.urls")),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("accounts/mfa-required/", views.mfa_required, name="mfa_required"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("groups/", include("groups.urls")),
    path("meetings/", include("groups.meetings.urls")),
    path("chat/", include("groups.chat.urls")),
    path("messages/", include("groups.conversations.urls")),
    path("check-in/", include("groups.checkins.urls")),
    path("mentoring/", include("groups.mentoring.urls")),
    path("forums/", include("forums.urls")),
    path("moderation/", include("moderation.urls")),
    path("resources/", include("resources.urls")),
    path("reports/", include("reports.urls")),
    path("", include("supportgroups.privacy.urls")),  # robots.txt, account/privacy, members
]

handler400 = "supportgroups.views.error_400"
handler403 = "supportgroups.views.error_403"
handler404 = "supportgroups.views.error_404"
handler500 = "supportgroups.views.error_500"
