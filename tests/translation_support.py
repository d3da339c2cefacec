"""Translation in tests: every message a module translates, marked as a translation would replace it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from types import ModuleType
from unittest import mock

from django.utils import translation


def _one(message: str) -> str:
    return f"«{message}»"


def _plural(singular: str, plural: str, count: int) -> str:
    return f"«{singular if count == 1 else plural}»"


def _context(_context: str, message: str) -> str:
    return f"«{message}»"


MARKERS = ((translation.gettext, _one), (translation.ngettext, _plural), (translation.pgettext, _context))


@contextmanager
def marking(*modules: ModuleType) -> Iterator[None]:
    """Within: every ``gettext``/``ngettext``/``pgettext`` call the given modules make (under whatever
    name they imported it, ``_`` included) returns its message wrapped in «». Lazy labels and
    ``gettext_noop`` are left alone: they are not these functions."""
    with ExitStack() as stack:
        for module in modules:
            for name, value in list(vars(module).items()):
                for function, marker in MARKERS:
                    if value is function:
                        stack.enter_context(mock.patch.object(module, name, marker))
        yield
