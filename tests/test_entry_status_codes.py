"""A log entry's status stored as a number and read as its word (logbook.codes, logbook/0006)."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count
from django.test import TransactionTestCase
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Household, User
from api.api import api
from evidence.verify import verify_child
from logbook import services
from logbook.codes import STATUSES
from logbook.fields import EntryStatusField
from logbook.models import LogEntry, Status
from plans.models import Child, Iep, Provision
from reports import household as hh
from tests.base import BaseTestCase
from tests.test_household_import_attacks import ArchiveTestCase, craft, put, rows

# The words shipped so far, pinned: (count, SHA-256 of the words joined by newlines). An entry written
# with a number must read back the same word forever, so this never changes; new words go at the end
# (then add a pin for the longer prefix, keep this one).
SHIPPED = (5, "630acb52c04196f154999f4caedf1fef18c6cde948623c2935ae987fbb956006")
BEFORE = ("logbook", "0005_lean_entry_indexes")
CODES = ("logbook", "0006_status_as_code")


def stored_statuses(child: Child) -> list[Any]:
    """The status column as the database holds it, in date order."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM logbook_logentry WHERE child_id = %s ORDER BY date, id", [child.pk])
        return [value for (value,) in cursor.fetchall()]


def _migrate(target: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate([target])


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("logbook"))


@given(st.sampled_from(STATUSES))
def test_a_word_of_the_table_goes_to_its_number_and_back(word: str) -> None:
    field = LogEntry._meta.get_field("status")
    number = field.get_prep_value(word)
    assert number == STATUSES.index(word) + 1 and isinstance(number, int)
    assert field.from_db_value(number, None, connection) == word


@given(st.text(max_size=30).filter(lambda text: text not in STATUSES))
def test_any_other_text_is_refused_at_write(text: str) -> None:
    field = EntryStatusField()
    with pytest.raises(ValueError, match=r"logbook\.codes"):
        field.get_prep_value(text)
    with pytest.raises(ValidationError):
        field.to_python(text)


class StatusTableTests(BaseTestCase):
    def test_the_shipped_words_never_change(self) -> None:
        count, digest = SHIPPED
        assert hashlib.sha256("\n".join(STATUSES[:count]).encode()).hexdigest() == digest
        assert len(set(STATUSES)) == len(STATUSES)

    def test_every_status_is_in_the_table(self) -> None:
        assert set(Status.values) <= set(STATUSES)


class StatusStorageTests(BaseTestCase):
    def log_every_status(self) -> dict[str, LogEntry]:
        """One entry for each status on the speech provision, a day apart (minutes where a status needs them)."""
        entries = {}
        for n, status in enumerate(Status.values):
            entries[status] = services.record_entry(
                self.child,
                date(2026, 10, 5) + timedelta(days=n),
                self.speech,
                status=status,
                user=self.alice,
                client_id=uuid.uuid4(),
                minutes_delivered=20 if status == Status.PARTIAL else None,
            )
        return entries

    def test_every_status_is_stored_as_its_number_and_reads_back_as_its_word(self) -> None:
        entries = self.log_every_status()
        assert stored_statuses(self.child) == [STATUSES.index(status) + 1 for status in Status.values]
        for status, entry in entries.items():
            again = LogEntry.objects.get(pk=entry.pk)
            assert again.status == status and isinstance(again.status, str)
            assert again.get_status_display() == Status(status).label
        assert verify_child(self.child.pk).ok

    def test_filters_values_and_groups_give_the_words(self) -> None:
        entries = self.log_every_status()
        mine = LogEntry.objects.filter(child=self.child)
        for status, entry in entries.items():
            assert list(mine.filter(status=status).values_list("pk", flat=True)) == [entry.pk]
        misses = mine.filter(status__in=[Status.MISSED, Status.PARTIAL]).values_list("pk", flat=True)
        assert set(misses) == {entries[Status.MISSED].pk, entries[Status.PARTIAL].pk}
        assert mine.exclude(status=Status.DELIVERED).count() == len(Status.values) - 1
        assert sorted(mine.values_list("status", flat=True)) == sorted(Status.values)
        assert {row["status"] for row in mine.values("status")} == set(Status.values)
        grouped = dict(mine.values_list("status").annotate(n=Count("pk")))
        assert grouped == dict.fromkeys(Status.values, 1)

    def test_an_unknown_status_fails_at_write_and_writes_nothing(self) -> None:
        before = LogEntry.objects.count()
        message = r"'whispered' is not in the log's table of statuses \(logbook\.codes\)"
        with pytest.raises(ValueError, match=message), transaction.atomic():
            LogEntry.objects.create(child=self.child, date=date(2026, 10, 5), provision=self.speech, status="whispered")
        with pytest.raises(ValueError, match=r"logbook\.codes"):
            LogEntry.objects.filter(status="whispered").exists()
        assert LogEntry.objects.count() == before
        with pytest.raises(ValidationError):
            LogEntry(child=self.child, date=date(2026, 10, 5), provision=self.speech, status="whispered").full_clean()

    def test_a_number_outside_the_table_is_named_by_verification(self) -> None:
        """Given an entry whose status was set to a number no word has (outside the app), then it reads as
        no status, and verification says the entry does not match its ledger record."""
        entry = self.log_every_status()[Status.MISSED]
        with connection.cursor() as cursor:
            cursor.execute("UPDATE logbook_logentry SET status = 99 WHERE id = %s", [entry.pk])
        assert LogEntry.objects.get(pk=entry.pk).status == "<unknown code 99>"
        assert verify_child(self.child.pk).problem is not None

    def test_the_api_still_describes_the_status_as_a_string(self) -> None:
        schemas = api.get_openapi_schema()["components"]["schemas"]
        for name in ("EntryIn", "EntryOut"):
            assert schemas[name]["properties"]["status"] == {"title": "Status", "type": "string"}


