"""Letters, prior written notices received, and out-of-pocket costs of one child.

Current-state tables; every change appends a ledger record through ``advocacy.services`` in the
same transaction. Links to provisions are lists of ids, so each payload is its row.

Out-of-pocket costs live here rather than in correspondence: they are not an exchange with the
school but the family's claim (a reimbursement request), carried into the state complaint and due
process letters that this app drafts.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from advocacy.rules import LETTER_KINDS
from correspondence.models import Communication
from plans.models import Child

KIND_CHOICES = [(key, kind.title) for key, kind in LETTER_KINDS.items()]


class Letter(models.Model):
    """A letter drafted from the log: the parent's edited text, then sent (a communication)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    provision_ids = models.JSONField(default=list, blank=True)
    range_from = models.DateField(null=True, blank=True)
    range_to = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    sent_on = models.DateField(null=True, blank=True)
    communication = models.ForeignKey(Communication, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    client_id = models.UUIDField(default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class PriorWrittenNotice(models.Model):
    """A prior written notice the school gave, checked against 34 CFR 300.503(b)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="prior_written_notices")
    received_on = models.DateField(_("received on"))
    action = models.CharField(_("what the school proposes or refuses"), max_length=300)
    proposes = models.BooleanField(_("the school proposes it (rather than refuses)"), default=False)
    elements = models.JSONField(default=list, blank=True)  # keys of PWN_ELEMENTS the notice contains
    notes = models.TextField(blank=True)
    attachment_id = models.BigIntegerField(null=True, blank=True)
    client_id = models.UUIDField(default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.received_on}: {self.action}"


class OutOfPocketCost(models.Model):
    """Tutoring, therapy or an evaluation the family paid because the school did not deliver."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="costs")
    date = models.DateField(_("date paid"))
    provider = models.CharField(_("who provided it"), max_length=160)
    description = models.CharField(_("what it was"), max_length=300)
    amount_cents = models.PositiveIntegerField(_("amount in cents"))
    provision_ids = models.JSONField(default=list, blank=True)
    receipt_id = models.BigIntegerField(null=True, blank=True)  # an evidence.Attachment
    client_id = models.UUIDField(default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    retracted_at = models.DateTimeField(null=True, blank=True)
    retraction_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.provider}: {self.amount_cents / 100:.2f}"

    @property
    def amount_text(self) -> str:
        return money(self.amount_cents)


def money(cents: int) -> str:
    """$1,234.50"""
    return f"${cents // 100:,}.{cents % 100:02d}"
