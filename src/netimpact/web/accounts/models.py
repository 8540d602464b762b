"""The user model: every signed-in person holds exactly one role. Anonymous visitors are the public."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "Commissioning officer"
    PANEL = "panel", "Panel member"
    BIDDER = "bidder", "Bidder"
    PARTNER = "partner", "Partner organisation"


class User(AbstractUser):
    role = models.CharField(
        max_length=16,
        choices=Role.choices,
        # Bidder is the narrowest default: without an organisation a bidder sees only public pages.
        default=Role.BIDDER,
        help_text="What this person may see and do; see docs/roles.md.",
    )

    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
        help_text="For bidders and partners: the organisation this person speaks for.",
    )

    # createsuperuser asks for the role, so the first officer is not left as a bidder by accident.
    REQUIRED_FIELDS = ["email", "role"]  # noqa: RUF012

    class Meta:
        verbose_name = "user"
        verbose_name_plural = "users"

    def __str__(self) -> str:
        return self.get_username()

    @property
    def role_label(self) -> str:
        return Role(self.role).label
