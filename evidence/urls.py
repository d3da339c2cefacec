from django.urls import path

from evidence import views

app_name = "evidence"
urlpatterns = [
    path("children/<int:child_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("children/<int:child_id>/verify/", views.verify, name="verify"),
    path("children/<int:child_id>/records.json", views.export, name="export"),
]
