"""The form that makes a personal access token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import Scope
from iepright.textclean import TextCheckMixin


class TokenForm(TextCheckMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("Where you will use it, e.g. “Phone app” or “Backup script”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=[
            (Scope.READ.value, _("Read only: see records, change nothing")),
            (Scope.WRITE.value, _("Read and write: may also log entries and notes")),
        ],
        initial=Scope.READ.value,
        widget=forms.RadioSelect,
    )
