from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.profile, name="profile"),
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("households/<int:household_id>/switch/", views.household_switch, name="household_switch"),
    path("households/<int:household_id>/rename/", views.household_rename, name="household_rename"),
    path("households/<int:household_id>/leave/", views.household_leave, name="household_leave"),
    path("households/<int:household_id>/invite/", views.invite, name="invite"),
    path(
        "households/<int:household_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("households/<int:household_id>/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path(
        "households/<int:household_id>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
