"""Template filters of the account pages."""

from __future__ import annotations

from django import template

from accounts.devices import describe_device

register = template.Library()


@register.filter
def device(user_agent: str) -> str:
    """A session's browser and system in plain words: ``{{ session.user_agent|device }}``."""
    return describe_device(user_agent or "")
