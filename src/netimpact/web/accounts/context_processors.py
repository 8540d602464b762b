"""What every page needs to know about the person viewing it (the header shows the role)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Role


def roles(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    role = Role(user.role) if signed_in and user.role in Role.values else None
    return {
        "current_role": role,
        "current_role_label": role.label if role else "Public",
        "is_officer": role == Role.OFFICER,
        "can_use_admin": bool(role == Role.OFFICER and user.is_staff and user.is_active),
    }
