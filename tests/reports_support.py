"""Helpers for the reports tests: log entries written with their ledger records, files in temp dirs."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from accounts.models import User
from evidence.attachments import store_attachment
from evidence.models import Attachment
from logbook.models import LogEntry
from logbook.services import attach_files, record_entry
from plans.models import Child, Provision


def log(
    child: Child,
    provision: Provision,
    day: date,
    status: str,
    user: User,
    *,
    minutes: int | None = None,
    reason: str = "",
    source: str = "",
    reported_by: str = "",
    note: str = "",
    makeup: bool = False,
) -> LogEntry:
    """A log entry recorded as the app records it (``logbook.services.record_entry``, with its ledger record)."""
    return record_entry(
        child,
        day,
        provision,
        status=status,
        user=user,
        client_id=uuid.uuid4(),
        minutes_delivered=minutes,
        is_makeup=makeup,
        miss_reason=reason,
        source=source,
        reported_by=reported_by,
        note=note,
    )


def attach(child: Child, user: User, name: str, content: bytes, entry: LogEntry | None = None) -> Attachment:
    """A file stored by its hash and linked to ``entry``, as the Today screen does."""
    upload = SimpleUploadedFile(name, content, content_type="text/plain")
    if entry is not None:
        return attach_files(entry, [upload], user)[0]
    return store_attachment(child_id=child.pk, uploaded_file=upload, user=user)


def stored_report(child: Child, user: User, content: bytes = b"%PDF-1.7 a stored report") -> Any:
    """A GeneratedReport row with its file stored under REPORT_ROOT and its "report.generated" ledger
    record, as ``reports.services.generate_report`` writes them (no rendering)."""
    from django.utils import timezone

    from evidence.ledger import append
    from reports.ledger_copy import ledger_head
    from reports.models import GeneratedReport
    from reports.services import report_payload
    from reports.storage import store_report

    head, count = ledger_head(child)
    report = GeneratedReport.objects.create(
        child=child,
        kind=GeneratedReport.Kind.SUMMARY,
        title=f"Meeting summary: IEP delivery for {child.name}",
        parameters={"start": "2026-09-01", "end": "2026-09-30"},
        generated_at=timezone.now(),
        generated_by=user,
        generated_by_name=user.name,
        sha256=store_report(content),
        size=len(content),
        pages=1,
        ledger_head=head,
        ledger_count=count,
    )
    append(
        child_id=child.pk,
        kind="report.generated",
        object_type="report",
        object_id=report.pk,
        payload=report_payload(report),
        user=user,
    )
    return report


class TempFiles:
    """A mixin giving each test class its own ATTACHMENT_ROOT and REPORT_ROOT."""

    _temp_dir: str
    _settings: Any

    @classmethod
    def setUpClass(cls) -> None:
        cls._temp_dir = tempfile.mkdtemp(prefix="iepright-reports-")
        cls._settings = override_settings(
            ATTACHMENT_ROOT=Path(cls._temp_dir) / "attachments", REPORT_ROOT=Path(cls._temp_dir) / "reports"
        )
        cls._settings.enable()
        super().setUpClass()  # type: ignore[misc]

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()  # type: ignore[misc]
        cls._settings.disable()
        shutil.rmtree(cls._temp_dir, ignore_errors=True)


# --- A demo-like child: a full school year (or several) of realistic logs, for reports and the bench ---

DEMO_PROVISIONS = [
    ("accommodation", "Extended time", "Extended time (1.5x) on tests, quizzes and in-class assignments.", None),
    (
        "accommodation",
        "Preferential seating",
        "Preferential seating near the point of instruction, away from distractions.",
        None,
    ),
    ("accommodation", "Check for understanding", "Teacher checks for understanding after directions are given.", None),
    ("accommodation", "Written directions", "Directions provided in writing as well as orally.", None),
    (
        "accommodation",
        "Breaks",
        "Short movement breaks (up to 5 minutes) when requested or when signs of fatigue appear.",
        None,
    ),
    (
        "modification",
        "Reduced assignments",
        "Reduced number of practice items when mastery is shown (no more than 50% of items).",
        None,
    ),
    ("accommodation", "Copy of notes", "Copy of teacher or peer notes for all core classes.", None),
    (
        "assistive_technology",
        "Text-to-speech",
        "Access to text-to-speech software for reading tasks over one page.",
        None,
    ),
    (
        "accommodation",
        "Separate setting for tests",
        "Tests in a separate, quiet setting with no more than 6 students.",
        None,
    ),
    (
        "behavior_support",
        "Behavior plan check-in",
        "Morning check-in with the case manager per the behavior intervention plan.",
        None,
    ),
    (
        "supplementary_aid",
        "Visual schedule",
        "Visual schedule posted at the desk and reviewed at the start of the day.",
        None,
    ),
    (
        "service",
        "Speech therapy",
        "Speech-language therapy, 60 minutes per week, small group, in the therapy room.",
        (60, "week", 0b0001010, 30),
    ),
    (
        "service",
        "Occupational therapy",
        "Occupational therapy, 30 minutes per week, individual, in the OT room.",
        (30, "week", 0b0000100, 30),
    ),
    (
        "service",
        "Specialized reading",
        "Specialized reading instruction, 150 minutes per week, in the resource room.",
        (150, "week", 0b0011111, 30),
    ),
    ("service", "Counseling", "School counseling, 120 minutes per month, individual.", (120, "month", 0b0000001, 30)),
]


def build_demo_child(
    household: Any, user: User, name: str = "Sofia Rivera", first_year: int = 2026, years: int = 1, seed: int = 7
) -> Child:
    """A child with 15 provisions and ``years`` school years of logs (about 180 school days each).

    Patterns built in: misses cluster on substitute days and on Fridays, and the speech provider
    cancels often. Entries and their ledger records are written in bulk (the chain is computed here
    exactly as ``evidence.ledger.append`` does), so a year takes a second, not a minute.
    """
    import random
    from datetime import UTC, datetime, time, timedelta

    from evidence.ledger import GENESIS_HASH, canonical_json, compute_hash
    from evidence.models import EvidenceRecord
    from evidence.verify import _LOADERS as verify_loaders
    from logbook.models import DayNote, MissReason, Source
    from logbook.payloads import entry_payload
    from plans.models import Absence, Iep, NonSchoolDay, SchoolCalendar
    from reports.household import keep_stored_times

    rng = random.Random(seed)
    child = Child.objects.create(
        household=household,
        name=name,
        date_of_birth=date(2015, 5, 2),
        school="Lincoln Elementary",
        grade="5",
        district="Springfield USD",
        state="CA",
    )
    iep = Iep.objects.create(
        child=child,
        effective_from=date(first_year, 8, 24),
        meeting_date=date(first_year, 8, 20),
        annual_review_due=date(first_year + years, 8, 19),
        reevaluation_due=date(first_year + 2, 10, 1),
        case_manager_name="Ms. Patel",
        case_manager_email="patel@school.example",
    )
    provisions = []
    for position, (kind, label, wording, service) in enumerate(DEMO_PROVISIONS, start=1):
        extra: dict[str, Any] = {}
        if service:
            required, period, weekdays, session = service
            extra = {
                "schedule": Provision.Schedule.WEEKDAYS,
                "weekdays": weekdays,
                "minutes": required,
                "period": period,
                "session_minutes": session,
            }
        provisions.append(
            Provision.objects.create(
                iep=iep,
                position=position,
                kind=kind,
                label=label,
                wording=wording,
                responsible_staff="Speech-language pathologist" if label == "Speech therapy" else "Classroom teacher",
                **extra,
            )
        )
    days: list[date] = []
    for year in range(first_year, first_year + years):
        cal = SchoolCalendar.objects.create(
            child=child,
            name=f"{year}-{(year + 1) % 100:02d}",
            first_day=date(year, 8, 24),
            last_day=date(year + 1, 6, 4),
        )
        breaks = [
            ("Labor Day", date(year, 9, 7), date(year, 9, 7)),
            ("Thanksgiving break", date(year, 11, 23), date(year, 11, 27)),
            ("Winter break", date(year, 12, 21), date(year + 1, 1, 1)),
            ("MLK Day", date(year + 1, 1, 18), date(year + 1, 1, 18)),
            ("Presidents' Day", date(year + 1, 2, 15), date(year + 1, 2, 15)),
            ("Spring break", date(year + 1, 3, 29), date(year + 1, 4, 2)),
            ("Memorial Day", date(year + 1, 5, 31), date(year + 1, 5, 31)),
        ]
        NonSchoolDay.objects.bulk_create([NonSchoolDay(calendar=cal, name=n, start=s, end=e) for n, s, e in breaks])
        day = cal.first_day
        while day <= cal.last_day:
            if day.weekday() < 5 and not any(s <= day <= e for _n, s, e in breaks):
                days.append(day)
            day += timedelta(days=1)
    absent = set(rng.sample(days, k=max(1, len(days) // 40)))
    Absence.objects.bulk_create([Absence(child=child, date=d, reason="Sick") for d in sorted(absent)])
    substitute_days = set(rng.sample(days, k=len(days) // 12))
    DayNote.objects.bulk_create(
        [
            DayNote(child=child, date=d, tags=["substitute"], note="Substitute teacher all day.")
            for d in sorted(substitute_days)
        ]
    )

    entries: list[LogEntry] = []
    lags: list[int] = []
    for day in days:
        if day in absent or rng.random() < 0.06:  # absent, or a day the parent did not log
            continue
        lag = 0 if rng.random() < 0.8 else rng.choice([1, 1, 2, 3])
        for p in provisions:
            if p.schedule == Provision.Schedule.WEEKDAYS and day.weekday() not in p.scheduled_weekdays():
                continue
            risk = 0.05 + (0.35 if day in substitute_days else 0) + (0.12 if day.weekday() == 4 else 0)
            if p.label == "Speech therapy":
                risk += 0.25
            roll = rng.random()
            status, reason, note = "delivered", "", ""
            minutes: int | None = p.session_minutes
            if roll < risk:
                status = "missed"
                minutes = 0 if p.session_minutes else None
                reason = (
                    MissReason.SUBSTITUTE
                    if day in substitute_days
                    else MissReason.PROVIDER_ABSENT
                    if p.label == "Speech therapy" and rng.random() < 0.6
                    else rng.choice(
                        [
                            MissReason.CANCELLED_BY_SCHOOL,
                            MissReason.SCHEDULING,
                            MissReason.UNKNOWN,
                            MissReason.STAFF_SHORTAGE,
                            MissReason.PARENT_REQUEST,
                        ]
                    )
                )
                note = rng.choice(
                    [
                        "",
                        "",
                        "Teacher said there was no time.",
                        "Maya said the room was locked.",
                        "The substitute did not have the IEP at a glance page.",
                    ]
                )
            elif roll < risk + 0.04:
                status, reason = "partial", MissReason.SCHEDULING
                minutes = (p.session_minutes or 0) // 2 or None
            elif roll > 0.995:
                status = "unknown"
                minutes = None
            source = rng.choice([Source.CHILD_SAID, Source.TEACHER_SAID, Source.SCHOOL_RECORD, Source.SAW_IT])
            entries.append(
                LogEntry(
                    child=child,
                    date=day,
                    provision=p,
                    status=status,
                    minutes_delivered=minutes,
                    miss_reason=reason,
                    source=source if status != "delivered" else "",
                    reported_by=rng.choice(["Ms. Lee", "Mr. Grant", ""]) if source == Source.TEACHER_SAID else "",
                    note=note,
                    created_by=user,
                    updated_by=user,
                    recording_lag_days=lag,
                )
            )
            lags.append(lag)
    for entry, lag in zip(entries, lags, strict=True):
        moment = datetime.combine(entry.date + timedelta(days=lag), time(23, 15), tzinfo=UTC)
        entry.created_at = entry.updated_at = moment
    with keep_stored_times(LogEntry):
        LogEntry.objects.bulk_create(entries, batch_size=1000)
    # Entries in the order they would have been appended: by recording time (a chain's clock never runs back).
    created = LogEntry.objects.filter(child=child).order_by("created_at", "date", "provision__position")
    records: list[EvidenceRecord] = []
    previous = GENESIS_HASH
    # The plan objects (IEP, provisions, calendars, absences, day notes) get their "created" records
    # first, as the services would have written them, so the chain verifies against the current rows.
    plan_moment = datetime(first_year, 8, 1, 16, 0, tzinfo=UTC)
    for object_type, loader in sorted(verify_loaders.items()):
        if object_type in ("log_entry", "report"):
            continue
        for object_id, payload in sorted(loader(child.pk).items()):
            record = EvidenceRecord(
                child_id=child.pk,
                seq=len(records) + 1,
                kind=f"{object_type}.created",
                object_type=object_type,
                object_id=object_id,
                payload=canonical_json(payload),
                recorded_at=plan_moment,
                recorded_by=user,
                recorded_by_name=user.name,
                prev_hash=previous,
                household_id=child.household_id,
            )
            record.hash = compute_hash(record)
            previous = record.hash
            records.append(record)
    for seq, entry in enumerate(created, start=len(records) + 1):
        record = EvidenceRecord(
            child_id=child.pk,
            seq=seq,
            kind="log_entry.created",
            object_type="log_entry",
            object_id=str(entry.pk),
            event_date=entry.date,
            payload=canonical_json(entry_payload(entry)),
            recorded_at=entry.created_at,
            recorded_by=user,
            recorded_by_name=user.name,
            prev_hash=previous,
            household_id=child.household_id,
        )
        record.hash = compute_hash(record)
        previous = record.hash
        records.append(record)
    EvidenceRecord.objects.bulk_create(records, batch_size=1000)
    return child


def attach_sample_exhibits(child: Child, user: User, photos: int, emails: int) -> int:
    """A realistic evidence report's exhibits: the IEP's own PDF on its (only) IEP, a photo of work
    on each of the child's ``photos`` latest misses (each one different, as real photos are) and a
    school email on the ``emails`` misses before them. Returns the photos' bytes (benches)."""
    import typst

    from logbook.models import Status
    from plans.services import update_iep
    from reports import sample_files

    iep = child.ieps.get()
    pdf = sample_files.iep_pdf(child.name, child.school, iep.effective_from)
    update_iep(iep, user=user, document=SimpleUploadedFile("IEP.pdf", pdf))
    misses = list(LogEntry.objects.filter(child=child, status=Status.MISSED).order_by("-date")[: photos + emails])
    photo_bytes = 0
    for number, entry in enumerate(misses[:photos]):
        source = sample_files.WORKSHEET.replace(b"Photo taken at pick-up", f"Photo {number + 1}".encode())
        png = bytes(typst.compile(source, format="png", ppi=400))
        photo_bytes += len(png)
        attach_files(entry, [SimpleUploadedFile(f"photo-{number + 1}.png", png)], user)
    for entry in misses[photos:]:
        attach_files(entry, [SimpleUploadedFile("email.eml", sample_files.school_email("Sam", entry.date))], user)
    return photo_bytes
