from django.urls import path

from logbook import views

app_name = "logbook"
urlpatterns = [
    path("children/<int:child_id>/today/", views.today, name="today"),
    path("children/<int:child_id>/day/<isodate:day>/", views.day, name="day"),
    path("children/<int:child_id>/day/<isodate:day>/entry/", views.save_entry, name="save_entry"),
    path("children/<int:child_id>/day/<isodate:day>/all-delivered/", views.all_delivered, name="all_delivered"),
    path("children/<int:child_id>/day/<isodate:day>/note/", views.save_day_note, name="save_day_note"),
    path("children/<int:child_id>/day/<isodate:day>/same-as/", views.same_as, name="same_as"),
    path("children/<int:child_id>/week/<isodate:day>/catch-up/", views.catch_up, name="catch_up"),
    path("children/<int:child_id>/entries/<int:entry_id>/history/", views.entry_history, name="entry_history"),
    path("children/<int:child_id>/entries/<int:entry_id>/retract/", views.retract_entry, name="retract_entry"),
    path("children/<int:child_id>/week/<isodate:day>/", views.week, name="week"),
    path("children/<int:child_id>/month/<isodate:day>/", views.month, name="month"),
]
