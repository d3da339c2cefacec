from django.urls import path

from correspondence import views

app_name = "correspondence"
C = "children/<int:child_id>/communications/"
urlpatterns = [
    path(C, views.communication_list, name="list"),
    path(C + "new/", views.communication_new, name="new"),
    path(C + "call/", views.call_new, name="call"),
    path(C + "import/", views.import_eml, name="import"),
    path(C + "<int:communication_id>/", views.communication_detail, name="detail"),
    path(C + "<int:communication_id>/edit/", views.communication_edit, name="edit"),
    path(C + "<int:communication_id>/retract/", views.communication_retract, name="retract"),
    path(C + "<int:communication_id>/settle/", views.follow_up_settle, name="settle"),
]
