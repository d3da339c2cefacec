"""Forms of the deadlines page: an event (what happened and when) and the child's disability category."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.models import DISABILITY_CHOICES, DeadlineEvent
from deadlines.rules import EVENT_KINDS
from iepright.textclean import TextCheckMixin
from plans.forms import DateInput

FAR_PAST = date(1990, 1, 1)


class EventForm(TextCheckMixin, forms.ModelForm):
    class Meta:
        model = DeadlineEvent
        fields = ["kind", "date", "note"]
        labels = {"kind": _("What happened"), "date": _("On what date"), "note": _("Note")}
        help_texts = {
            "kind": _("A scheduled meeting or hearing can be in the future."),
            "note": _("e.g. sent by email to the case manager"),
        }
        widgets = {"date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("Choose one")), *EVENT_KINDS]

    def clean_date(self) -> date:
        day: date = self.cleaned_data["date"]
        if day < FAR_PAST or day > timezone.localdate() + timedelta(days=3 * 366):
            raise forms.ValidationError(_("Enter a date between 1990 and three years from now."))
        return day


class RemoveEventForm(TextCheckMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why remove it?"), max_length=200, help_text=_("Kept in the record's history, e.g. entered twice")
    )


class DisabilityForm(TextCheckMixin, forms.Form):
    disability = forms.ChoiceField(
        label=_("Disability category"),
        choices=DISABILITY_CHOICES,
        required=False,
        help_text=_(
            "Some state rules depend on it (Pennsylvania reevaluates an intellectual disability every 2 years)."
        ),
    )
