"""The audit trail in the admin: staff officers read it; nobody adds, changes or deletes an event there."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from netimpact.web.accounts.models import Role, User
from netimpact.web.audit.models import AuditChainHead, AuditEvent, AuditKind
from netimpact.web.audit.recorder import record_event, verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_officer_client(client):
    officer = User.objects.create_superuser("officer", "o@example.org", "pw", role=Role.OFFICER)
    client.force_login(officer)
    record_event(AuditKind.PUBLISHED, actor=officer, exercise_key="EX-1", summary="Exercise EX-1 published.")
    return client


def test_both_audit_tables_are_in_the_admin():
    assert AuditEvent in admin.site._registry and AuditChainHead in admin.site._registry


def test_staff_officers_read_events_but_cannot_add_change_or_delete(staff_officer_client):
    event = AuditEvent.objects.get()
    change_url = reverse("admin:audit_auditevent_change", args=[event.pk])

    listing = staff_officer_client.get(reverse("admin:audit_auditevent_changelist"))
    shown = staff_officer_client.get(change_url)
    assert listing.status_code == 200 and "Exercise EX-1 published." in listing.text
    assert shown.status_code == 200 and 'name="_save"' not in shown.text  # view only

    assert staff_officer_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert staff_officer_client.post(change_url, {"summary": "Rewritten."}).status_code == 403
    deleting = staff_officer_client.post(
        reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert deleting.status_code == 403
    assert staff_officer_client.get(reverse("admin:audit_auditchainhead_changelist")).status_code == 200
    assert AuditEvent.objects.get().summary == "Exercise EX-1 published." and verify_chain() is None
