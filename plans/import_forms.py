"""Forms of the IEP import (upload or paste, then review) and the calendar import.

A candidate the parent drops is not validated: only accepted items must be complete.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from iepright.textclean import TextCheckMixin
from plans import validation
from plans.forms import DateInput, IepForm, apply_rule, weekday_field
from plans.models import Provision

SCHEDULE_CHOICES = [
    (Provision.Schedule.EVERY_DAY.value, _("Every school day")),
    (Provision.Schedule.WEEKDAYS.value, _("Only on chosen weekdays")),
    (Provision.Schedule.FLEXIBLE.value, _("The provider picks the days")),
]
PERIOD_CHOICES = [("", "—"), *Provision.Period.choices]


class ImportStartForm(TextCheckMixin, forms.Form):
    multiline_fields = frozenset({"text"})

    document = forms.FileField(
        label=_("The IEP as a PDF"),
        required=False,
        help_text=_("It is kept with your records, with a fingerprint that shows it was never changed."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    text = forms.CharField(
        label=_("Or paste the text of the IEP"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For example the accommodations page. One item per line or bullet."),
    )
    kind = forms.ChoiceField(
        label=_("Pasted items are"),
        choices=Provision.Kind.choices,
        initial=Provision.Kind.ACCOMMODATION,
        help_text=_("You can change each one on the next page."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("document") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose the IEP's PDF, or paste its text."))
        return data


class ImportIepForm(IepForm):
    """The IEP's dates and contacts, prefilled with the dates found in the document."""

    document = None  # type: ignore[assignment]  # the document was uploaded on the first page


class CandidateForm(TextCheckMixin, forms.Form):
    """One item found in the IEP: kept (the default) or dropped in one tap, every field editable."""

    multiline_fields = frozenset({"wording"})

    keep = forms.BooleanField(label=_("Keep this item"), required=False)
    wording = forms.CharField(
        label=_("Exact IEP wording"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("As found in the IEP.")
    )
    label = forms.CharField(label=_("Short label"), max_length=80)
    kind = forms.ChoiceField(label=_("Type"), choices=Provision.Kind.choices)
    schedule = forms.ChoiceField(label=_("When is it owed?"), choices=SCHEDULE_CHOICES)
    minutes = forms.IntegerField(label=_("Minutes"), required=False, min_value=1, max_value=100_000)
    period = forms.ChoiceField(label=_("Per"), choices=PERIOD_CHOICES, required=False)
    days = weekday_field(str(_("Which weekdays?")), str(_("Only when the schedule is chosen weekdays.")))
    sessions = forms.IntegerField(label=_("Sessions per period"), required=False, min_value=1, max_value=500)
    session_minutes = forms.IntegerField(label=_("Minutes per session"), required=False, min_value=1, max_value=1440)
    setting = forms.CharField(label=_("Where"), max_length=120, required=False)
    responsible_staff = forms.CharField(label=_("Who provides it"), max_length=120, required=False)
    frequency = forms.CharField(required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, widget=forms.HiddenInput)

    main_fields = ["wording", "label", "kind", "schedule", "minutes", "period"]
    more_fields = ["days", "sessions", "session_minutes", "setting", "responsible_staff"]

    def full_clean(self) -> None:
        super().full_clean()
        errors: ErrorDict = self._errors  # type: ignore[has-type]
        if self.is_bound and not self.cleaned_data.get("keep") and "keep" not in errors:
            self._errors = ErrorDict()  # a dropped item is not checked

    def main(self) -> list[forms.BoundField]:
        """The fields that fit one phone screen: wording, label, kind, schedule, minutes."""
        return [self[name] for name in self.main_fields]

    def more(self) -> list[forms.BoundField]:
        """The fields folded away: weekdays, sessions, where, who."""
        return [self[name] for name in self.more_fields]

    @property
    def more_has_errors(self) -> bool:
        return any(name in self.errors for name in self.more_fields)

    @property
    def kept(self) -> bool:
        return bool(self.is_bound and self.cleaned_data.get("keep"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("keep"):
            return data
        minutes, period = data.get("minutes"), data.get("period") or ""
        apply_rule(self, "period", validation.validate_period_for_minutes, minutes, period)
        apply_rule(self, "minutes", validation.validate_minutes_for_period, minutes, period)
        apply_rule(self, "sessions", validation.validate_sessions_need_period, data.get("sessions"), period)
        apply_rule(self, "minutes", validation.validate_flexible_has_amount, data.get("schedule"), minutes, period)
        apply_rule(self, "days", validation.validate_weekdays_chosen, data.get("schedule"), data.get("days") or [])
        return data

    def item(self) -> dict[str, Any]:
        """The reviewed item as the plain dict ``plans.importing`` saves."""
        data = self.cleaned_data
        return {
            **{name: data.get(name) for name in ("wording", "label", "kind", "schedule", "minutes", "period")},
            **{name: data.get(name) for name in ("sessions", "session_minutes", "setting", "responsible_staff")},
            "weekdays": [int(day) for day in data.get("days") or []],
        }


def candidate_initial(candidate: dict[str, Any]) -> dict[str, Any]:
    """A found candidate (``plans.iep_import`` dict) as the review form's initial values."""
    return {
        "keep": True,
        "wording": candidate.get("wording", ""),
        "label": candidate.get("label", ""),
        "kind": candidate.get("kind") or Provision.Kind.OTHER,
        "schedule": candidate.get("schedule") or "every_day",
        "minutes": candidate.get("minutes"),
        "period": candidate.get("period") or "",
        "days": [str(day) for day in candidate.get("weekdays") or []],
        "sessions": candidate.get("sessions"),
        "session_minutes": candidate.get("session_minutes"),
        "setting": candidate.get("setting", ""),
        "responsible_staff": candidate.get("provider", ""),
        "frequency": candidate.get("frequency", ""),
        "page": candidate.get("page") or None,
    }


CandidateFormSet = forms.formset_factory(CandidateForm, extra=0, max_num=300, absolute_max=300)


# --- Calendar -----------------------------------------------------------------------------------


class CalendarFileForm(TextCheckMixin, forms.Form):
    ics = forms.FileField(
        label=_("The district calendar (.ics file)"),
        help_text=_("Most districts publish one: look for “Subscribe”, “iCal” or “Export” on the district calendar."),
        widget=forms.ClearableFileInput(attrs={"accept": "text/calendar,.ics"}),
    )

    def clean_ics(self) -> bytes:
        upload = self.cleaned_data["ics"]
        if upload.size > 2_000_000:
            raise forms.ValidationError(_("This file is too big for a school calendar (2 MB at most)."))
        return cast(bytes, upload.read())


class CalendarReviewForm(TextCheckMixin, forms.Form):
    """The school year proposed from the .ics file: first and last day, then each day off kept or dropped."""

    name = forms.CharField(label=_("Name"), max_length=80)
    first_day = forms.DateField(label=_("First day of school"), widget=DateInput())
    last_day = forms.DateField(label=_("Last day of school"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        apply_rule(
            self, "last_day", validation.validate_not_before, data.get("last_day"), data.get("first_day"), "first day"
        )
        return data