class StatusArchiveTests(ArchiveTestCase):
    def test_the_archive_keeps_the_words_and_imports_them_as_they_were(self) -> None:
        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            assert {row["status"] for row in rows(files, "records/log_entries.json")} == {Status.MISSED}

        hh.import_household(io.BytesIO(craft(self.data, edit, fix_manifest=False)))
        assert LogEntry.objects.get(pk=self.entry.pk).status == Status.MISSED

    def test_an_entry_with_a_status_this_server_does_not_know_is_refused(self) -> None:
        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            entries = rows(files, "records/log_entries.json")
            entries[0]["status"] = "whispered"
            put(files, "records/log_entries.json", entries)

        self.refused(craft(self.data, edit), "is not in the log's table of statuses (logbook.codes)")


class StatusMigrationTests(TransactionTestCase):
    """logbook/0006: every entry reads back the same word after it, and back; an unknown word stops it."""

    def setUp(self) -> None:
        alice = User.objects.create_user(email="alice@example.com", password=None, display_name="Alice Rivera")
        self.maya = Child.objects.create(household=Household.objects.create(name="Rivera"), name="Maya")
        iep = Iep.objects.create(child=self.maya, effective_from=date(2026, 9, 1))
        self.provision = Provision.objects.create(
            iep=iep, position=1, kind=Provision.Kind.ACCOMMODATION, label="Extended time", wording="Extended time."
        )
        _migrate(BEFORE)
        Entry = MigrationExecutor(connection).loader.project_state([BEFORE]).apps.get_model("logbook", "LogEntry")
        # Every word, twice, in an order that is neither the table's nor the alphabet's, one withdrawn.
        words = [*reversed(STATUSES), *STATUSES]
        for n, word in enumerate(words):
            Entry.objects.create(
                child_id=self.maya.pk,
                date=date(2026, 9, 1) + timedelta(days=n),
                provision_id=self.provision.pk,
                status=word,
                note="Sub — 日本語 🙂" if n == 3 else "",
                retracted_by_id=alice.pk if n == 4 else None,
            )
        self.words = words

    def tearDown(self) -> None:
        _migrate_to_latest()

    def columns(self) -> list[tuple[Any, ...]]:
        return list(
            LogEntry.objects.filter(child=self.maya)
            .order_by("date")
            .values_list("id", "date", "status", "client_id", "note", "retracted_by_id", "version")
        )

    def test_entries_read_back_the_same_words_after_it_and_back(self) -> None:
        assert stored_statuses(self.maya) == self.words
        _migrate(CODES)
        assert stored_statuses(self.maya) == [STATUSES.index(word) + 1 for word in self.words]
        after = self.columns()
        assert [row[2] for row in after] == self.words
        _migrate(BEFORE)
        assert stored_statuses(self.maya) == self.words
        _migrate(CODES)
        assert self.columns() == after
        assert list(LogEntry.objects.filter(child=self.maya, status=Status.MISSED).values_list("date", flat=True)) == [
            date(2026, 9, 3),
            date(2026, 9, 8),
        ]

    def test_a_word_missing_from_the_table_stops_it_and_changes_nothing(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE logbook_logentry SET status = 'whispered' WHERE date = %s", [date(2026, 9, 2)])
        with pytest.raises(RuntimeError, match=r"'whispered' \(entry \d+: child \d+, 2026-09-02"):
            _migrate(CODES)
        assert stored_statuses(self.maya) == [*self.words[:1], "whispered", *self.words[2:]]
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM logbook_logentry WHERE status = 'whispered'")  # so that tearDown can migrate
