"""The ecosystem register's tables. Each mirrors a type in netimpact.domain.ecosystem.

Money is stored as FloatField in GBP (a year unless the name says otherwise), like the domain core, so a
save and load gives back exactly the floats the engine reads (docs/decisions/0002-register-storage.md).
Domain ids (service ids, tie ids, cohort ids) are kept as unique `key` fields so a round trip keeps them;
rows keep the order of the domain lists through their primary keys (the store inserts in list order).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from netimpact.domain import vocabulary

# An Org-ID is "<scheme>-<identifier>". Country-registered schemes have two parts (GB-CHC, GB-COH,
# GB-LAE, US-EIN); 360Giving's own identifiers for unregistered groups start "360G-". See org-id.guide.
_TWO_PART_SCHEME = re.compile(r"^([A-Z]{2}-[A-Z0-9]+)-(\S+)$")
_ONE_PART_SCHEME = re.compile(r"^([A-Za-z0-9]+)-(\S+)$")


def org_id_scheme(org_id: str) -> str:
    """The Org-ID's registration scheme, e.g. "GB-CHC" for "GB-CHC-1234567", "360G" for "360G-abc-1"."""
    for pattern in (_TWO_PART_SCHEME, _ONE_PART_SCHEME):
        match = pattern.match(org_id)
        if match:
            return match.group(1)
    raise ValidationError(
        f"{org_id!r} is not an Org-ID: expected <scheme>-<identifier> with no spaces, e.g. GB-CHC-1234567",
        code="invalid_org_id",
    )


def validate_org_id(value: str) -> None:
    org_id_scheme(value)


def _non_negative(*fields: str) -> tuple[models.CheckConstraint, ...]:
    return tuple(
        models.CheckConstraint(condition=Q(**{f"{f}__gte": 0}), name=f"%(class)s_{f}_not_negative")
        for f in fields
    )


class Register(models.Model):
    """What the stored register describes: one city in one year. The store keeps exactly one row."""

    name = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(help_text="The year the register describes (year 0).")
    demo = models.BooleanField(default=False, help_text="True when the register is the generated demo city.")
    saved_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.year}){' (demo)' if self.demo else ''}"


class Ward(models.Model):
    code = models.CharField(max_length=16, unique=True, help_text="ONS GSS code, e.g. E05010885.")
    name = models.CharField(max_length=200)
    imd_score = models.FloatField(null=True, blank=True, help_text="IMD 2019 average score.")
    imd_extent = models.FloatField(null=True, blank=True)
    imd_proportion_most_deprived = models.FloatField(
        null=True, blank=True, help_text="Share of LSOAs in England's most deprived 10% (0..1)."
    )

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Need(models.Model):
    """One code of the needs taxonomy, as a row so services and cohorts can be filtered on it anywhere."""

    code = models.CharField(max_length=32, unique=True, choices=vocabulary.Need.choices())

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return vocabulary.Need(self.code).label


class EntryPoint(models.Model):
    """One place where people first meet the system of services (GP, police custody, ...)."""

    code = models.CharField(max_length=32, unique=True, choices=vocabulary.EntryPoint.choices())

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return vocabulary.EntryPoint(self.code).label


class Organisation(models.Model):
    org_id = models.CharField(
        "primary Org-ID",
        max_length=100,
        unique=True,
        validators=[validate_org_id],
        help_text="e.g. GB-CHC-1234567, GB-LAE-BST, 360G-netimpact-demo-0042",
    )
    name = models.CharField(max_length=300, db_index=True)
    kind = models.CharField(max_length=32, choices=vocabulary.OrgKind.choices(), db_index=True)
    wards = models.ManyToManyField(Ward, blank=True, related_name="organisations")
    year_founded = models.PositiveSmallIntegerField(null=True, blank=True)
    staff = models.PositiveIntegerField(default=0)
    local_staff = models.PositiveIntegerField(default=0, help_text="Staff living in the city.")
    volunteers = models.PositiveIntegerField(default=0)
    volunteer_hours_per_year = models.FloatField(default=0.0)
    people_reached_per_year = models.PositiveIntegerField(default=0)
    postcode = models.CharField(max_length=10, blank=True)
    fictional = models.BooleanField(
        default=False, help_text="True for the demo city's generated organisations."
    )

    class Meta:
        ordering = ("name",)
        constraints = (
            models.CheckConstraint(condition=Q(local_staff__lte=F("staff")), name="local_staff_within_staff"),
            *_non_negative("volunteer_hours_per_year"),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.org_id})"


class OrgIdentifier(models.Model):
    """One Org-ID an organisation is known by (the primary included). Each names one organisation only."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="identifiers")
    value = models.CharField("Org-ID", max_length=100, unique=True, validators=[validate_org_id])
    scheme = models.CharField(max_length=32, db_index=True, editable=False)

    class Meta:
        ordering = ("value",)
        verbose_name = "Org-ID"

    def __str__(self) -> str:
        return self.value

    def save(self, *args: object, **kwargs: object) -> None:
        self.scheme = org_id_scheme(self.value)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class FinancialYear(models.Model):
    """One year's accounts; `year` is the calendar year in which the financial year ends."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="finances")
    year = models.PositiveSmallIntegerField()
    expenditure = models.FloatField(help_text="£ in the year.")
    free_reserves = models.FloatField(help_text="Unrestricted reserves, £.")
    net_assets = models.FloatField(help_text="£; may be negative.")
    admin_costs = models.FloatField(default=0.0, help_text="Governance and fundraising costs, £.")

    class Meta:
        ordering = ("organisation", "year")
        constraints = (
            models.UniqueConstraint(fields=["organisation", "year"], name="one_financial_year_per_year"),
            *_non_negative("expenditure", "admin_costs"),
        )

    def __str__(self) -> str:
        return f"{self.organisation.name}: year ending {self.year}"


