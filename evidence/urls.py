from django.urls import path

from evidence import views

app_name = "evidence"
urlpatterns = [
    path("children/<int:child_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
