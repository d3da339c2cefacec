"""logbook/0007: on PostgreSQL the log table is rewritten in padding-free column order, everything else as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from accounts.models import Household, User
from logbook.codes import STATUSES
from logbook.models import LogEntry, Status
from plans.models import Child, Iep, Provision

TEXT = ("logbook", "0005_lean_entry_indexes")
CODES = ("logbook", "0006_status_as_code")
LAID_OUT = ("logbook", "0007_lay_out_entries")
TABLE = "logbook_logentry"
# Alignment of each stored type, in the order that wastes no padding (then variable-length last).
RANK = {"d": 0, "i": 1, "s": 2, "c": 3}


def _query(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def catalogue() -> dict[str, Any]:
    """PostgreSQL: everything about the log table except its columns' order."""
    return {
        "columns": sorted(
            _query(
                "SELECT attname, format_type(atttypid, atttypmod), attnotnull, attidentity, "
                "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
                "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [TABLE],
            )
        ),
        "constraints": sorted(
            _query(
                "SELECT conname, contype, pg_get_constraintdef(oid), condeferrable, condeferred "
                "FROM pg_constraint WHERE conrelid = %s::regclass",
                [TABLE],
            )
        ),
        "pointing here": sorted(
            _query(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE confrelid = %s::regclass", [TABLE]
            )
        ),
        "indexes": sorted(_query("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [TABLE])),
        # Internal triggers carry their OID in their names: compare what they do and for which constraint.
        "triggers": sorted(
            _query(
                "SELECT COALESCE(c.conname, t.tgname), t.tgfoid::regproc::text, t.tgtype, t.tgenabled, t.tgisinternal "
                "FROM pg_trigger t LEFT JOIN pg_constraint c ON c.oid = t.tgconstraint "
                "WHERE t.tgrelid = %s::regclass OR c.conrelid = %s::regclass",
                [TABLE, TABLE],
            )
        ),
        "sequence": _query("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE]),
    }


def column_layout() -> list[tuple[str, int, str, bool]]:
    """(name, stored length or -1, alignment, dropped) of every column PostgreSQL keeps, in row order."""
    return _query(
        "SELECT attname, typlen, typalign, attisdropped FROM pg_attribute a LEFT JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE attrelid = %s::regclass AND attnum > 0 ORDER BY attnum",
        [TABLE],
    )


def _migrate(target: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate([target])


class EntryLayoutMigrationTests(TransactionTestCase):
    def setUp(self) -> None:
        self.alice = User.objects.create_user(email="alice@example.com", password=None, display_name="Alice Rivera")
        self.maya = Child.objects.create(household=Household.objects.create(name="Rivera"), name="Maya")
        iep = Iep.objects.create(child=self.maya, effective_from=date(2026, 9, 1))
        self.provision = Provision.objects.create(
            iep=iep, position=1, kind=Provision.Kind.ACCOMMODATION, label="Extended time", wording="Extended time."
        )
        # Through 0006 from the text column, as an upgrade goes: the table as 0006 leaves it.
        _migrate(TEXT)
        _migrate(CODES)
        for n in range(12):
            status = STATUSES[n % len(STATUSES)]
            LogEntry.objects.create(
                child=self.maya,
                date=date(2026, 9, 1) + timedelta(days=n),
                provision=self.provision,
                is_makeup=n == 7,
                status=status,
                minutes_delivered=15 if status == Status.PARTIAL else None,
                miss_reason="provider_absent" if status == Status.MISSED else "",
                note="Sub — 日本語 🙂" if n == 3 else "",
                created_by=self.alice,
                updated_by=self.alice if n % 2 else None,
                recording_lag_days=n,
                retracted_at=datetime(2026, 9, 20, 12, tzinfo=UTC) if n == 4 else None,
                retracted_by=self.alice if n == 4 else None,
                retraction_reason="Wrong day" if n == 4 else "",
                device_time=datetime(2026, 9, 1, 15, 30, tzinfo=UTC) if n == 5 else None,
                version=n + 1,
            )
        LogEntry.objects.filter(date=date(2026, 9, 1)).delete()  # a gap in the ids, kept by the copy

    def tearDown(self) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes("logbook"))

    def entries(self) -> list[dict[str, Any]]:
        return [dict(row) for row in LogEntry.objects.order_by("id").values()]

    def test_every_entry_reads_back_the_same_after_it_and_back(self) -> None:
        before = self.entries()
        assert len(before) == 11
        _migrate(LAID_OUT)
        assert self.entries() == before
        _migrate(CODES)
        assert self.entries() == before
        _migrate(LAID_OUT)
        assert self.entries() == before

    def test_new_entries_get_new_ids_and_the_constraints_still_hold(self) -> None:
        _migrate(LAID_OUT)
        last = LogEntry.objects.order_by("id").last()
        assert last is not None
        entry = LogEntry.objects.create(
            child=self.maya, date=date(2026, 10, 1), provision=self.provision, status=Status.DELIVERED
        )
        assert entry.pk > last.pk
        with pytest.raises(IntegrityError), transaction.atomic():
            LogEntry.objects.create(child=self.maya, date=date(2026, 10, 1), provision=self.provision, status="missed")
        with pytest.raises(IntegrityError), transaction.atomic():
            LogEntry.objects.filter(pk=entry.pk).update(provision_id=10**9)
        with pytest.raises(IntegrityError), transaction.atomic():
            LogEntry.objects.filter(pk=entry.pk).update(version=-1)
        self.alice.delete()  # SET NULL on created_by, updated_by and retracted_by, through the partial index
        assert not LogEntry.objects.filter(retracted_by__isnull=False).exists()

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite stores no padding")
    def test_postgresql_keeps_everything_but_the_column_order(self) -> None:
        before = catalogue()
        layout = column_layout()
        assert any(dropped for *_, dropped in layout), "0006 leaves its dropped text column in the rows"
        _migrate(LAID_OUT)
        assert catalogue() == before
        after = column_layout()
        assert not any(dropped for *_, dropped in after)
        ranks = [(length == -1, RANK[align] if length != -1 else 9) for _name, length, align, _dropped in after]
        assert ranks == sorted(ranks), after
        assert [name for name, *_ in after][:1] == ["id"]
        # Guard against comparing nothing: 6 indexes; 5 foreign keys, each with 2 triggers here and 2 on its table.
        assert len(catalogue()["indexes"]) == 6 and len(before["triggers"]) == 20
