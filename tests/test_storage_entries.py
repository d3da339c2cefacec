"""Storage of log entries (issue 17): the indexes logbook/0005 keeps, drops and narrows, and the migration."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from accounts.models import Household, User
from logbook import services
from logbook.models import LogEntry, Status
from plans.models import Child, Iep, Provision
from tests.base import BaseTestCase

BEFORE = ("logbook", "0004_log_entry_device_time")
LEAN = ("logbook", "0005_lean_entry_indexes")


def entry_indexes() -> dict[tuple[str, ...], Any]:
    """The log table's indexes and unique constraints by their columns."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "logbook_logentry")
    return {
        tuple(info["columns"]): info
        for name, info in constraints.items()
        if (info["index"] or info["unique"]) and not info["primary_key"]
    }


class EntryIndexTests(BaseTestCase):
    def log_a_miss(self, client_id: uuid.UUID | None = None) -> LogEntry:
        return services.record_entry(
            self.child,
            date(2026, 10, 6),
            self.extended_time,
            status=Status.MISSED,
            user=self.alice,
            client_id=client_id or uuid.uuid4(),
        )

    def test_one_entry_per_slot_is_still_unique_and_serves_the_lookups_by_child_and_date(self) -> None:
        indexes = entry_indexes()
        assert indexes[("child_id", "date", "provision_id", "is_makeup")]["unique"]
        assert ("child_id", "date") not in indexes and ("child_id",) not in indexes

    def test_the_client_id_has_no_index_and_retracted_by_only_a_partial_one(self) -> None:
        indexes = entry_indexes()
        assert ("client_id",) not in indexes
        assert ("retracted_by_id",) in indexes
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'logentry_retracted_by_set'")
            else:
                cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'logentry_retracted_by_set'")
            (definition,) = cursor.fetchone()
        assert "retracted_by_id" in definition and "IS NOT NULL" in definition.upper()

    def test_a_retried_save_still_makes_no_second_entry_nor_record(self) -> None:
        """Given a save, when the phone sends it again with the same id, then the first entry comes back."""
        client_id = uuid.uuid4()
        first = self.log_a_miss(client_id)
        records = self.new_records().count()
        again = self.log_a_miss(client_id)
        assert again.pk == first.pk
        assert LogEntry.objects.filter(child=self.child).count() == 1
        assert self.new_records().count() == records

    def test_a_second_entry_for_the_same_slot_is_refused_by_the_database(self) -> None:
        self.log_a_miss()
        with pytest.raises(IntegrityError), transaction.atomic():
            LogEntry.objects.create(
                child=self.child, date=date(2026, 10, 6), provision=self.extended_time, status=Status.DELIVERED
            )

    def test_deleting_a_user_clears_the_entries_they_withdrew(self) -> None:
        entry = self.log_a_miss()
        services.retract_entry(entry, self.bob, "Logged the wrong day")
        assert LogEntry.objects.get(pk=entry.pk).retracted_by_id == self.bob.pk
        self.bob.delete()
        entry.refresh_from_db()
        assert entry.retracted_by_id is None and entry.retracted_at is not None


def _migrate(target: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate([target])


class LeanEntryIndexMigrationTests(TransactionTestCase):
    """logbook/0005 changes indexes only: every entry reads back the same, forwards and backwards."""

    def setUp(self) -> None:
        self.alice = User.objects.create_user(email="alice@example.com", password=None, display_name="Alice Rivera")
        home = Household.objects.create(name="Rivera")
        self.maya = Child.objects.create(household=home, name="Maya")
        iep = Iep.objects.create(child=self.maya, effective_from=date(2026, 9, 1))
        self.provision = Provision.objects.create(
            iep=iep, position=1, kind=Provision.Kind.ACCOMMODATION, label="Extended time", wording="Extended time."
        )

    def tearDown(self) -> None:
        # Leave the database at the latest schema whatever happened (0005 was the latest when this was written).
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes("logbook"))

    def entries(self) -> list[tuple[object, ...]]:
        return list(
            LogEntry.objects.order_by("date").values_list("date", "status", "client_id", "retracted_by_id", "note")
        )

    def test_entries_read_back_the_same_after_the_migration_and_back(self) -> None:
        _migrate(BEFORE)
        # Written as the app wrote them then (the model at 0004: the status as its word, logbook/0006).
        Entry = MigrationExecutor(connection).loader.project_state([BEFORE]).apps.get_model("logbook", "LogEntry")
        shared = uuid.uuid4()
        for day, retracted_by in ((date(2026, 9, 1), None), (date(2026, 9, 2), self.alice)):
            Entry.objects.create(
                child_id=self.maya.pk,
                date=day,
                provision_id=self.provision.pk,
                status=Status.MISSED,
                note="Sub — 日本語 🙂",
                client_id=uuid.uuid5(shared, day.isoformat()),
                retracted_by_id=retracted_by.pk if retracted_by else None,
            )
        before = self.entries()
        _migrate(LEAN)
        assert self.entries() == before
        assert ("client_id",) not in entry_indexes()
        _migrate(BEFORE)
        assert self.entries() == before
        assert entry_indexes()[("client_id",)]["unique"] and ("child_id", "date") in entry_indexes()
