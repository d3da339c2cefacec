"""Pages of the daily log: the Today screen, any day, the week, the month, an entry's history.

Every view reaches the child through ``plans.access.child_for`` (404 for anyone else); saving
needs "edit", so a viewer sees the pages but any POST answers 404. Forms work without JavaScript:
POST, then redirect back to the day; invalid input answers 422 with the messages next to the fields.
"""

from __future__ import annotations

import uuid
from calendar import Calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.access import log_access
from accounts.compression import compress_page
from evidence.models import Attachment
from iepright.textclean import is_sane_date
from logbook import services
from logbook.days import LogWindow, Row, entry_summary, is_service, lag_text, load_today
from logbook.forms import AllDeliveredForm, CatchUpForm, DayNoteForm, EntryForm, RetractForm, SameAsForm
from logbook.models import SCHOOL_CAUSED_REASONS, LogEntry, MissReason, Source, Status
from plans.access import child_for, children_for, may
from plans.models import Child, Iep, Provision

SCHOOL_REASONS = [(value, label) for value, label in MissReason.choices if value in SCHOOL_CAUSED_REASONS]
OTHER_REASONS = [(value, label) for value, label in MissReason.choices if value not in SCHOOL_CAUSED_REASONS]


def _day_url(child: Child, day: date, anchor: str = "") -> str:
    if day == timezone.localdate():
        url = reverse("logbook:today", args=[child.pk])
    else:
        url = reverse("logbook:day", args=[child.pk, day])
    return f"{url}#{anchor}" if anchor else url


def _form_errors(form: Any) -> dict[str, list[str]]:
    return {name: [error["message"] for error in errors] for name, errors in form.errors.get_json_data().items()}


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {name: [str(m) for m in messages_] for name, messages_ in error.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in error.messages]}


@dataclass
class Failed:
    """A form that came back with problems: which one, what was typed, what is wrong."""

    key: str
    values: dict[str, Any]
    errors: dict[str, list[str]]
    conflict: services.EditConflict | None = None


@dataclass
class Conflict:
    """Both versions of an entry whose save was refused as stale, in words."""

    current: str
    changed_by: str
    attempted: str


def _conflict(conflict: services.EditConflict) -> Conflict:
    current = conflict.current
    attempted = LogEntry(**{k: v for k, v in conflict.attempted.items() if k != "is_makeup"})
    parts = [attempted.get_status_display()]
    if attempted.minutes_delivered is not None:
        parts.append(_("%(n)s min") % {"n": attempted.minutes_delivered})
    if attempted.miss_reason:
        parts.append(attempted.get_miss_reason_display())
    who = ""
    if current is not None and current.updated_by is not None:
        who = getattr(current.updated_by, "name", "") or str(current.updated_by)
    return Conflict(
        current=entry_summary(current) if current else _("Not logged"),
        changed_by=who,
        attempted=" · ".join(parts),
    )


@dataclass
class RowView:
    """One provision on the day page, with the values its form shows."""

    row: Row
    client_id: str
    values: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    open: bool = False
    needs_reason: bool = False
    attachments: list[Attachment] = field(default_factory=list)
    base_version: int = 0
    conflict: Conflict | None = None

    @property
    def provision(self) -> Provision:
        return self.row.provision

    @property
    def entry(self) -> LogEntry | None:
        return self.row.entry

    @property
    def is_service(self) -> bool:
        return is_service(self.row.provision)

    @property
    def lag(self) -> str:
        return lag_text(self.row.entry.recording_lag_days) if self.row.entry else ""

    @property
    def summary(self) -> str:
        return entry_summary(self.row.entry) if self.row.entry else "Not logged yet"

    @property
    def current_status(self) -> str:
        live = self.row.live_entry
        return live.status if live else ""

    @property
    def all_errors(self) -> list[str]:
        return [message for messages_ in self.errors.values() for message in messages_]


