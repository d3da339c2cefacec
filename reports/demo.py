"""The demo family's reports: exhibits a real family keeps, and reports already made.

``seed_demo`` calls ``extend_demo(family)`` after the apps below have added their part (the log), so
the reports show real numbers. The first child gets what a real family has on file: the IEP as a PDF
(Exhibit 1), a photo of a quiz handed out without the accommodation, and a saved email from the
school about a missed speech session (``reports.sample_files`` makes them). Then a meeting summary and
an evidence report of the school year so far are made through ``generate_report`` like any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile

from logbook.models import LogEntry, Status
from logbook.services import attach_files
from plans.models import Child, Iep
from plans.services import update_iep
from reports import sample_files
from reports.models import GeneratedReport
from reports.services import generate_report

if TYPE_CHECKING:
    from plans.demo import DemoFamily

DEMO_ASK = (
    "A written make-up plan for the missed service sessions, with dates, and a copy of the IEP "
    "accommodations page for every substitute teacher."
)


def extend_demo(family: DemoFamily) -> None:
    """Exhibits for the first child, then a meeting summary and an evidence report, made by the owner."""
    if not family.children:
        return
    child = family.children[0]
    calendar = family.calendars.get(child.pk) or child.calendars.order_by("-first_day").first()
    if calendar is None or calendar.first_day > family.today:
        return
    add_exhibits(family, child)
    surname = child.name.split()[-1].upper()
    for kind in (GeneratedReport.Kind.SUMMARY, GeneratedReport.Kind.EVIDENCE):
        generate_report(
            child,
            user=family.owner,
            kind=kind,
            start=calendar.first_day,
            end=min(family.today, calendar.last_day),
            bates_prefix=f"{surname}-",
            ask=DEMO_ASK,
        )


def _latest_miss(child: Child, label_start: str) -> LogEntry | None:
    return (
        LogEntry.objects.counted()
        .filter(child=child, status=Status.MISSED, provision__label__startswith=label_start)
        .order_by("-date")
        .first()
    )


def add_exhibits(family: DemoFamily, child: Child) -> None:
    """The IEP PDF on the IEP in force, a quiz photo on a missed accommodation, an email on a missed session."""
    iep = child.ieps.filter(status=Iep.Status.ACTIVE).order_by("-effective_from").first()
    if iep is not None and iep.source_file_id is None:
        document = sample_files.iep_pdf(child.name, child.school, iep.effective_from)
        update_iep(iep, user=family.owner, document=SimpleUploadedFile("IEP.pdf", document, "application/pdf"))
    quiz = _latest_miss(child, "Extended time")
    if quiz is not None:
        photo = SimpleUploadedFile("quiz-photo.png", sample_files.worksheet_png(), "image/png")
        attach_files(quiz, [photo], family.owner)
    speech = _latest_miss(child, "Speech")
    if speech is not None:
        first_name = child.name.split()[0]
        mail = sample_files.school_email(first_name, speech.date)
        attach_files(speech, [SimpleUploadedFile("email-from-school.eml", mail, "message/rfc822")], family.owner)
