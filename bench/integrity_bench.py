"""Integrity benchmark (issue 8): verification with file re-hashing and anchors, a 5-year import, memory.

    .venv/bin/python bench/integrity_bench.py                  # demo family + 5-year household
    .venv/bin/python bench/integrity_bench.py --big-gb 1       # also: peak memory importing a 1 GB archive
    .venv/bin/python bench/integrity_bench.py --big-gb 1 --big-only

Everything runs in a scratch data directory (SQLite database, attachments, reports) made and removed
here. It prints:

1. the demo family of ``seed_demo`` with 30 RFC 3161 anchors per chain from a local ``openssl ts``
   authority (a month of daily anchors): ``verify_all`` with every check, and without files/anchors;
2. a household with one child and 5 school years of logs (``tests.reports_support.build_demo_child``):
   export, import (every check), and the time to verify the imported chain;
3. with ``--big-gb``: an archive of that many GB of PDFs (64 MB each) is imported by
   ``import_household`` in a child process, whose peak RSS (VmHWM) is compared with a child process
   that only starts Django, and with an archive a tenth the size.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(tempfile.mkdtemp(prefix="iepright-integrity-bench-"))
os.environ["IEPRIGHT_DATA_DIR"] = str(SCRATCH / "data")
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'data' / 'bench.sqlite3'}"
os.environ["DJANGO_SETTINGS_MODULE"] = "iepright.test_settings"
sys.path.insert(0, str(ROOT))
(SCRATCH / "data").mkdir()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import override_settings  # noqa: E402

CHILD_RSS = """
import os, sys
sys.path.insert(0, {root!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "iepright.test_settings"
import django
django.setup()
from django.conf import settings
settings.IMPORT_MAX_MEMBER_BYTES = 128 * 1024 * 1024
if len(sys.argv) > 1:
    from reports.household import import_household
    import_household(sys.argv[1])
# VmHWM: this process's own peak (ru_maxrss would carry the forking parent's over from before exec).
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


def seconds(start: float) -> str:
    return f"{time.perf_counter() - start:.2f} s"


def demo_family() -> None:
    from evidence.models import Anchor, Attachment
    from evidence.timestamps import anchor_head
    from evidence.verify import all_child_ids, verify_all
    from tests.tsa import LocalTsa

    call_command("seed_demo", stdout=io.StringIO())
    with LocalTsa() as tsa, override_settings(TSA_URL=tsa.url, TSA_CA_FILE=tsa.ca_file):
        for child_id in all_child_ids():
            for _ in range(30):
                anchor_head(child_id, reason="daily")
        start = time.perf_counter()
        reports = verify_all()
        full = seconds(start)
    assert all(r.ok for r in reports), [str(r.problem) for r in reports if r.problem]
    records = sum(r.record_count for r in reports)
    files = sum(r.files_checked for r in reports)
    size = sum(r.bytes_hashed for r in reports)
    start = time.perf_counter()
    from evidence.verify import verify_child

    for child_id in all_child_ids():
        verify_child(child_id, check_files=False, check_anchors=False)
    print(
        f"demo family: {len(reports)} chains, {records} records, {files} files ({size:,} bytes), "
        f"{Anchor.objects.count()} anchors, {Attachment.objects.count()} attachment rows"
    )
    print(f"  verify_all, every check (files re-hashed, anchors' signatures): {full}")
    print(f"  verify_child without files and anchors: {seconds(start)}")


def five_years() -> None:
    from accounts.models import Household, Membership, Role, User
    from evidence.verify import verify_child
    from reports import household as hh
    from tests.reports_support import build_demo_child
    from tests.test_household_export import wipe

    owner = User.objects.create_user(email="five@example.com", password="long enough password")
    home = Household.objects.create(name="Five years")
    Membership.objects.create(user=owner, household=home, role=Role.OWNER)
    child = build_demo_child(home, owner, name="Ava Five", first_year=2021, years=5)
    records = verify_child(child.pk).record_count
    path = SCRATCH / "five.zip"
    start = time.perf_counter()
    with path.open("wb") as out:
        hh.export_household(home, out)
    print(f"5-year household: {records} ledger records, archive {path.stat().st_size / 1e6:.1f} MB")
    print(f"  export: {seconds(start)}")
    wipe(home, [owner.email])
    start = time.perf_counter()
    hh.import_household(str(path))
    print(f"  import (archive checked whole, chain verified in memory and again with current rows): {seconds(start)}")
    start = time.perf_counter()
    report = verify_child(child.pk)
    assert report.ok, report.problem
    print(f"  verify_child after the import: {seconds(start)}")


def big_archive(gigabytes: float) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import Household, Membership, Role, User
    from evidence.attachments import store_attachment
    from plans.models import Child
    from reports import household as hh
    from tests.test_household_export import wipe

    def child_rss(*args: str) -> int:
        code = CHILD_RSS.format(root=str(ROOT))
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
        return int(done.stdout.strip().splitlines()[-1])

    baseline = child_rss()
    print(f"memory: a process that only starts Django peaks at {baseline / 1024:.0f} MB RSS")
    piece = 64 * 1024 * 1024
    for size in (gigabytes / 10, gigabytes):
        owner = User.objects.create_user(email=f"big{size}@example.com", password="long enough password")
        home = Household.objects.create(name="Big")
        Membership.objects.create(user=owner, household=home, role=Role.OWNER)
        child = Child.objects.create(household=home, name="Big files")
        with override_settings(ATTACHMENT_MAX_BYTES=piece + 1024):
            for n in range(max(1, int(size * 1024**3 / piece))):
                body = b"%PDF-1.4\n" + os.urandom(piece - 9)
                store_attachment(child_id=child.pk, uploaded_file=SimpleUploadedFile(f"{n}.pdf", body), user=owner)
                del body
        path = SCRATCH / "big.zip"
        with path.open("wb") as out:
            hh.export_household(home, out)
        wipe(home, [owner.email])
        start = time.perf_counter()
        peak = child_rss(str(path))
        print(
            f"  import of a {path.stat().st_size / 1e9:.2f} GB archive: peak RSS {peak / 1024:.0f} MB "
            f"({(peak - baseline) / 1024:+.0f} MB over the baseline), {seconds(start)}"
        )
        path.unlink()
        for folder in ("attachments",):
            shutil.rmtree(SCRATCH / "data" / folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big-gb", type=float, default=0)
    parser.add_argument("--big-only", action="store_true", help="Only the memory measure.")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if not options.big_only:
        demo_family()
        five_years()
    if options.big_gb:
        big_archive(options.big_gb)
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
