"""Each member's reminder preferences, the record of every notice sent, and private calendar feeds.

- ``ReminderSettings``: where and when a person's reminders go and which kinds they want. A person
  without a row gets the defaults (``ReminderSettings.defaults_for``).
- ``Notice``: one row per notice (one deadline 7 days ahead, one unlogged day, one weekly summary),
  unique per person and key: the sender claims the row before sending, so a second run sends nothing.
- ``CalendarFeed``: a secret token in a URL that calendar apps poll; revoking it makes the URL a 404.
"""

from __future__ import annotations

import secrets
from datetime import time
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DAILY_LOG, DEADLINES, FOLLOW_UPS, WEEKLY_SUMMARY = "daily_log", "deadlines", "follow_ups", "weekly_summary"
KINDS = [
    (DAILY_LOG, _("Today is not logged yet (school days)")),
    (DEADLINES, _("Deadlines 14, 7 and 1 days ahead")),
    (FOLLOW_UPS, _("Overdue follow-ups with the school")),
    (WEEKLY_SUMMARY, _("A weekly summary")),
]
KIND_LABELS = dict(KINDS)
WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]  # fmt: skip


class ReminderSettings(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings")
    email = models.EmailField(_("send to"), blank=True, help_text=_("Leave empty to use your account's email address."))
    send_at = models.TimeField(
        _("time of day"), default=time(18, 0), help_text=_("Reminders go out at or after this time.")
    )
    daily_log = models.BooleanField(KIND_LABELS[DAILY_LOG], default=True)
    deadlines = models.BooleanField(KIND_LABELS[DEADLINES], default=True)
    follow_ups = models.BooleanField(KIND_LABELS[FOLLOW_UPS], default=True)
    weekly_summary = models.BooleanField(KIND_LABELS[WEEKLY_SUMMARY], default=True)
    weekly_day = models.PositiveSmallIntegerField(_("weekly summary on"), choices=WEEKDAYS, default=6)

    class Meta:
        verbose_name_plural = _("reminder settings")

    def __str__(self) -> str:
        return f"Reminder settings of {self.user_id}"

    @classmethod
    def defaults_for(cls, user: Any) -> ReminderSettings:
        """The person's settings, or unsaved defaults when they never changed them."""
        found = cls.objects.filter(user=user).first()
        return found if found is not None else cls(user=user)

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind))

    def address(self) -> str:
        return self.email or self.user.email


class Notice(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=KINDS)
    key = models.CharField(max_length=200)  # what it is about: e.g. "deadline:12:records_request-...:2026-12-02:7"
    child = models.ForeignKey("plans.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    subject = models.CharField(max_length=200)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notice_per_person_and_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed {self.pk} of {self.user_id}"
