from __future__ import annotations

from django import forms

from iepright.textclean import TextCheckMixin
from reminders.models import ReminderSettings


class ReminderSettingsForm(TextCheckMixin, forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = ["email", "send_at", "daily_log", "deadlines", "follow_ups", "weekly_summary", "weekly_day"]
        widgets = {"send_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
