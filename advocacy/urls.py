from django.urls import path

from advocacy import views

app_name = "advocacy"
C = "children/<int:child_id>/"
urlpatterns = [
    path(C + "steps/", views.steps, name="steps"),
    path(C + "letters/draft/", views.letter_draft, name="letter_draft"),
    path(C + "letters/<int:letter_id>/", views.letter_detail, name="letter"),
    path(C + "letters/<int:letter_id>/pdf/", views.letter_pdf, name="letter_pdf"),
    path(C + "letters/<int:letter_id>/sent/", views.letter_sent, name="letter_sent"),
    path(C + "notices/new/", views.notice_new, name="notice_new"),
    path(C + "notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path(C + "costs/", views.costs, name="costs"),
    path(C + "costs/<int:cost_id>/retract/", views.cost_retract, name="cost_retract"),
]
