"""What the importers record: each run, the uncertain matches waiting for an officer, every merge.

The register's own rows (organisations, ties, services, finances) live in the register app; these tables
only say where they came from and what an officer decided about them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from netimpact.web.register.models import Organisation


class Standard(models.TextChoices):
    THREESIXTYGIVING = "360giving", "360Giving grants (JSON, CSV or XLSX)"
    ORUK = "oruk", "Open Referral UK service directory (JSON, v3 or v1)"
    CCEW = "ccew", "Charity Commission register extract (publicextract tables, zipped or a folder)"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        IMPORTED = "imported", "Imported"
        CHECKED = "checked", "Checked (dry run: nothing written)"
        INVALID = "invalid", "Not imported: the file has problems"
        FAILED = "failed", "Failed"

    standard = models.CharField(max_length=16, choices=Standard.choices)
    file_name = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(default=0)
    skip_invalid = models.BooleanField(
        default=False, help_text="Skip invalid records (else stop the import)."
    )
    dry_run = models.BooleanField(default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_runs"
    )
    started_by_label = models.CharField(max_length=200, help_text="Who ran it (a user, or the command line).")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    records_total = models.PositiveIntegerField(default=0)
    records_invalid = models.PositiveIntegerField(default=0)
    # {"organisation": {"created": 3, "updated": 1, "unchanged": 7, "skipped": 0}, ...}
    counts = models.JSONField(default=dict, blank=True)
    # [{"where": "row 4", "field": "Amount Awarded", "expected": "...", "record": "360G-..."}], first 1,000
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    # [{"record": "GB-CHC-123", "why": "removed from the register on 2018-11-06"}], first 1,000
    skipped = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ("-started_at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_standard_display()}: {self.file_name} ({self.get_status_display()})"


class MatchReview(models.Model):
    """Two organisations that may be one: the importer kept them apart and asks an officer."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a decision"
        MERGED = "merged", "Merged"
        KEPT_APART = "kept_apart", "Kept apart"

    incoming = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The organisation the import created.",
    )
    existing = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The organisation already in the register it may be.",
    )
    incoming_label = models.CharField(max_length=400)
    existing_label = models.CharField(max_length=400)
    reason = models.CharField(max_length=300)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("status", "-created_at", "pk")
        constraints = (models.UniqueConstraint(fields=["incoming", "existing"], name="one_review_per_pair"),)

    def __str__(self) -> str:
        return f"{self.incoming_label} / {self.existing_label}: {self.get_status_display()}"


class OrganisationMerge(models.Model):
    """One merge: `removed` folded into `kept`; `moved` says exactly what moved, so it can be undone."""

    kept = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, related_name="+")
    kept_label = models.CharField(max_length=400)
    removed_pk = models.BigIntegerField(
        help_text="The removed organisation's primary key, restored on unmerge."
    )
    removed_label = models.CharField(max_length=400)
    # {"organisation": {field: value}, "foreign_keys": [[app.model, field, [pks]]], "wards": [...], ...}
    moved = models.JSONField()
    review = models.ForeignKey(
        MatchReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_at = models.DateTimeField()
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-merged_at", "-pk")

    def __str__(self) -> str:
        return f"{self.removed_label} into {self.kept_label}"


class CharityYear(models.Model):
    """Every year's figures the Charity Commission extract gives for a charity, as given (None: not given).

    The register's FinancialYear needs reserves, which only part B of the annual return (income over
    £500,000) gives; the years without it are kept here so their income and government share are not lost.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="charity_years")
    year = models.PositiveSmallIntegerField(help_text="Calendar year in which the financial year ends.")
    period_end = models.DateField()
    income = models.FloatField(null=True, blank=True)
    expenditure = models.FloatField(null=True, blank=True)
    income_government_contracts = models.FloatField(null=True, blank=True)
    income_government_grants = models.FloatField(null=True, blank=True)
    reserves = models.FloatField(null=True, blank=True)
    employees = models.PositiveIntegerField(null=True, blank=True)
    volunteers = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("organisation", "year")
        constraints = (models.UniqueConstraint(fields=["organisation", "year"], name="one_charity_year"),)

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.year}"
