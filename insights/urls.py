from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("children/<int:child_id>/insights/", views.dashboard, name="dashboard"),
]
