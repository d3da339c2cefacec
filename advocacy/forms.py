"""Forms of the advocacy pages: they parse; the rules live in ``advocacy.services``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from advocacy.models import KIND_CHOICES
from advocacy.rules import PWN_ELEMENTS
from correspondence.forms import provision_choices
from correspondence.models import Channel
from iepright.textclean import TextCheckMixin
from plans.models import Child

STALE = {"invalid": _("This form is out of date. Please reload the page.")}
DATE = forms.DateInput(attrs={"type": "date"})


class DraftOptionsForm(TextCheckMixin, forms.Form):
    """What the letter is about: read from the query string, so changing it redrafts the letter."""

    kind = forms.ChoiceField(label=_("Letter"), choices=KIND_CHOICES)
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    provision = forms.TypedMultipleChoiceField(
        label=_("IEP items"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the items with the most misses (one for an email to the case manager)."),
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provision"].choices = provision_choices(child)  # type: ignore[attr-defined]


class LetterForm(TextCheckMixin, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(
        label=_("Letter"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "letter-text"}),
        help_text=_("Edit it freely. Replace every [fill in: ...] before you send it."),
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput, error_messages=STALE)


class SentForm(TextCheckMixin, forms.Form):
    day = forms.DateField(label=_("Sent on"), widget=DATE)
    channel = forms.ChoiceField(
        label=_("How"),
        choices=[
            (Channel.EMAIL, _("Email")),
            (Channel.LETTER, _("Letter (post or by hand)")),
            (Channel.PORTAL, _("School portal")),
        ],
        widget=forms.RadioSelect,
    )
    follow_up_due = forms.DateField(
        label=_("Follow up by"),
        required=False,
        widget=DATE,
        help_text=_("If no answer by then, the overview reminds you."),
    )


class NoticeForm(TextCheckMixin, forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    action = forms.CharField(label=_("What the school proposes or refuses"), max_length=300)
    proposes = forms.TypedChoiceField(
        label=_("The school"),
        choices=[("0", _("refuses something")), ("1", _("proposes something"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    elements = forms.MultipleChoiceField(
        label=_("What the notice contains"),
        choices=[(key, f"{label} ({cite})") for key, label, cite in PWN_ELEMENTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick each item you find in the notice. A missing item is worth asking about in writing."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("The notice (photo or PDF)"), required=False)
    client_id = forms.UUIDField(widget=forms.HiddenInput, error_messages=STALE)


class CostForm(TextCheckMixin, forms.Form):
    date = forms.DateField(label=_("Date paid"), widget=DATE)
    provider = forms.CharField(label=_("Who provided it"), max_length=160)
    description = forms.CharField(
        label=_("What it was"), max_length=300, help_text=_("e.g. private speech therapy, 2 sessions")
    )
    amount = forms.DecimalField(
        label=_("Amount paid ($)"), min_value=Decimal("0.01"), max_value=Decimal("1000000"), decimal_places=2
    )
    provision_ids = forms.TypedMultipleChoiceField(
        label=_("IEP items it replaced"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    receipt = forms.FileField(label=_("Receipt (photo or PDF)"), required=False)
    client_id = forms.UUIDField(widget=forms.HiddenInput, error_messages=STALE)

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provision_ids"].choices = provision_choices(child)  # type: ignore[attr-defined]


class RetractForm(TextCheckMixin, forms.Form):
    reason = forms.CharField(label=_("Why withdraw it?"), max_length=300)
