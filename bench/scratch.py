"""The throw-away database every bench runs in (like a test database, never the one in data/)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_database(name: str) -> Iterator[Path]:
    """Create a database for this bench (a SQLite file in a new scratch folder, or the PostgreSQL
    database ``bench_<name>_iepright``), yield the scratch folder for its files, then drop it.

    Django must be set up already; test settings are applied (in-memory email, fast hashing).
    """
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    folder = Path(tempfile.mkdtemp(prefix=f"iepright-{name}-"))
    test = connection.settings_dict.setdefault("TEST", {})
    test["NAME"] = str(folder / "bench.sqlite3") if connection.vendor == "sqlite" else f"bench_{name}_iepright"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield folder
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
