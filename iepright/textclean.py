"""The one validation path for text and dates that people type: forms and the JSON API alike.

Refuse, never silently change: what a parent wrote is evidence, so a character we cannot store or
print is answered with a clear message next to the field instead of being dropped. The same rules
hold on SQLite and PostgreSQL (PostgreSQL cannot store NUL; neither can encode a lone surrogate;
control characters break Typst reports and .ics files).

- ``validate_text(value, multiline=...)``: no NUL, no lone surrogates (U+D800..U+DFFF), no control
  characters (C0 except tab and newlines in multi-line text, DEL, C1), no U+FFFD (what broken
  UTF-8 in a form post decodes to); a single-line value (a name, a label) has no line break or tab.
- ``validate_sane_date(day)``: a date between 1990-01-01 and 2100-12-31 (EARLIEST_DATE, LATEST_DATE).
- ``TextCheckMixin``: put first in a form's bases; it adds both checks to every text and date field.
  A field is single-line unless its widget is a Textarea or its name is in ``multiline_fields``.

The API calls ``validate_text`` and ``validate_sane_date`` on its input (a ValidationError there is
its 422). This module is a leaf: it imports only Django, so any app may import it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)

LINE_BREAKS = "\n\r\u2028\u2029\x0b\x0c\x85"
ALLOWED_IN_MULTILINE = "\n\r\t"
# What a form post's broken UTF-8 (a lone surrogate sent as bytes) turns into when Django decodes it.
REPLACEMENT = "\ufffd"


def bad_character(value: str, multiline: bool) -> str | None:
    """The first character of ``value`` we refuse, or None."""
    for char in value:
        if multiline and char in ALLOWED_IN_MULTILINE:
            continue
        if char in LINE_BREAKS or char == "\t":
            return char
        if char == REPLACEMENT:
            return char
        category = unicodedata.category(char)
        if category in ("Cc", "Cs"):  # control characters (NUL, ESC, DEL, C1) and lone surrogates
            return char
    return None


def describe(char: str) -> str:
    """A plain name for a refused character, for the message."""
    if char == "\x00":
        return _("an empty (NUL) character")
    if char in LINE_BREAKS:
        return _("a line break")
    if char == "\t":
        return _("a tab")
    if char == REPLACEMENT or unicodedata.category(char) == "Cs":
        return _("a broken character (half of an emoji or symbol)")
    return _("an invisible control character (U+%(code)04X)") % {"code": ord(char)}


def validate_text(value: Any, multiline: bool = False) -> None:
    """Raise ValidationError if ``value`` holds a character we refuse (see the module docstring)."""
    if not isinstance(value, str) or not value:
        return
    char = bad_character(value, multiline)
    if char is None:
        return
    if not multiline and char in LINE_BREAKS:
        raise ValidationError(_("Please keep this on one line."), code="line_break")
    raise ValidationError(
        _(
            "This text contains %(character)s, which cannot be saved. It often comes from copying and "
            "pasting: please type it again."
        )
        % {"character": describe(char)},
        code="bad_character",
    )


def one_line(value: str) -> str:
    """``value`` with every character ``validate_text`` refuses on one line turned into a space.

    For output that must stay on one line whatever an older record holds (an .ics summary).
    """
    if bad_character(value, multiline=False) is None:
        return value
    return " ".join("".join(" " if bad_character(char, multiline=False) else char for char in value).split())


def validate_single_line(value: Any) -> None:
    validate_text(value, multiline=False)


def validate_multiline(value: Any) -> None:
    validate_text(value, multiline=True)


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def is_sane_date(day: date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


def validate_sane_date(day: Any) -> None:
    """Dates before 1990 or after 2100 are typing mistakes here (and break date arithmetic at the edges)."""
    if isinstance(day, datetime):
        day = day.date()
    if isinstance(day, date) and not is_sane_date(day):
        raise ValidationError(
            _("Please check the year: enter a date between %(earliest)s and %(latest)s.")
            % {"earliest": long_date(EARLIEST_DATE), "latest": long_date(LATEST_DATE)},
            code="date_out_of_range",
        )


class TextCheckMixin:
    """Adds ``validate_text`` to every text field and ``validate_sane_date`` to every date field.

    Put it before the form class in the bases: ``class ChildForm(TextCheckMixin, forms.ModelForm)``.
    """

    multiline_fields: ClassVar[frozenset[str]] = frozenset()
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_text_checks(self.fields, self.multiline_fields)


def add_text_checks(fields: dict[str, forms.Field], multiline_fields: frozenset[str] | set[str] = frozenset()) -> None:
    """Add the checks to ``fields`` (a form's ``self.fields``), once each."""
    for name, field in fields.items():
        check: Callable[[Any], None]
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            multiline = isinstance(field.widget, forms.Textarea) or name in multiline_fields
            check = validate_multiline if multiline else validate_single_line
        elif isinstance(field, forms.DateField | forms.DateTimeField):
            check = validate_sane_date
        else:
            continue
        if check not in field.validators:
            field.validators.append(check)
