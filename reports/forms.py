"""The report form: which report, which days, which provisions, and the parent's own words."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from iepright.textclean import TextCheckMixin
from plans.models import Child, Provision
from reports.models import GeneratedReport

BATES_PREFIX = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,23}")


class ReportForm(TextCheckMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Which report"),
        choices=GeneratedReport.Kind.choices,
        widget=forms.RadioSelect,
        initial=GeneratedReport.Kind.SUMMARY,
    )
    start = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    provisions = forms.ModelMultipleChoiceField(
        label=_("Provisions"),
        queryset=Provision.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to include every provision."),
    )
    bates_prefix = forms.CharField(
        label=_("Page number prefix"),
        max_length=24,
        required=False,
        help_text=_(
            "Printed before the page number on every page, e.g. RIVERA-000001. The numbers run on across all of "
            "your household's reports, so no two pages ever share a number."
        ),
    )
    ask = forms.CharField(
        label=_("What we are asking for"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Printed in the meeting summary. Short and specific, e.g. a make-up plan for missed speech sessions."
        ),
    )

    def __init__(self, child: Child, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        field = self.fields["provisions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        # One choice per provision, however many IEP versions it went through: the numbers follow a
        # provision's whole history (its lineage) whichever version is chosen, as on the insights page.
        versions = (
            Provision.objects.filter(iep__child=child)
            .exclude(iep__status="draft")
            .order_by("iep__effective_from", "position", "pk")
            .values_list("pk", "lineage")
        )
        latest = {lineage: pk for pk, lineage in versions}
        field.queryset = Provision.objects.filter(pk__in=latest.values()).order_by("position", "pk")
        field.label_from_instance = lambda p: p.label  # type: ignore[method-assign,assignment]
        if not self.is_bound:
            today = date.today()
            first = child.calendars.order_by("-first_day").values_list("first_day", flat=True).first()
            self.initial.setdefault("start", first if first and first <= today else date(today.year, 1, 1))
            self.initial.setdefault("end", today)
            surname = child.name.split()[-1] if child.name.split() else "IEP"
            self.initial.setdefault("bates_prefix", re.sub(r"[^A-Z0-9]", "", surname.upper())[:16] + "-")

    def clean_bates_prefix(self) -> str:
        prefix = self.cleaned_data["bates_prefix"].strip().upper()
        if prefix and not BATES_PREFIX.fullmatch(prefix):
            raise forms.ValidationError(
                _("Use capital letters, digits, dashes or underscores (up to 24), e.g. RIVERA-.")
            )
        return prefix

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date is before the start date."))
            elif (end - start).days > 366 * 6:
                self.add_error("end", _("A report covers at most six years; choose a shorter range."))
        return data

    def report_options(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "start": data["start"],
            "end": data["end"],
            "provision_ids": [p.pk for p in data["provisions"]] or None,
            "bates_prefix": data["bates_prefix"],
            "ask": data["ask"].strip(),
        }