def _row_view(
    row: Row, today: date, failed: Failed | None, attachments: list[Attachment], remembered: str = ""
) -> RowView:
    entry = row.entry
    version = entry.version if entry is not None else 0
    if failed is not None and failed.key == row.key:
        posted = str(failed.values.get("base_version") or "")
        return RowView(
            row,
            str(uuid.uuid4()),
            failed.values,
            failed.errors,
            open=failed.conflict is None,
            needs_reason=entry is not None and services.needs_edit_reason(entry, today),
            attachments=attachments,
            # After a conflict the page shows the current version, so choosing again saves knowingly.
            base_version=version if failed.conflict is not None or not posted.isdigit() else int(posted),
            conflict=_conflict(failed.conflict) if failed.conflict is not None else None,
        )
    values = {
        # Only a partly delivered session's own minutes: "Partly" must ask, never carry the full session.
        "minutes_delivered": entry.minutes_delivered if entry and entry.status == Status.PARTIAL else None,
        "miss_reason": entry.miss_reason if entry else "",
        "source": entry.source if entry else "",
        # A miss still without "who told you" is offered the last one this person wrote.
        "reported_by": (entry.reported_by if entry else "")
        or (
            remembered
            if row.live_entry is not None and row.live_entry.status in (Status.MISSED, Status.PARTIAL)
            else ""
        ),
        "note": entry.note if entry else "",
        "edit_reason": "",
    }
    # A miss or partial without its reason yet: leave the details open to complete it.
    live = row.live_entry
    open_details = live is not None and live.status in (Status.MISSED, Status.PARTIAL) and not live.miss_reason
    needs_reason = entry is not None and services.needs_edit_reason(entry, today)
    return RowView(
        row,
        str(uuid.uuid4()),
        values,
        open=open_details,
        needs_reason=needs_reason,
        attachments=attachments,
        base_version=version,
    )


def _viewed(request: HttpRequest, child: Child) -> Child:
    """Note in the access log that this person viewed the child's log (design.md section 7)."""
    log_access(request.user, child.household, "view", child_id=child.pk, path=request.get_full_path())
    return child


def _day_links(child: Child, days: list[date]) -> list[str]:
    """The day pages of ``days``: one ``reverse()`` and the date swapped in (the 14 chips of each page).

    ``reverse()`` costs tens of microseconds a call; the Today page made 62 of them.
    """
    marker = date(1900, 1, 1)
    pattern = reverse("logbook:day", args=[child.pk, marker])
    return [pattern.replace(marker.isoformat(), day.isoformat()) for day in days]


def _setup_missing(child: Child) -> dict[str, bool]:
    """What a new child still needs before anything can be logged (asked only on a day that asks nothing)."""
    return {
        "iep": not child.ieps.filter(status=Iep.Status.ACTIVE).exists(),
        "calendar": not child.calendars.exists(),
    }


