"""The Django admin for plan records.

Children can be edited here. IEPs, provisions, calendars and absences are shown read-only: a change
to them must go through the app, which records it in the evidence ledger in the same transaction.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from plans.models import Absence, Child, Iep, NonSchoolDay, Provision, SchoolCalendar


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by a superuser; changed only through the app, so the ledger stays complete."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ["name", "household", "grade", "school", "state"]
    list_filter = ["state"]
    search_fields = ["name", "school", "district", "household__name"]
    autocomplete_fields = ["household"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Deleting a child's records is the household owner's right, done through the app's erase
        # feature, which also handles the evidence ledger.
        return False


class ProvisionInline(ReadOnlyInline):
    model = Provision
    fields = ["position", "kind", "label", "schedule", "minutes", "period"]


@admin.register(Iep)
class IepAdmin(ReadOnlyAdmin):
    list_display = ["child", "effective_from", "effective_to", "status", "case_manager_name"]
    list_filter = ["status"]
    search_fields = ["child__name", "case_manager_name"]
    inlines = [ProvisionInline]


@admin.register(Provision)
class ProvisionAdmin(ReadOnlyAdmin):
    list_display = ["label", "kind", "iep", "schedule", "minutes", "period"]
    list_filter = ["kind", "schedule", "period"]
    search_fields = ["label", "wording", "iep__child__name"]


class NonSchoolDayInline(ReadOnlyInline):
    model = NonSchoolDay
    fields = ["name", "start", "end"]


@admin.register(SchoolCalendar)
class SchoolCalendarAdmin(ReadOnlyAdmin):
    list_display = ["name", "child", "first_day", "last_day"]
    search_fields = ["name", "child__name"]
    inlines = [NonSchoolDayInline]


@admin.register(Absence)
class AbsenceAdmin(ReadOnlyAdmin):
    list_display = ["child", "date", "reason"]
    search_fields = ["child__name", "reason"]
    date_hierarchy = "date"
