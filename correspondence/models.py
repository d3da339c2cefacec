"""Communications with the school: each email, call, meeting, letter or portal message.

The table is the current state; every create, edit and retraction appends a ledger record through
``correspondence.services`` in the same transaction (the history). Links to provisions and log
entries are kept as lists of ids, so the payload is the row itself.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models import Child


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    CALL = "call", _("Phone call")
    MEETING = "meeting", _("Meeting")
    LETTER = "letter", _("Letter")
    PORTAL = "portal", _("School portal message")
    OTHER = "other", _("Other")


class Direction(models.TextChoices):
    SENT = "sent", _("I sent it / I called")
    RECEIVED = "received", _("The school sent it / called me")


class Origin(models.TextChoices):
    TYPED = "typed", _("Typed in")
    EML = "eml", _("Imported email")
    CALL_LOG = "call_log", _("Quick call log")
    LETTER = "letter", _("Letter drafted here")


class CommunicationQuerySet(models.QuerySet["Communication"]):
    def current(self) -> CommunicationQuerySet:
        """Communications that count: everything except withdrawn ones."""
        return self.filter(retracted_at__isnull=True)


class Communication(models.Model):
    """One exchange with the school, as the parent recorded it."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="communications")
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"), null=True, blank=True)
    channel = models.CharField(_("how"), max_length=12, choices=Channel.choices)
    direction = models.CharField(_("who started it"), max_length=10, choices=Direction.choices)
    counterpart_name = models.CharField(_("with whom (name)"), max_length=120, blank=True)
    counterpart_role = models.CharField(_("their role"), max_length=120, blank=True)
    from_address = models.CharField(max_length=300, blank=True)
    to_address = models.CharField(max_length=1000, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("summary or full text"), blank=True)
    provision_ids = models.JSONField(default=list, blank=True)
    entry_ids = models.JSONField(default=list, blank=True)
    follow_up_due = models.DateField(_("follow up by"), null=True, blank=True)
    # The communication this one answers (a reply from the school to a parent's email).
    in_reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies")
    follow_up_closed = models.BooleanField(default=False)  # the parent marked the follow-up as settled
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.TYPED)
    letter_kind = models.CharField(max_length=32, blank=True)  # set when a drafted letter was sent
    source_attachment_id = models.BigIntegerField(null=True, blank=True)  # the original .eml file
    client_id = models.UUIDField(default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    edit_reason = models.CharField(max_length=300, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retraction_reason = models.CharField(max_length=300, blank=True)

    objects = CommunicationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-time", "-pk"]
        indexes = [models.Index(fields=["child", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_channel_display()}: {self.subject or self.counterpart_name}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    @property
    def title(self) -> str:
        return self.subject or _("%(channel)s with %(whom)s") % {
            "channel": self.get_channel_display(),
            "whom": self.counterpart_name or _("the school"),
        }

    def is_follow_up_overdue(self, today: dt.date, answered: bool) -> bool:
        """A follow-up date passed with no reply recorded and not settled by hand."""
        return (
            self.follow_up_due is not None
            and self.follow_up_due < today
            and not answered
            and not self.follow_up_closed
            and not self.is_retracted
        )


class WriteReceipt(models.Model):
    """One row per client-generated write id applied: a retried save returns the earlier result."""

    client_id = models.UUIDField(primary_key=True)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    communication = models.ForeignKey(Communication, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.client_id} -> communication {self.communication_id}"
