"""The words models put in front of people are marked for translation: the labels of every choice
(status words, miss reasons, sources, item kinds...), the verbose names that become form labels and
column headings, and the help texts. Unlike tests/test_translation_marks.py, which reads source, this
looks at the loaded models, so a label set anywhere (a TextChoices class, a field, a Meta) is seen.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.utils.functional import Promise

# The project's own apps (Django's and allauth's models are translated upstream).
OUR_APPS = {
    "accounts",
    "advocacy",
    "api",
    "correspondence",
    "deadlines",
    "evidence",
    "insights",
    "logbook",
    "plans",
    "reminders",
    "reports",
}


def _plain(text: object) -> bool:
    """A non-empty sentence that will not pass through gettext."""
    return isinstance(text, str) and not isinstance(text, Promise) and bool(text.strip())


def unmarked_model_words() -> list[str]:
    found: list[str] = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in OUR_APPS:
            continue
        for option in ("verbose_name", "verbose_name_plural"):
            if _plain(meta.original_attrs.get(option)):
                found.append(f"{meta.label} Meta.{option}: {meta.original_attrs[option]}")
        for field in meta.local_fields + list(meta.local_many_to_many):
            assert isinstance(field, models.Field)
            if field.auto_created:  # the primary key Django adds ("ID"), never shown to a person
                continue
            if _plain(field._verbose_name):  # type: ignore[attr-defined]  # the argument as given
                found.append(f"{meta.label}.{field.name} verbose_name: {field._verbose_name}")  # type: ignore[attr-defined]
            if _plain(field.help_text):
                found.append(f"{meta.label}.{field.name} help_text: {field.help_text}")
            for value, label in field.flatchoices or []:
                if _plain(label):
                    found.append(f"{meta.label}.{field.name} choice {value!r}: {label}")
    return sorted(set(found))


def test_every_model_label_choice_and_help_text_is_marked() -> None:
    assert unmarked_model_words() == []


def test_the_check_sees_the_apps_and_their_choices() -> None:
    """Guard against a check that passes because it looks at nothing."""
    labels = {model._meta.label for model in apps.get_models() if model._meta.app_label in OUR_APPS}
    assert {"logbook.LogEntry", "plans.Provision", "reports.GeneratedReport", "correspondence.Communication"} <= labels
    status = apps.get_model("logbook", "LogEntry")._meta.get_field("status")
    assert len(status.flatchoices) >= 5
