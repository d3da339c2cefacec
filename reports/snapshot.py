"""One consistent, read-only view of the database that does not hold up anyone's writes.

A report reads the chain, checks it and reads the numbers: all of it must describe one moment (the
head hash it prints is the head of the records it carries, and of the rows it counts). An ordinary
transaction would do that by taking the write lock, and on SQLite (``transaction_mode`` IMMEDIATE)
that lock is the whole database's: every other household's writes would wait behind a report.
``read_snapshot`` reads in a transaction that takes no write lock instead:

- SQLite: ``BEGIN DEFERRED`` (in WAL mode a read transaction sees the database as it was at its
  first read, while writers go on), with ``PRAGMA query_only`` so that nothing inside can write;
- PostgreSQL: ``REPEATABLE READ READ ONLY``, one snapshot for every statement of the transaction.

Inside a transaction someone else opened (a test case, a command), it simply reads in that one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper


@contextmanager
def read_snapshot() -> Iterator[None]:
    """Run the block in one read-only snapshot of the database, without the write lock."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # query_only is switched on before BEGIN and off after the end, so a failed statement inside
        # (which Django answers by refusing further queries until the rollback) cannot leave it on.
        with _deferred(connection), _query_only(connection), transaction.atomic():
            yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


@contextmanager
def _deferred(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Open the next SQLite transaction with BEGIN DEFERRED (no write lock) instead of the settings' mode."""
    mode = getattr(connection, "transaction_mode", None)
    connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
    try:
        yield
    finally:
        connection.transaction_mode = mode  # type: ignore[attr-defined]


@contextmanager
def _query_only(connection: BaseDatabaseWrapper) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")
