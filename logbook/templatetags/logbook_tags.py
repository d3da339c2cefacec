"""Template tags of the daily log.

``{% logging_reminder child %}``: the banner of unlogged school days, for any child page.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from logbook.days import reminder_for, status_icon
from plans.models import Child

register = template.Library()


@register.inclusion_tag("logbook/_reminder.html")
def logging_reminder(child: Child) -> dict[str, Any]:
    """School days in the last 14 days (today left out) with something expected and not logged."""
    return {"child": child, "reminder": reminder_for(child, timezone.localdate())}


@register.simple_tag
def choice_inputs(kind: str, name: str, choices: list[tuple[str, str]], selected: str, prefix: str) -> SafeString:
    """Radio buttons or checkboxes, each inside its label: the day page has many, rendered in Python."""
    return format_html_join(
        "\n",
        '<label class="choice"><input type="{}" name="{}" value="{}" id="{}-{}-{}"{}> {}</label>',
        (
            (kind, name, value, prefix, name, value, mark_safe(" checked") if value == selected else "", label)
            for value, label in choices
        ),
    )


@register.filter(name="status_icon")
def status_icon_filter(status: str) -> str:
    """The status's icon (logbook.days.STATUS_ICONS): always shown with its word, never alone."""
    return status_icon(status)
