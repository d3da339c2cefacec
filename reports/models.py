"""What the reports app keeps: a row for every report generated, and the file itself by its hash."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models import Child


class GeneratedReport(models.Model):
    """One generated PDF: who made it, when, from what, and the ledger it describes.

    The file is stored by its SHA-256 (``reports.storage``) and downloaded again byte for byte, so a
    parent can later show exactly which report went to which meeting.
    """

    class Kind(models.TextChoices):
        SUMMARY = "summary", _("Meeting summary")
        EVIDENCE = "evidence", _("Evidence report")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="generated_reports")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200)
    # The choices that made it: start, end, provision ids, Bates prefix and first number, the ask.
    parameters = models.JSONField(default=dict)
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    generated_by_name = models.CharField(max_length=150)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    pages = models.PositiveIntegerField()
    bates_first = models.CharField(max_length=60, blank=True)
    bates_last = models.CharField(max_length=60, blank=True)
    ledger_head = models.CharField(_("ledger head hash at generation"), max_length=64)
    ledger_count = models.PositiveIntegerField(_("ledger records at generation"))
    render_seconds = models.FloatField(default=0)
    render_peak_kb = models.PositiveIntegerField(_("render worker's peak memory (KiB)"), default=0)

    class Meta:
        ordering = ["child_id", "-generated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.generated_at:%Y-%m-%d %H:%M}"

    @property
    def file_name(self) -> str:
        stem = "meeting-summary" if self.kind == self.Kind.SUMMARY else "evidence-report"
        start, end = self.parameters.get("start", ""), self.parameters.get("end", "")
        return f"{stem}-{start}-to-{end}-{self.sha256[:8]}.pdf"


class BatesCounter(models.Model):
    """The household's next Bates number: one counter for everything the household produces.

    Each report takes the next range (``reports.bates``), so no two documents of a household ever
    carry the same page number, whatever prefix each one uses.
    """

    household = models.OneToOneField("accounts.Household", on_delete=models.CASCADE, related_name="bates_counter")
    next_number = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"next Bates number {self.next_number}"
