"""The append-only evidence ledger and content-addressed attachments (design.md section 5).

This app sits at the bottom with accounts: it imports no other app of ours. Its link to the child
is the string "plans.Child", and apps above hand it payloads through ``evidence.ledger.append``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone

from evidence.fields import LedgerKindField, LedgerObjectTypeField, LedgerPayloadField, Sha256Field


class AppendOnlyError(RuntimeError):
    """Someone tried to change or remove a ledger record through the ORM."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(
        f"Evidence records are append-only: {what} is refused. Append a new record with evidence.ledger.append."
    )


class EvidenceRecordQuerySet(models.QuerySet["EvidenceRecord"]):
    """Reads as usual; every bulk change is refused (the database triggers refuse them too)."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("update")

    def delete(self) -> NoReturn:
        _refuse("delete")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_update")

    def _raw_delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete")


class EvidenceRecord(models.Model):
    """One link of a child's hash chain. Never updated, never deleted (triggers enforce it).

    The only deletion is a purge of a whole child's chain by ``evidence.purge`` (design.md
    section 5), which the DELETE trigger permits while a PurgeAuthorization row for the child exists.
    """

    # No index of its own: the unique (child, seq) starts with the child and serves every lookup by child.
    child = models.ForeignKey(
        "plans.Child", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    seq = models.PositiveIntegerField()
    # Read and written as text, stored as 2-byte numbers from evidence.codes (evidence/0010).
    kind = LedgerKindField()  # e.g. "log_entry.created", "log_entry.edited", "iep.created"
    object_type = LedgerObjectTypeField()  # e.g. "log_entry"
    object_id = models.CharField(max_length=64)
    event_date = models.DateField(null=True, blank=True)  # the school day the record is about
    # Canonical JSON of the object's state after the change; stored deflated (evidence.fields).
    payload = LedgerPayloadField()
    recorded_at = models.DateTimeField()
    # No index: nothing looks records up by their recorder.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    recorded_by_name = models.CharField(max_length=150)
    # Both hashes read as 64 lowercase hex characters and are stored as 32 bytes (evidence.fields).
    prev_hash = Sha256Field()
    # No index and no unique constraint (evidence/0009): every lookup by hash names the child and the
    # seq, and the hash covers both, so two records with one hash would need a SHA-256 collision or
    # one (child, seq), which the constraint below refuses (docs/verification.md).
    hash = Sha256Field()
    # The child's household, for sharding by household (docs/scaling.md): not part of the hash, set
    # by every append from the child's row, never changed (a child never moves to another household).
    household_id = models.BigIntegerField()

    objects = EvidenceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["child_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["child", "seq"], name="one_record_per_child_seq"),
        ]
        # An entry's history (logbook.services.entry_history) looks its records up by child, object type
        # and id: the id alone narrows them to a handful (ids are unique per table), in a third less
        # space than an index on (object_type, object_id). Lookups by child and type use (child, seq).
        indexes = [models.Index(fields=["object_id"], name="evidence_record_object_id")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert once; a record that exists is never saved again."""
        if not self._state.adding:
            _refuse("save() of an existing record")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete()")


class PurgeAuthorization(models.Model):
    """Permission, inside one transaction, to delete one child's ledger records.

    ``evidence.purge.purge_child_records`` inserts it, deletes the records and deletes it again, all
    in one transaction, so a committed database never holds one. The DELETE trigger on the ledger
    table checks for it; nothing ever permits UPDATE.
    """

    child_id = models.BigIntegerField(db_index=True)
    authorized_at = models.DateTimeField(default=timezone.now)
    authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"purge of child {self.child_id}"


class Attachment(models.Model):
    """A file kept by its SHA-256: photos, work samples, emails, the IEP PDF."""

    child = models.ForeignKey("plans.Child", on_delete=models.CASCADE, related_name="attachments")
    sha256 = models.CharField(max_length=64, db_index=True)
    content_type = models.CharField(max_length=80)
    size = models.PositiveBigIntegerField()
    original_name = models.CharField(max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # What the file is attached to, e.g. ("log_entry", "42"); empty for a free-standing file.
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name


class Anchor(models.Model):
    """An RFC 3161 time-stamp token over one chain head, from a time-stamping authority (TSA).

    The token is signed outside the server, so the server's own operator cannot forge it: it proves
    that the record with this hash existed no later than ``gen_time``. Verification checks that every
    anchored head is still in its chain, at its place (``evidence.verify``). The stamped message is
    the 64 ASCII characters of ``head_hash`` (docs/verification.md). Like the ledger, anchors are
    never changed; the database refuses UPDATE, and DELETE outside a purge of the child.
    """

    child = models.ForeignKey("plans.Child", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    seq = models.PositiveIntegerField()  # the anchored record's sequence number
    head_hash = models.CharField(max_length=64)
    tsa_url = models.CharField(max_length=500)
    token = models.BinaryField()  # the TSA's whole DER TimeStampResp, exactly as received
    gen_time = models.DateTimeField()  # the authority's time, read from the token
    reason = models.CharField(max_length=20)  # "daily", "report" or "manual"
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["child_id", "seq", "pk"]
        indexes = [models.Index(fields=["child", "seq"])]

    def __str__(self) -> str:
        return f"anchor of child {self.child_id} record {self.seq} at {self.gen_time:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Anchors are never changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)
