from django.urls import path, re_path

from . import views

app_name = "privacy"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("account/privacy/", views.privacy_settings, name="settings"),
    path("account/privacy/export/", views.data_export, name="export"),
    re_path(
        r"^account/privacy/export/(?P<token>[^/]+)/(?P<fmt>json|html)/$",
        views.export_download,
        name="export_download",
    ),
    path("account/privacy/delete/", views.delete_account, name="delete"),
    path("account/privacy/blocks/", views.blocks, name="blocks"),
    path("account/privacy/blocks/<int:pk>/block/", views.block_member, name="block"),
    path("account/privacy/blocks/<int:pk>/unblock/", views.unblock_member, name="unblock"),
    path("account/security/", views.security, name="security"),
    path(
        "account/security/sign-out-everywhere/",
        views.sign_out_everywhere,
        name="sign_out_everywhere",
    ),
    path("account/email/", views.email_preferences, name="email_preferences"),
    path("account/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("members/<int:pk>/", views.member_profile, name="member"),
]
