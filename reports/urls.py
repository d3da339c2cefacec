from django.urls import path

from reports import public_views, views

app_name = "reports"
urlpatterns = [
    path("children/<int:child_id>/export/entries.csv", views.entries_csv, name="entries_csv"),
    path("children/<int:child_id>/export/iep-dates.ics", views.iep_dates_ics, name="iep_dates_ics"),
    path("households/<int:household_id>/export/", views.household_export, name="household_export"),
    path("children/<int:child_id>/reports/", views.report_list, name="report_list"),
    path("children/<int:child_id>/delete/", views.child_delete, name="child_delete"),
    path("households/<int:household_id>/delete/", views.household_delete, name="household_delete"),
    path("settings/delete-account/", views.account_delete, name="account_delete"),
    path("children/<int:child_id>/reports/<int:report_id>/download/", views.report_download, name="report_download"),
    # Public: anyone holding a report may check it (reports/public_check.py says what it reveals).
    path("verify-report/", public_views.verify_report, name="verify_report"),
]
