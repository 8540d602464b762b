"""Only commissioning officers reach the import pages (the demo register is loaded for this module)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["public", "panel", "bidder", "partner"])
def test_only_officers_may_import(signed_in, role: str) -> None:
    client = signed_in(role)
    for name in ("imports:start", "imports:runs", "imports:reviews", "imports:merges"):
        response = client.get(reverse(name))
        assert response.status_code in (302, 403), (role, name)
    assert client.post(reverse("imports:undo_merge", args=[1])).status_code in (302, 403)


def test_an_officer_sees_the_import_pages_over_the_demo(signed_in) -> None:
    client = signed_in("officer")
    for name in ("imports:start", "imports:runs", "imports:reviews", "imports:merges"):
        assert client.get(reverse(name)).status_code == 200
    assert "Import open data" in client.get(reverse("register:home")).content.decode()
