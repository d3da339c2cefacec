"""Choice labels in a report's data, in the language the report is made in.

A report's data is handed to the renderer as JSON, so every label in it must be a plain ``str`` when
the data is built: a lazy translation (``gettext_lazy``) does not serialise. ``choice_label`` looks
the words up through ``gettext`` at that moment, in the active language (``translation.override``
around the build, or the request's language).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext


def choice_label(labels: Mapping[Any, Any], value: str, empty: str = "") -> str:
    """The words for ``value`` in ``labels`` (a choices dict), translated now; ``empty`` (translated)
    when ``value`` is empty, and ``value`` itself when ``labels`` does not know it."""
    if not value:
        return gettext(empty) if empty else ""
    words = labels.get(value)
    return gettext(str(words)) if words is not None else value
