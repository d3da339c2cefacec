"""The dashboard's filters: a GET form that works without JavaScript."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from iepright.textclean import TextCheckMixin

MAX_DAYS = 6 * 366  # six school years at most on one page

PRESETS = [
    ("year", "This school year"),
    ("30d", "Last 30 days"),
    ("custom", "Choose dates"),
]


class InsightsFilterForm(TextCheckMixin, forms.Form):
    """Range (preset or custom from/to) and provisions. Field names are the GET parameters."""

    range = forms.ChoiceField(
        label=_("Dates"), choices=PRESETS, required=False, initial="year", widget=forms.RadioSelect
    )
    provision = forms.MultipleChoiceField(
        label=_("Provisions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to see every provision."),
    )

    def __init__(self, *args: Any, provision_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        date_input = {"type": "date"}
        # "from" is a Python keyword, so these two are added by name.
        self.fields["from"] = forms.DateField(
            label=_("From"), required=False, widget=forms.DateInput(attrs=date_input, format="%Y-%m-%d")
        )
        self.fields["to"] = forms.DateField(
            label=_("To"), required=False, widget=forms.DateInput(attrs=date_input, format="%Y-%m-%d")
        )
        self.fields["provision"].choices = [(str(pk), label) for pk, label in provision_choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date | None = data.get("from")
        end: date | None = data.get("to")
        preset = data.get("range") or ("custom" if start or end else "year")
        data["range"] = preset
        if preset == "custom":
            if start is None:
                self.add_error("from", _("Choose the first day."))
            if end is None:
                self.add_error("to", _("Choose the last day."))
            if start and end:
                if end < start:
                    self.add_error("to", _("The last day must be on or after the first day."))
                elif end - start > timedelta(days=MAX_DAYS):
                    self.add_error("to", _("Choose at most six years at a time."))
        return data

    def provision_ids(self) -> list[int] | None:
        chosen = self.cleaned_data.get("provision") or []
        return [int(pk) for pk in chosen] or None
