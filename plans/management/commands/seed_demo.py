"""Load the demo family: ``manage.py seed_demo [--if-empty] [--today YYYY-MM-DD]``."""

from __future__ import annotations

import importlib
import importlib.util
from datetime import date
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from plans.demo import DEMO_PEOPLE, DemoFamily, build_family


def extend_demo(family: DemoFamily) -> list[str]:
    """HOOK for later issues: every app with a ``demo`` module defining ``extend_demo(family)`` adds its part.

    Apps run in INSTALLED_APPS order (bottom of the import order first), e.g. ``logbook.demo.extend_demo``
    adds a year of logs, then the apps above it build on those. Returns the names of the apps that ran.
    """
    ran = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if config.name == "plans" or importlib.util.find_spec(module_name) is None:
            continue
        extend = getattr(importlib.import_module(module_name), "extend_demo", None)
        if extend is not None:
            extend(family)
            ran.append(config.label)
    return ran


class Command(BaseCommand):
    help = "Load a demo family (two parents, an advocate, two children with IEPs and a school year)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database already has any account."
        )
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="Pretend today is this date (YYYY-MM-DD)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        demo_loaded = User.objects.filter(email=DEMO_PEOPLE[0][0]).exists()
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("The database already has accounts, so the demo family was not added.")
            if demo_loaded:
                self._print_logins()
            return
        if demo_loaded:
            raise CommandError("The demo family is already loaded.")
        family = build_family(options["today"] or timezone.localdate())
        extended = extend_demo(family)
        names = " and ".join(child.name for child in family.children)
        self.stdout.write(self.style.SUCCESS(f"Demo family loaded: {family.household.name}, with {names}."))
        if extended:
            self.stdout.write(f"Added by: {', '.join(extended)}.")
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write("  Demo sign-in (email / password):")
        for email, password, _name, _role, description in DEMO_PEOPLE:
            self.stdout.write(f"    {email} / {password}   ({description})")
        self.stdout.write("  These passwords are public: use the demo only on your own machine.")
        self.stdout.write("")
