"""Forms of the communications pages: they parse; the rules live in ``correspondence.services``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from correspondence.events import EVENT_CHOICES
from correspondence.models import Channel, Direction
from iepright.textclean import TextCheckMixin
from logbook.models import LogEntry, Status
from plans.models import Child, Provision

STALE = {"invalid": _("This form is out of date. Please reload the page.")}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def provision_choices(child: Child) -> list[tuple[int, str]]:
    provisions = Provision.objects.filter(iep__child=child).exclude(iep__status="draft").select_related("iep")
    seen: dict[str, tuple[int, str]] = {}
    for provision in provisions.order_by("-iep__effective_from", "position"):
        seen.setdefault(str(provision.lineage), (provision.pk, provision.label))
    return sorted(seen.values(), key=lambda item: item[1].casefold())


def miss_choices(child: Child, days: int = 90) -> list[tuple[int, str]]:
    """The child's logged misses (missed or partly delivered) of the last ``days`` days, newest first."""
    since = timezone.localdate() - timedelta(days=days)
    entries = (
        LogEntry.objects.counted()
        .filter(child=child, date__gte=since, status__in=[Status.MISSED, Status.PARTIAL])
        .select_related("provision")
        .order_by("-date", "provision__position")[:60]
    )
    return [
        (e.pk, f"{e.date:%b} {e.date.day}: {e.provision.label} ({e.get_status_display().lower()})") for e in entries
    ]


class CommunicationForm(TextCheckMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    channel = forms.ChoiceField(label=_("How"), choices=Channel.choices, widget=forms.RadioSelect)
    direction = forms.ChoiceField(label=_("Who started it"), choices=Direction.choices, widget=forms.RadioSelect)
    counterpart_name = forms.CharField(label=_("With whom (name)"), max_length=120, required=False)
    counterpart_role = forms.CharField(
        label=_("Their role"), max_length=120, required=False, help_text=_("e.g. case manager, principal")
    )
    subject = forms.CharField(label=_("Subject"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Summary or full text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Write what was asked, said or promised, with dates."),
    )
    provision_ids = forms.TypedMultipleChoiceField(
        label=_("IEP items it is about"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    entry_ids = forms.TypedMultipleChoiceField(
        label=_("Logged misses it is about"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The misses of the last 90 days, newest first."),
    )
    follow_up_due = forms.DateField(
        label=_("Follow up by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("If no answer comes by this date, the child's overview will remind you."),
    )
    in_reply_to = forms.TypedChoiceField(label=_("It answers"), coerce=int, required=False, empty_value=None)
    event = forms.ChoiceField(
        label=_("Did it start a deadline?"),
        choices=EVENT_CHOICES,
        required=False,
        help_text=_("The deadlines page then counts from it."),
    )
    event_day = forms.DateField(
        label=_("Date of the meeting"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only for a meeting that was scheduled."),
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Files"), required=False, help_text=_("Photos, PDFs or saved emails.")
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput, error_messages=STALE)

    def __init__(self, *args: Any, child: Child, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provision_ids"].choices = provision_choices(child)  # type: ignore[attr-defined]
        self.fields["entry_ids"].choices = miss_choices(child)  # type: ignore[attr-defined]
        earlier = child.communications.current().filter(direction=Direction.SENT).order_by("-date", "-pk")[:30]
        reply_choices: list[tuple[Any, str]] = [("", str(_("Nothing earlier")))]
        reply_choices += [(c.pk, f"{c.date:%b %-d}: {c.title}"[:80]) for c in earlier]
        self.fields["in_reply_to"].choices = reply_choices  # type: ignore[attr-defined]
        if editing:
            del self.fields["files"], self.fields["event"], self.fields["event_day"]
            self.fields["edit_reason"] = forms.CharField(
                label=_("Why are you changing it?"),
                max_length=300,
                error_messages={"required": _("Say briefly why you are changing this record.")},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("event") == "iep_meeting_scheduled" and not data.get("event_day"):
            self.add_error("event_day", _("Give the date the meeting is scheduled for."))
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "date",
                "time",
                "channel",
                "direction",
                "counterpart_name",
                "counterpart_role",
                "subject",
                "body",
                "provision_ids",
                "entry_ids",
                "follow_up_due",
                "in_reply_to",
            )
        }


class CallForm(TextCheckMixin, forms.Form):
    counterpart_name = forms.CharField(label=_("Who did you talk to?"), max_length=120)
    counterpart_role = forms.CharField(label=_("Their role"), max_length=120, required=False)
    direction = forms.ChoiceField(
        label=_("Who called?"),
        choices=[(Direction.SENT, _("I called")), (Direction.RECEIVED, _("They called me"))],
        widget=forms.RadioSelect,
        initial=Direction.SENT,
    )
    summary = forms.CharField(
        label=_("What was said or agreed?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        error_messages={"required": _("Write a line or two about what was said.")},
    )
    to_address = forms.EmailField(
        label=_("Their email"), required=False, help_text=_("To send a short 'to confirm our call' email.")
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput, error_messages=STALE)


class ImportForm(TextCheckMixin, forms.Form):
    eml = forms.FileField(
        label=_("Saved email (.eml file)"),
        required=False,
        help_text=_("In your mail program: Save as, or Download message."),
    )
    raw = forms.CharField(
        label=_("Or paste the raw message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("In Gmail: More, Show original, Copy to clipboard."),
    )
    follow_up_due = forms.DateField(
        label=_("Follow up by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput, error_messages=STALE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("eml") and not (data.get("raw") or "").strip():
            raise forms.ValidationError(_("Choose a saved email file or paste the raw message."))
        return data

    def raw_bytes(self) -> tuple[bytes, str]:
        upload = self.cleaned_data.get("eml")
        if upload:
            return b"".join(upload.chunks()), upload.name
        return self.cleaned_data["raw"].replace("\r\n", "\n").encode("utf-8"), "pasted-email.eml"


class RetractForm(TextCheckMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why withdraw it?"),
        max_length=300,
        error_messages={"required": _("Say briefly why this record should be withdrawn.")},
    )
