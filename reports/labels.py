"""Choice labels in a report's data, in the language the report is made in.

A report's data is handed to the renderer as JSON, so every label in it must be a plain ``str`` when
the data is built. The labels are lazy translations (the models' choices, and the tables of
``reports.data`` and ``reports.communications``, all ``gettext_lazy``): ``choice_label`` turns one
into its words in the active language at that moment (``translation.override`` around the build,
or the request's language).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def choice_label(labels: Mapping[Any, Any], value: str, empty: Any = "") -> str:
    """The words for ``value`` in ``labels`` (a choices dict) in the active language, as plain text;
    ``empty`` when ``value`` is empty, and ``value`` itself when ``labels`` does not know it."""
    if not value:
        return str(empty)
    return str(labels.get(value, value))
