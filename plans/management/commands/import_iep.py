"""Read an IEP PDF: ``manage.py import_iep FILE.pdf --dry-run`` prints what the import page would offer.

The same extraction as the import page (``plans.iep_import.extract``), as JSON: the candidates
(wording, kind, schedule, minutes, period, sessions, provider, setting, page ...) and the dates
found. Without ``--dry-run``, ``--child ID --by EMAIL`` saves the document and every candidate as a
new draft IEP of that child, recorded in the ledger as done by that person.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from plans.iep_import import DocumentError, extract
from plans.importing import create_imported_iep, store_import_document
from plans.models import Child, Iep
from plans.services import PlanError


class Command(BaseCommand):
    help = "Print the provisions and dates found in an IEP PDF as JSON; save them as a draft IEP with --child."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The IEP as a PDF.")
        parser.add_argument("--dry-run", action="store_true", help="Only print what was found; save nothing.")
        parser.add_argument("--child", type=int, help="The child (id) whose new draft IEP this is.")
        parser.add_argument("--by", help="The email of the person the ledger records as importing it.")
        parser.add_argument("--no-ocr", action="store_true", help="Do not read scanned pages with Tesseract.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        data = path.read_bytes()
        try:
            found = extract(data, ocr=not options["no_ocr"])
        except DocumentError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(found.as_dict(), indent=2, ensure_ascii=False))
        if options["dry_run"]:
            return
        if not options["child"] or not options["by"]:
            raise CommandError("Say --child ID and --by EMAIL to save a draft IEP, or --dry-run to only print.")
        child = Child.objects.filter(pk=options["child"]).first()
        user = User.objects.filter(email__iexact=options["by"]).first()
        if child is None or user is None:
            raise CommandError("No such child or person.")
        if "effective_from" not in found.dates:
            raise CommandError("The IEP's start date was not found; import it on the page and type the date.")
        iep = Iep(child=child, **{name: date.fromisoformat(found.dates[name]) for name in found.dates})
        try:
            document = store_import_document(child, SimpleUploadedFile(path.name, data), user)
            iep, provisions = create_imported_iep(child, iep, found.candidates, user=user, document=document)
        except PlanError as error:
            raise CommandError(str(error)) from error
        self.stderr.write(f"Draft IEP {iep.pk} with {len(provisions)} items saved for {child}.")
