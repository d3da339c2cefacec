"""The hook to correspondence: nothing without the app, plain FollowUp values with it."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from unittest import mock

from reminders import follow_ups
from reminders.follow_ups import FollowUp


def test_without_the_correspondence_app_there_are_no_follow_ups() -> None:
    with mock.patch.object(follow_ups, "_installed", return_value=False):
        assert follow_ups.overdue_follow_ups(object(), date(2026, 11, 24)) == []
        assert follow_ups.follow_ups_due(object()) == []


def test_with_the_app_its_overdue_follow_ups_become_plain_values() -> None:
    communication = SimpleNamespace(pk=7, title="Speech make-up plan", follow_up_due=date(2026, 11, 20))
    service = SimpleNamespace(overdue_follow_ups=mock.Mock(return_value=[communication]))
    child = object()
    with (
        mock.patch.object(follow_ups, "_installed", return_value=True),
        mock.patch.object(follow_ups, "_service", return_value=service),
    ):
        assert follow_ups.overdue_follow_ups(child, date(2026, 11, 24)) == [
            FollowUp(7, "Speech make-up plan", date(2026, 11, 20))
        ]
    service.overdue_follow_ups.assert_called_once_with(child, date(2026, 11, 24))
