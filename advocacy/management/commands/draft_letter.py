"""Print a letter drafted from the log: ``manage.py draft_letter --child ID --kind KIND [--from D --to D] [--provision ID ...]``.

The same text the letter page drafts (``advocacy.letters.draft_letter``); the parent's name is the
household owner's display name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Membership, Role
from advocacy.letters import draft_letter
from advocacy.rules import LETTER_KINDS
from plans.models import Child


class Command(BaseCommand):
    help = "Print a letter drafted from a child's log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--child", type=int, required=True, help="The child's id.")
        parser.add_argument("--kind", required=True, choices=sorted(LETTER_KINDS), help="The kind of letter.")
        parser.add_argument("--from", dest="start", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument("--provision", type=int, action="append", default=None, help="A provision id (repeat).")

    def handle(self, *args: Any, **options: Any) -> None:
        child = Child.objects.filter(pk=options["child"]).select_related("household").first()
        if child is None:
            raise CommandError(f"There is no child {options['child']}.")
        owner = Membership.objects.filter(household=child.household, role=Role.OWNER).select_related("user").first()
        parent_name = owner.user.display_name if owner else ""
        draft = draft_letter(
            child,
            options["kind"],
            parent_name=parent_name,
            start=options["start"],
            end=options["end"],
            provision_ids=options["provision"],
        )
        self.stdout.write(f"Subject: {draft.subject}\n\n{draft.body}", ending="")
