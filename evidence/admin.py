"""Read-only admin for the ledger and attachments: look, never touch."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from evidence.fields import SHA256_HEX
from evidence.models import Attachment, EvidenceRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EvidenceRecord)
class EvidenceRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "child_id",
        "seq",
        "kind",
        "object_type",
        "object_id",
        "event_date",
        "recorded_at",
        "recorded_by_name",
    ]
    list_filter = ["object_type", "kind"]
    search_fields = ["object_id"]
    ordering = ["child_id", "-seq"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[EvidenceRecord], search_term: str
    ) -> tuple[QuerySet[EvidenceRecord], bool]:
        """By object id as usual, and by hash when the term is one: hashes are stored as bytes, so
        only a whole hash is looked up, not a part of one. The hash has no index (evidence/0009): this
        reads the whole table, which a rare staff search can afford."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lower()
        if SHA256_HEX.fullmatch(term):
            found |= queryset.filter(hash=term)
        return found, may_have_duplicates


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "child_id", "content_type", "size", "uploaded_at", "object_type", "object_id"]
    list_filter = ["content_type"]
    search_fields = ["sha256", "original_name"]
