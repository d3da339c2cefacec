from django.urls import path

from deadlines import views

app_name = "deadlines"

urlpatterns = [
    path("children/<int:child_id>/deadlines/", views.deadline_list, name="list"),
    path("children/<int:child_id>/deadlines/events/<int:event_id>/", views.event_edit, name="event_edit"),
    path("children/<int:child_id>/deadlines/events/<int:event_id>/remove", views.event_remove, name="event_remove"),
    path("children/<int:child_id>/deadlines/disability", views.disability, name="disability"),
]
