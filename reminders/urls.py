from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("reminders/", views.reminder_settings, name="settings"),
    path("reminders/calendar-link", views.feed_new, name="feed_new"),
    path("reminders/calendar-link/revoke", views.feed_revoke, name="feed_revoke"),
    path("reminders/stop/<str:unsubscribe_token>/", views.unsubscribe, name="unsubscribe"),
    path("calendar/<str:feed_token>.ics", views.feed, name="feed"),
]
