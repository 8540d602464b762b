"""The audit trail in the admin, read only: events are recorded by the service, never added or edited."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditChainHead, AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "when", "kind", "exercise_key", "actor_label", "summary")
    list_filter = ("kind", "when")
    search_fields = ("exercise_key", "actor_label", "summary", "hash")
    list_select_related = ("actor",)


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("pk", "events", "last_hash")
