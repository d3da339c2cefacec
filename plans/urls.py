from django.urls import path

from plans import import_views, views

app_name = "plans"
C = "children/<int:child_id>/"
urlpatterns = [
    path("households/<int:household_id>/children/new/", views.child_new, name="child_new"),
    path(C, views.child_overview, name="child"),
    path(C + "edit/", views.child_edit, name="child_edit"),
    path(C + "ieps/", views.iep_list, name="ieps"),
    path(C + "ieps/new/", views.iep_new, name="iep_new"),
    path(C + "ieps/import/", import_views.iep_import, name="iep_import"),
    path(C + "ieps/import/review/", import_views.iep_import_review, name="iep_import_review"),
    path(C + "ieps/<int:iep_id>/", views.iep_detail, name="iep"),
    path(C + "ieps/<int:iep_id>/import/", import_views.iep_import_items, name="iep_import_items"),
    path(C + "ieps/<int:iep_id>/edit/", views.iep_edit, name="iep_edit"),
    path(C + "ieps/<int:iep_id>/activate/", views.iep_activate, name="iep_activate"),
    path(C + "ieps/<int:iep_id>/amend/", views.iep_amend, name="iep_amend"),
    path(C + "ieps/<int:iep_id>/provisions/new/", views.provision_new, name="provision_new"),
    path(C + "provisions/<int:provision_id>/edit/", views.provision_edit, name="provision_edit"),
    path(C + "provisions/<int:provision_id>/move/", views.provision_move, name="provision_move"),
    path(C + "provisions/<int:provision_id>/delete/", views.provision_delete, name="provision_delete"),
    path(C + "calendars/", views.calendar_list, name="calendars"),
    path(C + "calendars/new/", views.calendar_new, name="calendar_new"),
    path(C + "calendars/import/", import_views.calendar_import, name="calendar_import"),
    path(C + "calendars/import/review/", import_views.calendar_import_review, name="calendar_import_review"),
    path(C + "calendars/copy/", import_views.calendar_copy, name="calendar_copy"),
    path(C + "calendars/<int:calendar_id>/", views.calendar_detail, name="calendar"),
    path(C + "calendars/<int:calendar_id>/edit/", views.calendar_edit, name="calendar_edit"),
    path(C + "calendars/<int:calendar_id>/days-off/", views.day_off_add, name="day_off_add"),
    path(C + "calendars/<int:calendar_id>/days-off/remove/", views.day_off_remove, name="day_off_remove"),
    path(C + "calendars/<int:calendar_id>/holidays/", import_views.calendar_holidays, name="calendar_holidays"),
    path(C + "absences/", views.absence_list, name="absences"),
    path(C + "absences/<int:absence_id>/remove/", views.absence_remove, name="absence_remove"),
]
