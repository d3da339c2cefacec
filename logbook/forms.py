"""Forms of the daily log pages: they parse; the rules live in ``logbook.services``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from iepright.textclean import TextCheckMixin
from logbook.models import MissReason, Source, Status


class EntryForm(TextCheckMixin, forms.Form):
    multiline_fields = frozenset({"note"})  # a textarea in the template
    provision = forms.IntegerField(widget=forms.HiddenInput)
    is_makeup = forms.TypedChoiceField(
        choices=[("0", "regular session"), ("1", "make-up session")],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=False,  # type: ignore[arg-type]
    )
    status = forms.ChoiceField(
        choices=Status.choices,
        error_messages={
            "required": "Choose what happened: delivered, partly, missed, not applicable or don't know.",
            "invalid_choice": "Choose delivered, partly, missed, not applicable or don't know.",
        },
    )
    minutes_delivered = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=600,
        error_messages={"invalid": "Write the minutes as a whole number, e.g. 30."},
    )
    miss_reason = forms.ChoiceField(choices=[("", ""), *MissReason.choices], required=False)
    source = forms.ChoiceField(choices=[("", ""), *Source.choices], required=False)
    reported_by = forms.CharField(max_length=120, required=False)
    note = forms.CharField(max_length=5000, required=False)
    edit_reason = forms.CharField(max_length=300, required=False)
    # The entry's version the page showed (0: none yet); a save from an older one is refused.
    base_version = forms.IntegerField(required=False, min_value=0)
    client_id = forms.UUIDField(error_messages={"invalid": "This form is out of date. Please reload the page."})


class DayNoteForm(TextCheckMixin, forms.Form):
    multiline_fields = frozenset({"note"})
    tags = forms.MultipleChoiceField(required=False)  # choices are set to the family's tags
    new_tag = forms.CharField(max_length=200, required=False)
    note = forms.CharField(max_length=5000, required=False)
    client_id = forms.UUIDField(error_messages={"invalid": "This form is out of date. Please reload the page."})

    def __init__(self, *args: object, tag_choices: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["tags"].choices = [(tag, tag) for tag in tag_choices]  # type: ignore[attr-defined]

    def all_tags(self) -> list[str]:
        """The ticked tags plus the new ones typed in (comma separated)."""
        typed = [tag for tag in self.cleaned_data.get("new_tag", "").split(",") if tag.strip()]
        return [*self.cleaned_data.get("tags", []), *typed]


class AllDeliveredForm(TextCheckMixin, forms.Form):
    client_id = forms.UUIDField(error_messages={"invalid": "This form is out of date. Please reload the page."})


class RetractForm(TextCheckMixin, forms.Form):
    reason = forms.CharField(
        max_length=300,
        error_messages={"required": "Say briefly why this entry should be withdrawn."},
    )


class SameAsForm(TextCheckMixin, forms.Form):
    source_day = forms.DateField(error_messages={"invalid": _("This form is out of date. Please reload the page.")})
    client_id = forms.UUIDField(error_messages={"invalid": _("This form is out of date. Please reload the page.")})


class CatchUpForm(TextCheckMixin, forms.Form):
    """The days of one week to mark "Everything delivered"; a day outside ``week`` is refused, not dropped."""

    days = forms.TypedMultipleChoiceField(
        coerce=date.fromisoformat,
        error_messages={
            "required": _("Tick at least one day to mark as delivered."),
            "invalid_choice": _("Only days of this week can be marked here. Nothing was saved."),
        },
    )
    client_id = forms.UUIDField(error_messages={"invalid": _("This form is out of date. Please reload the page.")})

    def __init__(self, *args: Any, week: list[date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [(day.isoformat(), day.isoformat()) for day in week]  # type: ignore[attr-defined]
