from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.directory, name="directory"),
    # "mine" is a reserved slug (groups.models.RESERVED_SLUGS), so no group can hide this page.
    path("mine/", views.my_groups, name="mine"),
    # "invitations" is reserved too, so no group's pages collide with invitation links.
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    # "announcements" is reserved too: the site-wide announcements, for everyone.
    path("announcements/", views.site_announcements, name="site_announcements"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/manage/edit/", views.edit, name="edit"),
    path("<slug:slug>/manage/email/", views.email_group, name="email_group"),
    path("<slug:slug>/manage/quiet/<int:user_id>/note/", views.quiet_note, name="quiet_note"),
    path("<slug:slug>/manage/open-next-cohort/", views.open_next_cohort, name="open_next_cohort"),
    path("<slug:slug>/offers/<int:offer_id>/", views.cohort_offer, name="cohort_offer"),
    path("<slug:slug>/manage/hand-on/", views.hand_on, name="hand_on"),
    path("<slug:slug>/manage/invitations/", views.invite, name="invite"),
    path("<slug:slug>/manage/invitations/link/", views.invitation_link, name="invitation_link"),
    path(
        "<slug:slug>/manage/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("<slug:slug>/norms/read/", views.norms_read, name="norms_read"),
    path("<slug:slug>/announcements/", views.announcements_page, name="announcements"),
    path(
        "<slug:slug>/announcements/<int:announcement_id>/read/",
        views.acknowledge,
        name="acknowledge",
    ),
    path(
        "<slug:slug>/manage/<int:membership_id>/<slug:action>/",
        views.decide,
        name="decide",
    ),
]
