"""``manage.py flush`` that empties the append-only ledger through its purge path first.

Django's flush deletes every table's rows (SQLite: DELETE, PostgreSQL: TRUNCATE). The ledger's
triggers refuse both while records exist, unless the child's purge is authorized. This override
(an app's command of the same name takes precedence over Django's) first purges the whole ledger
with ``evidence.purge.purge_all_records``, then runs Django's flush, all in one transaction. It is
what lets TransactionTestCase, pytest-django's ``transactional_db`` and ``live_server`` tear down.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from evidence.purge import purge_all_records


class Command(flush.Command):
    help = flush.Command.help + " The evidence ledger is emptied through its purge path first."

    def handle(self, **options: Any) -> None:
        database = options["database"]
        if options["interactive"]:
            name = connections[database].settings_dict["NAME"]
            confirm = input(
                f'This will IRREVERSIBLY DESTROY all data in the "{name}" database, the evidence ledger '
                "included.\nType 'yes' to continue, or 'no' to cancel: "
            )
            if confirm != "yes":
                self.stdout.write("Flush cancelled.")
                return
        with transaction.atomic(using=database):
            purge_all_records(using=database)
            super().handle(**{**options, "interactive": False})
