"""Forms of the accounts app: sign-up with a name, the household and its invitations."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Household, Role, User
from iepright.textclean import TextCheckMixin

ROLE_CHOICES = [
    (Role.EDITOR.value, _("Can log and edit: a co-parent, or an advocate who helps keep the log")),
    (Role.VIEWER.value, _("Can only read: an advocate or lawyer who reviews the records")),
]
# One plain sentence instead of the validators' list of rules.
PASSWORD_HELP = _("At least 10 characters. Not a common password, and not only numbers.")


class SignupForm(TextCheckMixin, AllauthSignupForm):
    """allauth's sign-up form with the person's name first: it appears on their records."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("Shown on the records you keep, e.g. “Dana Okafor”."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["name", "email", "password1", "password2"])
        self.fields["password1"].help_text = PASSWORD_HELP


def plain_labels(form: forms.Form, labels: dict[str, Any]) -> None:
    """Sentence-case labels instead of allauth's Title Case ones, and no placeholder repeating the label."""
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label
            form.fields[name].widget.attrs.pop("placeholder", None)


class LoginForm(TextCheckMixin, AllauthLoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_labels(self, {"remember": _("Keep me signed in on this device")})


class ChangePasswordForm(TextCheckMixin, AllauthChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_labels(
            self,
            {
                "oldpassword": _("Current password"),
                "password1": _("New password"),
                "password2": _("New password (again)"),
            },
        )
        self.fields["password1"].help_text = PASSWORD_HELP


class ResetPasswordKeyForm(TextCheckMixin, AllauthResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_labels(self, {"password1": _("New password"), "password2": _("New password (again)")})
        self.fields["password1"].help_text = PASSWORD_HELP


class HouseholdForm(TextCheckMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = ["name"]
        labels = {"name": _("Household name")}
        help_texts = {"name": _("Only members see it, e.g. “Okafor family”.")}


class InviteForm(TextCheckMixin, forms.Form):
    email = forms.EmailField(label=_("Their email address"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(
        label=_("What may they do?"), choices=ROLE_CHOICES, initial=Role.EDITOR.value, widget=forms.RadioSelect
    )


class RoleForm(TextCheckMixin, forms.Form):
    role = forms.ChoiceField(
        label=_("Access"), choices=[(Role.EDITOR.value, _("Edit")), (Role.VIEWER.value, _("Read only"))]
    )


class ProfileForm(TextCheckMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": _("Your name")}
