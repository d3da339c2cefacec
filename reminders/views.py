"""A person's reminder settings and calendar feed, the feed itself, and one-click unsubscribe."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from reminders.feeds import active_feed, feed_ics
from reminders.forms import ReminderSettingsForm
from reminders.models import KIND_LABELS, CalendarFeed, ReminderSettings
from reminders.sender import site_url
from reminders.tokens import read_unsubscribe_token

INVALID = 422


@login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own reminders and calendar link."""
    user: Any = request.user
    current = ReminderSettings.defaults_for(user)
    form = ReminderSettingsForm(request.POST or None, instance=current)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Reminder settings saved."))
            return redirect("reminders:settings")
        status = INVALID
    else:
        status = 200
    feed = active_feed(user)
    feed_url = site_url(reverse("reminders:feed", args=[feed.token])) if feed else ""
    return render(request, "reminders/settings.html", {"form": form, "feed": feed, "feed_url": feed_url}, status=status)


@login_required
def feed_new(request: HttpRequest) -> HttpResponse:
    """A new private link; any earlier one stops working."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user: Any = request.user
    CalendarFeed.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
    CalendarFeed.objects.create(user=user)
    messages.success(request, _("Your new calendar link is ready. Any earlier link no longer works."))
    return redirect("reminders:settings")


@login_required
def feed_revoke(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user: Any = request.user
    CalendarFeed.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
    messages.success(request, _("Your calendar link no longer works."))
    return redirect("reminders:settings")


@require_GET
def feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    """The .ics behind a private link: public to whoever holds the token, 404 once revoked."""
    found = CalendarFeed.objects.select_related("user").filter(token=feed_token, revoked_at=None).first()
    if found is None or not found.user.is_active:
        raise Http404("No such calendar.")
    response = HttpResponse(feed_ics(found), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # mail providers post RFC 8058 one-click unsubscribes without a CSRF token; the signed token is the check
def unsubscribe(request: HttpRequest, unsubscribe_token: str) -> HttpResponse:
    """GET: a page with one button; POST (the button or the mail app's one click): stop that kind."""
    found = read_unsubscribe_token(unsubscribe_token)
    if found is None or found[1] not in KIND_LABELS:
        raise Http404("No such link.")
    user_id, kind = found
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Http404("No such link.")
    context = {"kind_label": KIND_LABELS[kind], "done": False}
    if request.method == "POST":
        preferences = ReminderSettings.defaults_for(user)
        setattr(preferences, kind, False)
        preferences.save()
        context["done"] = True
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "reminders/unsubscribe.html", context)
