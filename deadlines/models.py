"""Dated events that start a legal clock (a records request sent, a complaint filed, a meeting set).

``DeadlineEvent`` is the current state; every create, edit and retraction appends a ledger record
through ``deadlines.services`` in the same transaction, so its history stays provable and an edit keeps
the old version in the ledger. A retracted event stays as a row (``retracted_at``) and counts for no
deadline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deadlines.rules import EVENT_KINDS


class DeadlineEvent(models.Model):
    child = models.ForeignKey("plans.Child", on_delete=models.CASCADE, related_name="deadline_events")
    kind = models.CharField(_("what happened"), max_length=40, choices=EVENT_KINDS)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Where the event came from: "entered by a parent", "letter sent", "communication"...
    source = models.CharField(max_length=80, blank=True, default="")
    # An optional object the event came from, named by its ledger object type and id (e.g. "letter", 12).
    source_type = models.CharField(max_length=40, blank=True, default="")
    source_id = models.CharField(max_length=40, blank=True, default="")
    retracted_at = models.DateTimeField(null=True, blank=True)
    retraction_reason = models.CharField(max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child_id", "-date", "-pk"]
        indexes = [models.Index(fields=["child", "date"], name="deadline_event_child_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None


DISABILITY_CHOICES = [
    ("", _("Not given")),
    ("intellectual_disability", _("Intellectual disability")),
    ("other", _("Another disability category")),
]


class DeadlineSettings(models.Model):
    """What some state rules depend on: the child's disability category (Pennsylvania reevaluations)."""

    child = models.OneToOneField("plans.Child", on_delete=models.CASCADE, related_name="deadline_settings")
    disability = models.CharField(_("disability category"), max_length=40, choices=DISABILITY_CHOICES, blank=True)

    def __str__(self) -> str:
        return f"Deadline settings of child {self.child_id}"
