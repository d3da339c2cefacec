"""Forms for children, IEPs, provisions, school calendars and absences.

Each ``clean()`` calls the named rules of ``plans.validation`` and puts a failed rule's message next
to the field it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from iepright.textclean import TextCheckMixin
from plans import validation
from plans.iep_import.extract import short_label
from plans.models import (
    MONDAY_TO_FRIDAY,
    Absence,
    Child,
    Iep,
    NonSchoolDay,
    Provision,
    SchoolCalendar,
    weekday_mask,
    weekday_set,
)
from plans.schooldays import SchoolDays

WEEKDAY_CHOICES = [(str(day), name) for day, name in WEEKDAYS.items()]  # Django's names, lazy


class DateInput(forms.DateInput):
    """The browser's own date picker; the value is always YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def apply_rule(form: forms.BaseForm, field: str, rule: Callable[..., None], *args: Any) -> None:
    """Run one rule of ``plans.validation`` and file its message under the field it is about."""
    try:
        rule(*args)
    except ValidationError as error:
        if field not in form.errors:  # one message per field is enough
            form.add_error(field, error)


def weekday_field(label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=WEEKDAY_CHOICES,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,  # styled as a two-column grid (#id_days in app.css)
    )


class ChildForm(TextCheckMixin, forms.ModelForm):
    class Meta:
        model = Child
        fields = ["name", "date_of_birth", "school", "grade", "district", "state"]
        labels = {"name": _("Child's name"), "district": _("School district"), "state": _("State")}
        help_texts = {
            "name": _("As you would like it on reports, e.g. “Maya Rivera”."),
            "grade": _("e.g. 3, 7 or Kindergarten"),
            "state": _("Rules and deadlines differ by state."),
        }
        widgets = {"date_of_birth": DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        apply_rule(self, "date_of_birth", validation.validate_not_in_future, data.get("date_of_birth"))
        return data


class IepForm(TextCheckMixin, forms.ModelForm):
    document = forms.FileField(
        label=_("The IEP document"),
        required=False,
        help_text=_("A PDF of the IEP. It is kept with a fingerprint (SHA-256) that shows it was never changed."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    class Meta:
        model = Iep
        fields = [
            "effective_from",
            "effective_to",
            "meeting_date",
            "annual_review_due",
            "reevaluation_due",
            "case_manager_name",
            "case_manager_email",
        ]
        labels = {
            "effective_to": _("In effect until"),
            "annual_review_due": _("Annual review due"),
            "reevaluation_due": _("Reevaluation due"),
            "case_manager_name": _("Case manager's name"),
            "case_manager_email": _("Case manager's email"),
        }
        help_texts = {
            "effective_from": _("The first day the school must follow this IEP."),
            "effective_to": _("Usually one year later. Leave empty if the IEP does not say."),
            "reevaluation_due": _("Usually every three years."),
        }
        widgets = {
            name: DateInput()
            for name in ["effective_from", "effective_to", "meeting_date", "annual_review_due", "reevaluation_due"]
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("effective_from")
        apply_rule(self, "effective_to", validation.validate_not_before, data.get("effective_to"), start, "start date")
        for name in ("annual_review_due", "reevaluation_due"):
            apply_rule(self, name, validation.validate_not_before, data.get(name), start, "start date")
        return data


class AmendForm(TextCheckMixin, forms.Form):
    effective_from = forms.DateField(
        label=_("The amendment is in effect from"),
        widget=DateInput(),
        help_text=_("The earlier version stays in your records and ends the day before."),
    )
    note = forms.CharField(
        label=_("What changed?"),
        max_length=300,
        required=False,
        help_text=_("In a few words, e.g. “Added occupational therapy after the May meeting”."),
    )

    def __init__(self, *args: Any, iep: Iep, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.iep = iep

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        apply_rule(self, "effective_from", validation.validate_amendment_start, data.get("effective_from"), self.iep)
        return data


class ProvisionForm(TextCheckMixin, forms.ModelForm):
    days = weekday_field("Which weekdays?", "Only when the schedule is chosen weekdays.")

    class Meta:
        model = Provision
        fields = [
            "kind",
            "label",
            "wording",
            "schedule",
            "minutes",
            "period",
            "sessions",
            "session_minutes",
            "setting",
            "responsible_staff",
            "purpose",
        ]
        labels = {"kind": _("Type"), "schedule": _("When is it owed?"), "minutes": _("Minutes"), "period": _("Per")}
        help_texts = {
            "minutes": _("For services: the minutes the IEP requires, e.g. 120."),
            "purpose": _("Copy it from the IEP if it says why this item matters."),
        }
        widgets = {
            "schedule": forms.RadioSelect,
            "wording": forms.Textarea(attrs={"rows": 4}),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = ["kind", "label", "wording", "schedule", "days"]  # the weekday boxes right after the schedule
    # The common case fits one phone screen; the rest is folded away in the template (issue 14).
    quick_fields = ["wording", "kind", "label", "schedule", "minutes", "period"]  # kind and label side by side

    def quick(self) -> list[forms.BoundField]:
        """Wording, type, label, schedule and minutes: all most items need."""
        return [self[name] for name in self.quick_fields]

    def more(self) -> list[forms.BoundField]:
        """Weekdays, sessions, where, who and purpose: folded away unless needed."""
        return [self[name] for name in self.fields if name not in self.quick_fields]

    @property
    def more_open(self) -> bool:
        """Unfold the rest when it holds an error, chosen weekdays, or anything already filled in."""
        folded = [name for name in self.fields if name not in self.quick_fields]
        if any(name in self.errors for name in folded):
            return True
        schedule = self["schedule"].value()
        return schedule == Provision.Schedule.WEEKDAYS or any(self[name].value() for name in folded if name != "days")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["period"]).choices = [("", "—"), *Provision.Period.choices]
        cast(forms.ChoiceField, self.fields["kind"]).choices = list(Provision.Kind.choices)
        self.fields["label"].required = False  # left empty, it is made from the wording's first words
        # One phone screen for the common case: the label's hint moves into the box, the wording box is shorter.
        self.fields["label"].help_text = ""
        self.fields["label"].widget.attrs["placeholder"] = "e.g. Extended time"
        self.fields["wording"].widget.attrs["rows"] = 3
        self.fields["minutes"].help_text = ""
        self.fields["minutes"].widget.attrs["placeholder"] = "e.g. 120"
        cast(forms.ChoiceField, self.fields["schedule"]).choices = [
            (Provision.Schedule.EVERY_DAY, "Every school day"),
            (Provision.Schedule.WEEKDAYS, "Only on chosen weekdays"),
            (Provision.Schedule.FLEXIBLE, "Flexible: the provider picks the days"),
        ]
        mask = self.instance.weekdays if self.instance.schedule == Provision.Schedule.WEEKDAYS else 0
        self.initial.setdefault("days", [str(day) for day in sorted(weekday_set(mask))])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("label") and data.get("wording"):
            data["label"] = short_label(data["wording"])
        minutes, period = data.get("minutes"), data.get("period") or ""
        apply_rule(self, "minutes", validation.validate_minutes_positive, minutes)
        apply_rule(self, "period", validation.validate_period_for_minutes, minutes, period)
        apply_rule(self, "minutes", validation.validate_minutes_for_period, minutes, period)
        apply_rule(self, "session_minutes", validation.validate_minutes_positive, data.get("session_minutes"))
        apply_rule(self, "sessions", validation.validate_sessions_positive, data.get("sessions"))
        apply_rule(self, "sessions", validation.validate_sessions_need_period, data.get("sessions"), period)
        apply_rule(self, "minutes", validation.validate_flexible_has_amount, data.get("schedule"), minutes, period)
        apply_rule(self, "days", validation.validate_weekdays_chosen, data.get("schedule"), data.get("days") or [])
        # The weekday checkboxes become the model's bit mask (the form's fields do not include it).
        if data.get("schedule") == Provision.Schedule.WEEKDAYS:
            self.instance.weekdays = weekday_mask([int(day) for day in data.get("days") or []])
        else:
            self.instance.weekdays = MONDAY_TO_FRIDAY
        return data


class CalendarForm(TextCheckMixin, forms.ModelForm):
    days = weekday_field("School weekdays")

    class Meta:
        model = SchoolCalendar
        fields = ["name", "first_day", "last_day"]
        labels = {"name": _("Name"), "first_day": _("First day of school"), "last_day": _("Last day of school")}
        widgets = {"first_day": DateInput(), "last_day": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("days", [str(day) for day in sorted(weekday_set(self.instance.weekdays))])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        apply_rule(self, "last_day", validation.validate_not_before, last, first, "first day")
        apply_rule(self, "days", validation.validate_some_school_weekday, data.get("days") or [])
        others = SchoolCalendar.objects.filter(child_id=self.instance.child_id).exclude(pk=self.instance.pk)
        apply_rule(self, "first_day", validation.validate_no_calendar_overlap, first, last, others)
        self.instance.weekdays = weekday_mask([int(day) for day in data.get("days") or []])
        return data


class NonSchoolDayForm(TextCheckMixin, forms.ModelForm):
    class Meta:
        model = NonSchoolDay
        fields = ["name", "start", "end"]
        labels = {"name": _("What is it?"), "start": _("From"), "end": _("Until")}
        help_texts = {"name": _("e.g. Winter break"), "end": _("Leave empty for a single day.")}
        widgets = {"start": DateInput(), "end": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("start")
        if data.get("end") is None and start is not None:
            data["end"] = start
        calendar = self.instance.calendar
        apply_rule(self, "end", validation.validate_not_before, data.get("end"), start, "first day off")
        apply_rule(self, "start", validation.validate_inside_calendar, start, calendar)
        apply_rule(self, "end", validation.validate_inside_calendar, data.get("end"), calendar)
        return data


class AbsenceForm(TextCheckMixin, forms.ModelForm):
    # A multi-day absence as one range: every school day from "date" to "until" (issue 11).
    until = forms.DateField(
        label=_("Until (for several days in a row)"),
        required=False,
        widget=DateInput(),
        help_text=_("The last day absent, e.g. after a week of flu. Each school day is recorded."),
    )

    class Meta:
        model = Absence
        fields = ["date", "until", "reason"]
        labels = {"date": _("Day absent"), "reason": _("Reason")}
        help_texts = {"reason": _("e.g. sick, doctor's appointment")}
        widgets = {"date": DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day: date | None = data.get("date")
        until: date | None = data.get("until")
        if day is not None and "date" not in self.errors:
            child = self.instance.child
            if until is not None and until != day:
                school_days = SchoolDays.load(child, day, max(day, until))
                apply_rule(self, "until", validation.validate_absence_range, day, until, school_days)
            else:
                apply_rule(self, "date", validation.validate_school_day, day, SchoolDays.load(child, day, day))
                apply_rule(self, "date", validation.validate_not_already_absent, child, day)
        return data

    def school_days_absent(self) -> list[date]:
        """The school days of the range (or the one day) not already marked absent."""
        first: date = self.cleaned_data["date"]
        last: date = self.cleaned_data.get("until") or first
        child = self.instance.child
        school_days = SchoolDays.load(child, first, last)
        taken = set(child.absences.filter(date__range=(first, last)).values_list("date", flat=True))
        days = [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]
        return [d for d in days if school_days.is_school_day(d) and d not in taken]