def _render_day(
    request: HttpRequest, child: Child, day: date, *, failed: Failed | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    data = load_today(child, day, today)
    plan = data.plan
    may_edit = may(request.user, child, "edit")
    can_edit = may_edit and day <= today
    remembered = services.remembered_reporter(child, request.user) if can_edit else ""
    note = plan.day_note
    files = services.attachments_of(plan.entries)
    note_values: dict[str, Any] = {"tags": note.tags if note else [], "note": note.note if note else "", "new_tag": ""}
    makeup_values: dict[str, Any] = {"provision": "", "minutes_delivered": "", "note": ""}
    if failed is not None and failed.key == "note":
        note_values = failed.values
    if failed is not None and failed.key == "makeup":
        makeup_values = failed.values
    context = {
        "child": child,
        "children": list(children_for(request.user)),
        "plan": plan,
        "setup": _setup_missing(child) if plan.asks_nothing and not plan.is_absent else {},
        "day": day,
        "today": today,
        "is_today": day == today,
        "is_future": day > today,
        "prev_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1) if day < today else None,
        "chips": list(zip(data.chips, _day_links(child, [chip.day for chip in data.chips]), strict=True)),
        "save_url": reverse("logbook:save_entry", args=[child.pk, day]),
        "reminder": data.reminder,
        "rows": [
            _row_view(row, today, failed, files.get(row.entry.pk, []) if row.entry else [], remembered)
            for row in plan.rows
        ],
        "tags": data.tags + [tag for tag in (note.tags if note else []) if tag not in data.tags],
        "note_values": note_values,
        "makeup_values": makeup_values,
        "failed": failed,
        "can_edit": can_edit,
        "read_only": not may_edit,
        "remembered_by": remembered,
        "files_per_save": services.MAX_FILES_PER_SAVE,
        "same_as_day": services.same_as_source_day(child, day, data.window) if can_edit and plan.unlogged else None,
        "same_as_client_id": str(uuid.uuid4()),
        "statuses": Status.choices,
        "school_reasons": SCHOOL_REASONS,
        "other_reasons": OTHER_REASONS,
        "sources": Source.choices,
        "new_client_id": str(uuid.uuid4()),
        "note_client_id": str(uuid.uuid4()),
        "makeup_client_id": str(uuid.uuid4()),
    }
    return render(request, "logbook/day.html", context, status=status)


@login_required
@compress_page
def today(request: HttpRequest, child_id: int) -> HttpResponse:
    """The Today screen; ``?date=YYYY-MM-DD`` (the date picker) goes to that day."""
    child = _viewed(request, child_for(request.user, child_id))
    picked = request.GET.get("date", "")
    if picked:
        try:
            day = date.fromisoformat(picked)
        except ValueError:
            messages.error(request, _("That date was not understood. Please pick it again."))
        else:
            if is_sane_date(day):
                return redirect("logbook:day", child_id=child.pk, day=day)
            messages.error(request, _("Please check the year: pick a date between 1990 and 2100."))
    return _render_day(request, child, timezone.localdate())


@login_required
@compress_page
def day(request: HttpRequest, child_id: int, day: date) -> HttpResponse:
    child = _viewed(request, child_for(request.user, child_id))
    return _render_day(request, child, day)


def _posted_child(request: HttpRequest, child_id: int, day: date) -> Child | HttpResponse:
    """The child for a save (404 for anyone who may not edit); a plain GET goes back to the day."""
    child = child_for(request.user, child_id, need="edit")
    if request.method != "POST":
        return HttpResponseRedirect(_day_url(child, day))
    return child


@login_required
def save_entry(request: HttpRequest, child_id: int, day: date) -> HttpResponse:
    child = _posted_child(request, child_id, day)
    if isinstance(child, HttpResponse):
        return child
    form = EntryForm(request.POST)
    is_makeup = request.POST.get("is_makeup") == "1"
    key = (
        "makeup"
        if request.POST.get("form") == "makeup"
        else f"p{request.POST.get('provision', '')}{'m' if is_makeup else ''}"
    )
    values = {name: request.POST.get(name, "") for name in EntryForm.base_fields}
    if not form.is_valid():
        return _render_day(request, child, day, failed=Failed(key, values, _form_errors(form)), status=422)
    data = form.cleaned_data
    provision = Provision.objects.select_related("iep").filter(pk=data["provision"], iep__child=child).first()
    if provision is None:
        raise Http404("No such provision.")
    status = data["status"]
    files = request.FILES.getlist("files")
    try:
        with transaction.atomic():  # the entry and its files are kept together, or neither
            entry = services.record_entry(
                child,
                day,
                provision,
                status=status,
                user=request.user,
                client_id=data["client_id"],
                minutes_delivered=data["minutes_delivered"] if status in (Status.DELIVERED, Status.PARTIAL) else None,
                is_makeup=data["is_makeup"],
                miss_reason=data["miss_reason"] if status in (Status.MISSED, Status.PARTIAL) else "",
                source=data["source"],
                reported_by=data["reported_by"],
                note=data["note"],
                edit_reason=data["edit_reason"],
                base_version=data["base_version"],
            )
            kept = services.attach_files(entry, files, request.user) if files else []
    except ValidationError as error:
        return _render_day(request, child, day, failed=Failed(key, values, _errors(error)), status=422)
    except services.EditConflict as conflict:
        failed = Failed(key, values, {NON_FIELD_ERRORS: [str(conflict)]}, conflict=conflict)
        return _render_day(request, child, day, failed=failed, status=409)
    saved = {"item": entry.provision.label, "status": entry.get_status_display().lower(), "count": len(kept)}
    if kept:
        message = ngettext(
            "Saved: %(item)s, %(status)s with %(count)d file.",
            "Saved: %(item)s, %(status)s with %(count)d files.",
            len(kept),
        )
    else:
        message = _("Saved: %(item)s, %(status)s.")
    messages.success(request, message % saved)
    return HttpResponseRedirect(_day_url(child, day, f"p{provision.pk}{'m' if entry.is_makeup else ''}"))


@login_required
def all_delivered(request: HttpRequest, child_id: int, day: date) -> HttpResponse:
    child = _posted_child(request, child_id, day)
    if isinstance(child, HttpResponse):
        return child
    form = AllDeliveredForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        created = services.record_day_all_delivered(child, day, request.user, form.cleaned_data["client_id"])
    except ValidationError as error:
        return _render_day(request, child, day, failed=Failed("all", {}, _errors(error)), status=422)
    count = len(created)
    messages.success(
        request,
        f"Saved: {count} item{'s' if count != 1 else ''} delivered." if count else "Everything was already logged.",
    )
    return HttpResponseRedirect(_day_url(child, day))


@login_required
def same_as(request: HttpRequest, child_id: int, day: date) -> HttpResponse:
    """ "Same as yesterday": copy an earlier day's entries to the items not yet logged today."""
    child = _posted_child(request, child_id, day)
    if isinstance(child, HttpResponse):
        return child
    form = SameAsForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        created = services.record_day_same_as(
            child, day, form.cleaned_data["source_day"], request.user, form.cleaned_data["client_id"]
        )
    except ValidationError as error:
        return _render_day(request, child, day, failed=Failed("all", {}, _errors(error)), status=422)
    count = len(created)
    messages.success(
        request,
        ngettext("Saved: %(count)d item as on %(day)s.", "Saved: %(count)d items as on %(day)s.", count)
        % {"count": count, "day": f"{form.cleaned_data['source_day']:%A}"},
    )
    return HttpResponseRedirect(_day_url(child, day))


@login_required
def catch_up(request: HttpRequest, child_id: int, day: date) -> HttpResponse:
    """Catch-up from the week view: "Everything delivered" on the chosen past days."""
    child = child_for(request.user, child_id, need="edit")
    monday = day - timedelta(days=day.weekday())
    if request.method != "POST":
        return redirect("logbook:week", child_id=child.pk, day=monday)
    form = CatchUpForm(request.POST, week=[monday + timedelta(days=n) for n in range(7)])
    if not form.is_valid():
        return _render_week(request, child, monday, errors=[m for ms in _form_errors(form).values() for m in ms])
    try:
        saved = services.record_days_all_delivered(
            child, form.cleaned_data["days"], request.user, form.cleaned_data["client_id"]
        )
    except ValidationError as error:
        return _render_week(request, child, monday, errors=[m for ms in _errors(error).values() for m in ms])
    count = sum(len(entries) for entries in saved.values())
    messages.success(
        request,
        _("Saved: %(items)s delivered on %(days)s.")
        % {
            "items": ngettext("%(n)d item", "%(n)d items", count) % {"n": count},
            "days": ngettext("%(n)d day", "%(n)d days", len(saved)) % {"n": len(saved)},
        },
    )
    return redirect("logbook:week", child_id=child.pk, day=monday)


@login_required
def save_day_note(request: HttpRequest, child_id: int, day: date) -> HttpResponse:
    child = _posted_child(request, child_id, day)
    if isinstance(child, HttpResponse):
        return child
    form = DayNoteForm(request.POST, tag_choices=services.family_tags(child) + request.POST.getlist("tags"))
    values = {
        "tags": request.POST.getlist("tags"),
        "note": request.POST.get("note", ""),
        "new_tag": request.POST.get("new_tag", ""),
    }
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        services.save_day_note(
            child,
            day,
            tags=form.all_tags(),
            note=form.cleaned_data["note"],
            user=request.user,
            client_id=form.cleaned_data["client_id"],
        )
    except ValidationError as error:
        return _render_day(request, child, day, failed=Failed("note", values, _errors(error)), status=422)
    messages.success(request, _("Saved: the day's tags and note."))
    return HttpResponseRedirect(_day_url(child, day, "day-note"))


def _entry(child: Child, entry_id: int) -> LogEntry:
    entry = LogEntry.objects.select_related("provision").filter(child=child, pk=entry_id).first()
    if entry is None:
        raise Http404("No such entry.")
    return entry


def _render_history(
    request: HttpRequest, child: Child, entry: LogEntry, *, form: RetractForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "child": child,
        "entry": entry,
        "history": services.entry_history(entry),
        "attachments": services.attachments_of([entry])[entry.pk],
        "can_edit": may(request.user, child, "edit"),
        "form": form or RetractForm(),
        "lag": lag_text(entry.recording_lag_days),
        "day_url": _day_url(child, entry.date, f"p{entry.provision_id}{'m' if entry.is_makeup else ''}"),
    }
    return render(request, "logbook/history.html", context, status=status)


@login_required
def entry_history(request: HttpRequest, child_id: int, entry_id: int) -> HttpResponse:
    child = _viewed(request, child_for(request.user, child_id))
    return _render_history(request, child, _entry(child, entry_id))


@login_required
def retract_entry(request: HttpRequest, child_id: int, entry_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, need="edit")
    entry = _entry(child, entry_id)
    if request.method != "POST":
        return redirect("logbook:entry_history", child_id=child.pk, entry_id=entry.pk)
    form = RetractForm(request.POST)
    if form.is_valid():
        try:
            services.retract_entry(entry, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            for name, errs in _errors(error).items():
                for message in errs:
                    form.add_error("reason" if name == "reason" else None, message)
    if not form.is_valid():
        return _render_history(request, child, entry, form=form, status=422)
    messages.success(
        request,
        _("Withdrawn: %(item)s on %(day)s. It no longer counts.")
        % {"item": entry.provision.label, "day": date_format(entry.date, "F j")},
    )
    return HttpResponseRedirect(_day_url(child, entry.date))


@login_required
@compress_page
def week(request: HttpRequest, child_id: int, day: date) -> HttpResponse:
    """Monday to Sunday around ``day``: each day's state and each provision's status, in words."""
    child = _viewed(request, child_for(request.user, child_id))
    return _render_week(request, child, day - timedelta(days=day.weekday()))


def _render_week(request: HttpRequest, child: Child, monday: date, errors: list[str] | None = None) -> HttpResponse:
    today = timezone.localdate()
    sunday = monday + timedelta(days=6)
    window = LogWindow(child, monday, sunday)
    can_edit = may(request.user, child, "edit")
    days = []
    for status in window.statuses(monday, sunday, today):
        plan = window.plan(status.day)
        rows = plan.rows if status.day <= today else []
        days.append(
            {
                "status": status,
                "rows": [(row, lag_text(row.live_entry.recording_lag_days) if row.live_entry else "") for row in rows],
                # Catch-up: a past day with items not yet logged can be ticked for "Everything delivered".
                "catch_up": can_edit and status.day < today and status.needs_logging,
            }
        )
    context = {
        "child": child,
        "monday": monday,
        "sunday": sunday,
        "days": days,
        "today": today,
        "prev_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
        "catch_up": any(d["catch_up"] for d in days),
        "catch_up_client_id": str(uuid.uuid4()),
        "errors": errors or [],
        "read_only": not can_edit,
    }
    return render(request, "logbook/week.html", context, status=422 if errors else 200)


@login_required
@compress_page
def month(request: HttpRequest, child_id: int, day: date) -> HttpResponse:
    """The month around ``day`` as a calendar: each day's state as a word and a symbol."""
    child = _viewed(request, child_for(request.user, child_id))
    today = timezone.localdate()
    weeks = Calendar(firstweekday=0).monthdatescalendar(day.year, day.month)
    first, last = weeks[0][0], weeks[-1][-1]
    window = LogWindow(child, first, last)
    statuses = {status.day: status for status in window.statuses(first, last, today)}
    month_days = [statuses[d] for d in statuses if d.month == day.month]
    counts: dict[str, int] = {}
    for status in month_days:
        counts[status.state] = counts.get(status.state, 0) + 1
    first_of_month = day.replace(day=1)
    context = {
        "child": child,
        "month": first_of_month,
        "weeks": [[statuses[d] for d in week_days] for week_days in weeks],
        "today": today,
        "counts": counts,
        "prev_month": (first_of_month - timedelta(days=1)).replace(day=1),
        "next_month": (first_of_month + timedelta(days=32)).replace(day=1),
        "weekday_names": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }
    return render(request, "logbook/month.html", context)