class IncomeLine(models.Model):
    """Income in one financial year from one source (Charity Commission annual return categories)."""

    financial_year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="income_lines")
    source = models.CharField(max_length=32, choices=vocabulary.IncomeSource.choices(), db_index=True)
    amount = models.FloatField(help_text="£ in the year.")

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["financial_year", "source"], name="one_income_line_per_source"),
            *_non_negative("amount"),
        )

    def __str__(self) -> str:
        return f"{vocabulary.IncomeSource(self.source).label}: £{self.amount:,.0f}"


class CommunityAsset(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="community_assets")
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=100, help_text='e.g. "hall", "cafe", "garden", "meeting room".')
    community_hours_per_week = models.FloatField(
        default=0.0, help_text="Hours a week open to the neighbourhood."
    )

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=Q(community_hours_per_week__gte=0, community_hours_per_week__lte=168),
                name="community_hours_within_a_week",
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class Cohort(models.Model):
    key = models.CharField("cohort id", max_length=100, unique=True)
    name = models.CharField(max_length=300)
    needs = models.ManyToManyField(Need, related_name="cohorts")
    size_per_year = models.FloatField(help_text="People a year.")
    wards = models.ManyToManyField(Ward, blank=True, related_name="cohorts", help_text="None: city-wide.")
    unit_cost_unmet_need = models.FloatField(
        default=0.0, help_text="£ per person a year who falls through the gaps."
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("name",)
        constraints = _non_negative("size_per_year", "unit_cost_unmet_need")

    def __str__(self) -> str:
        return self.name


class CohortEntryShare(models.Model):
    """The share of a cohort that enters the system at one entry point; a cohort's shares sum to 1."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="entry_shares")
    entry_point = models.ForeignKey(EntryPoint, on_delete=models.PROTECT, related_name="cohort_shares")
    share = models.FloatField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["cohort", "entry_point"], name="one_share_per_entry_point"),
            models.CheckConstraint(condition=Q(share__gte=0, share__lte=1), name="entry_share_within_0_1"),
        )

    def __str__(self) -> str:
        return f"{self.entry_point}: {self.share:.0%}"


class Service(models.Model):
    key = models.CharField("service id", max_length=100, unique=True)
    name = models.CharField(max_length=300, db_index=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="services")
    needs = models.ManyToManyField(Need, related_name="services")
    capacity_per_year = models.FloatField(help_text="People a year.")
    eligible_cohorts = models.ManyToManyField(
        Cohort, blank=True, related_name="eligible_services", help_text="None: open to all."
    )
    wards = models.ManyToManyField(Ward, blank=True, related_name="services", help_text="None: city-wide.")
    entry_points = models.ManyToManyField(EntryPoint, blank=True, related_name="services")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("name",)
        constraints = _non_negative("capacity_per_year")

    def __str__(self) -> str:
        return self.name


class FundingTie(models.Model):
    """£ a year flowing from funder to recipient: a grant, a contract or a subcontract."""

    key = models.CharField("tie id", max_length=100, unique=True)
    funder = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="funding_given")
    recipient = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="funding_received")
    kind = models.CharField(max_length=16, choices=vocabulary.FundingKind.choices(), db_index=True)
    amount_per_year = models.FloatField(help_text="£ a year.")
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="funding"
    )
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("key",)
        constraints = (
            *_non_negative("amount_per_year"),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="funding_ends_after_it_starts",
            ),
        )

    def __str__(self) -> str:
        return f"{self.key}: £{self.amount_per_year:,.0f} a year"


class ReferralRoute(models.Model):
    """People a year referred from one service to another, and any income that follows them."""

    key = models.CharField("route id", max_length=100, unique=True)
    from_service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="referrals_out")
    to_service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="referrals_in")
    people_per_year = models.FloatField()
    income_per_year = models.FloatField(default=0.0, help_text="£ a year the receiving organisation earns.")

    class Meta:
        ordering = ("key",)
        constraints = _non_negative("people_per_year", "income_per_year")

    def __str__(self) -> str:
        return f"{self.key}: {self.people_per_year:g} people a year"


class SharedPremises(models.Model):
    """`tenant` works from premises `host` provides; losing them costs the tenant a one-off sum."""

    key = models.CharField("premises id", max_length=100, unique=True)
    host = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="premises_hosted")
    tenant = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="premises_used")
    premises = models.CharField(max_length=300)
    replacement_cost = models.FloatField(help_text="One-off £ the tenant would spend to replace the space.")

    class Meta:
        ordering = ("key",)
        verbose_name_plural = "shared premises"
        constraints = _non_negative("replacement_cost")

    def __str__(self) -> str:
        return f"{self.key}: {self.premises}"


class JointDelivery(models.Model):
    key = models.CharField("joint delivery id", max_length=100, unique=True)
    organisations = models.ManyToManyField(Organisation, related_name="joint_deliveries")
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="joint_deliveries"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("key",)
        verbose_name_plural = "joint deliveries"

    def __str__(self) -> str:
        return self.key
