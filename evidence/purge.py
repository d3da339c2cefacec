"""Erasing a child's ledger: the one sanctioned exception to append-only (design.md section 5).

An owner may delete a child or a whole household (their right to erase their own data). The
deletion service calls ``purge_child_records`` in the same transaction as the deletion. It inserts a
PurgeAuthorization row for the child, which is the only thing the database's DELETE trigger accepts,
deletes the chain, deletes the child's attachments, and removes the authorization again before the
transaction commits. UPDATE stays impossible throughout.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from evidence.attachments import remove_unreferenced_files
from evidence.ledger import lock_chain
from evidence.models import Anchor, Attachment, EvidenceRecord, PurgeAuthorization


def _delete_records(using: str, child_id: int | None = None) -> int:
    """Delete ledger rows with raw SQL (the model refuses to); the trigger checks the authorization."""
    connection = connections[using]
    table = connection.ops.quote_name(EvidenceRecord._meta.db_table)
    with connection.cursor() as cursor:
        if child_id is None:
            cursor.execute(f"DELETE FROM {table}")
        else:
            cursor.execute(f"DELETE FROM {table} WHERE child_id = %s", [child_id])
        return max(cursor.rowcount, 0)


def purge_child_records(child_id: int, user: Any) -> int:
    """Delete every ledger record and attachment of ``child_id``; return how many records went.

    Call it from the owner's deletion of a child or household, inside that deletion's transaction
    and BEFORE deleting the Child row: deleting the child cascades to its Attachment rows, and the
    purge needs them to know which stored files to remove. ``user`` is the owner who asked; the authorization
    row names them while it exists. Stored files no other attachment uses are removed after commit.
    """
    with transaction.atomic():
        lock_chain(child_id, must_exist=False)
        authorization = PurgeAuthorization.objects.create(
            child_id=child_id, authorized_by=user if getattr(user, "is_authenticated", False) else None
        )
        count = _delete_records(DEFAULT_DB_ALIAS, child_id)
        Anchor.objects.filter(child_id=child_id).delete()
        attachments = Attachment.objects.filter(child_id=child_id)
        hashes = set(attachments.values_list("sha256", flat=True))
        attachments.delete()
        PurgeAuthorization.objects.filter(pk=authorization.pk).delete()
    transaction.on_commit(lambda: remove_unreferenced_files(hashes))
    return count


def purge_all_records(using: str = DEFAULT_DB_ALIAS) -> int:
    """Delete the whole ledger through the same authorization; for ``manage.py flush`` only.

    Flushing a database erases everything anyway; this lets it pass the DELETE and TRUNCATE triggers
    without weakening them. Returns the number of records deleted (0 when the tables don't exist).
    """
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if not {EvidenceRecord._meta.db_table, PurgeAuthorization._meta.db_table} <= tables:
        return 0
    with transaction.atomic(using=using):
        child_ids = set(EvidenceRecord.objects.using(using).values_list("child_id", flat=True).distinct())
        if Anchor._meta.db_table in tables:
            child_ids |= set(Anchor.objects.using(using).values_list("child_id", flat=True).distinct())
        PurgeAuthorization.objects.using(using).bulk_create(
            [PurgeAuthorization(child_id=child_id) for child_id in child_ids]
        )
        count = _delete_records(using)
        if Anchor._meta.db_table in tables:
            Anchor.objects.using(using).all().delete()
        PurgeAuthorization.objects.using(using).all().delete()
    return count
