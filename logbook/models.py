"""The daily log: the current state of what happened, one row per child, day, provision and session.

Every change goes through ``logbook.services`` which also appends to the evidence ledger in the
same transaction; these tables are the current state, the ledger is the history.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from logbook.fields import EntryStatusField
from plans.models import Child, Provision


class Status(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    PARTIAL = "partial", _("Partly")
    MISSED = "missed", _("Missed")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    UNKNOWN = "unknown", _("Don't know")


class MissReason(models.TextChoices):
    # School-caused (design.md section 6): these count against the school.
    PROVIDER_ABSENT = "provider_absent", _("Provider or staff absent")
    CANCELLED_BY_SCHOOL = "cancelled_by_school", _("Cancelled by the school")
    STAFF_SHORTAGE = "staff_shortage", _("Staff shortage")
    SCHEDULING = "scheduling", _("Scheduling conflict")
    NO_TRANSPORT = "no_transport", _("No transport")
    SUBSTITUTE = "substitute", _("Substitute did not know or did not follow the IEP")
    UNKNOWN = "unknown", _("Reason not known")
    # Not the school's doing.
    STUDENT_ABSENT = "student_absent", _("Child was absent or left early")
    SCHOOL_CLOSED = "school_closed", _("School closed")
    PARENT_REQUEST = "parent_request", _("Parent asked to skip it")


SCHOOL_CAUSED_REASONS = frozenset(
    {
        MissReason.PROVIDER_ABSENT,
        MissReason.CANCELLED_BY_SCHOOL,
        MissReason.STAFF_SHORTAGE,
        MissReason.SCHEDULING,
        MissReason.NO_TRANSPORT,
        MissReason.SUBSTITUTE,
        MissReason.UNKNOWN,
    }
)


class Source(models.TextChoices):
    CHILD_SAID = "child_said", _("My child told me")
    TEACHER_SAID = "teacher_said", _("A teacher or staff member told me")
    SAW_IT = "saw_it", _("I saw it myself")
    SCHOOL_RECORD = "school_record", _("A school record (log, email, report)")
    WORK_SAMPLE = "work_sample", _("A work sample")


DEFAULT_DAY_TAGS = ["substitute", "test day", "field trip", "early release"]


class LogEntryQuerySet(models.QuerySet["LogEntry"]):
    def counted(self) -> LogEntryQuerySet:
        """Entries that count in statistics: everything except withdrawn (retracted) entries."""
        return self.filter(retracted_at__isnull=True)


class LogEntry(models.Model):
    """What happened with one provision on one day (or one make-up session)."""

    # No index of its own: the unique (child, date, provision, is_makeup) starts with the child and the
    # date, and serves every lookup by child and by child and dates (docs/benchmarks.md, "Storage").
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="log_entries", db_index=False)
    date = models.DateField()
    provision = models.ForeignKey(Provision, on_delete=models.PROTECT, related_name="log_entries")
    is_makeup = models.BooleanField(_("make-up session"), default=False)
    # Stored as a 2-byte number (logbook.codes), read and written as the word: filter with = or __in only.
    status = EntryStatusField(choices=Status.choices)
    minutes_delivered = models.PositiveIntegerField(null=True, blank=True)
    miss_reason = models.CharField(max_length=24, choices=MissReason.choices, blank=True)
    source = models.CharField(_("how you know"), max_length=16, choices=Source.choices, blank=True)
    reported_by = models.CharField(_("who said so"), max_length=120, blank=True)
    note = models.TextField(blank=True)
    # The client-generated id of the write that created the entry. Not unique and not indexed: nothing
    # looks an entry up by it. A retried write is recognised by its WriteReceipt (whose primary key is
    # the id), and one entry per slot is the unique constraint below.
    client_id = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Days between the school day and when it was first recorded: same-day records weigh more.
    recording_lag_days = models.IntegerField(default=0)
    retracted_at = models.DateTimeField(null=True, blank=True)
    # Indexed only where set (Meta.indexes): almost every entry has none, and deleting a user
    # (SET NULL) looks up the few that name them.
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    retraction_reason = models.CharField(max_length=300, blank=True)
    # Why the latest change was made (asked for when a past day's entry changes); the ledger keeps
    # every earlier reason with its version.
    edit_reason = models.CharField(max_length=300, blank=True)
    # When the latest change was tapped, as the phone's clock says (an offline save reaches the server
    # later: the ledger record's recorded_at is when the server received it). None when not sent.
    device_time = models.DateTimeField(null=True, blank=True)
    # Counts the changes (1 when created): every edit names the version it was made from, and a save
    # made from an older one is refused instead of silently overwriting (logbook.services.EditConflict).
    # Not in the ledger payload: the ledger's record count per entry already says the same.
    version = models.PositiveIntegerField(default=1)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["child_id", "date", "provision_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "date", "provision", "is_makeup"], name="one_entry_per_child_day_provision_session"
            )
        ]
        indexes = [
            models.Index(
                fields=["retracted_by"],
                condition=models.Q(retracted_by__isnull=False),
                name="logentry_retracted_by_set",
            )
        ]
        verbose_name_plural = _("log entries")

    def __str__(self) -> str:
        return f"{self.date} {self.provision}: {self.status}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    @property
    def is_school_caused_miss(self) -> bool:
        return self.status in (Status.MISSED, Status.PARTIAL) and self.miss_reason in SCHOOL_CAUSED_REASONS


class DayNote(models.Model):
    """The day as a whole: tags such as "substitute" and a free note."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="day_notes")
    date = models.DateField()
    tags = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    client_id = models.UUIDField(default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["child_id", "date"]
        constraints = [models.UniqueConstraint(fields=["child", "date"], name="one_day_note_per_child_day")]

    def __str__(self) -> str:
        return f"{self.child} {self.date}"


class WriteReceipt(models.Model):
    """One row per client-generated write id the server has applied.

    A phone that retries a save (flaky network, the offline queue) sends the same ``client_id``;
    finding it here returns the earlier result instead of applying the write a second time, even
    when a newer write has changed the object since.
    """

    client_id = models.UUIDField(primary_key=True)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    object_type = models.CharField(max_length=40)  # "log_entry", "day_note", "log_day"
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.client_id} -> {self.object_type}:{self.object_id}"
