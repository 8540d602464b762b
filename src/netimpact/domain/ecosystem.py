"""The ecosystem register as plain data: organisations, services, ties, wards and cohorts.

These are the domain core's own types. The database (netimpact.web) stores them, the standards readers
fill them, the bundle format serialises them and the impact engine reads them. Money is GBP per year
unless a name says otherwise; people are people per year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .vocabulary import EntryPoint, FundingKind, IncomeSource, Need, OrgKind


@dataclass(frozen=True, slots=True)
class Ward:
    code: str  # ONS GSS code, e.g. E05010885
    name: str
    imd_score: float | None = None  # IMD 2019 average score (higher = more deprived)
    imd_extent: float | None = None
    imd_proportion_most_deprived: float | None = None  # share of LSOAs in England's most deprived 10%


@dataclass(frozen=True, slots=True)
class FinancialYear:
    """One year's accounts. `year` is the calendar year in which the financial year ends."""

    year: int
    income_by_source: dict[IncomeSource, float]
    expenditure: float
    free_reserves: float  # unrestricted reserves, the buffer the distress model uses
    net_assets: float
    admin_costs: float = 0.0  # governance and fundraising costs (Tuckman & Chang's administrative ratio)

    @property
    def income(self) -> float:
        return float(sum(self.income_by_source.values()))


@dataclass(frozen=True, slots=True)
class CommunityAsset:
    name: str
    kind: str  # e.g. "hall", "cafe", "garden", "meeting room"
    community_hours_per_week: float = 0.0  # hours a week the space is open to the neighbourhood


@dataclass(slots=True)
class Organisation:
    id: str  # the primary Org-ID, e.g. GB-CHC-1234567, GB-LAE-BST, 360G-netimpact-demo-0042
    name: str
    kind: OrgKind
    org_ids: list[str] = field(default_factory=list)  # every Org-ID it is known by, the primary included
    wards: list[str] = field(default_factory=list)  # ward codes it works in
    year_founded: int | None = None
    finances: list[FinancialYear] = field(default_factory=list)  # oldest first
    staff: int = 0
    local_staff: int = 0  # staff living in the city
    volunteers: int = 0
    volunteer_hours_per_year: float = 0.0
    people_reached_per_year: int = 0
    community_assets: list[CommunityAsset] = field(default_factory=list)
    postcode: str | None = None
    fictional: bool = False  # True for the demo city's generated organisations

    def __post_init__(self) -> None:
        if self.id not in self.org_ids:
            self.org_ids.insert(0, self.id)

    @property
    def latest_finances(self) -> FinancialYear | None:
        return max(self.finances, key=lambda f: f.year) if self.finances else None

    def age_in(self, year: int) -> int | None:
        return None if self.year_founded is None else max(0, year - self.year_founded)


@dataclass(slots=True)
class Service:
    id: str
    name: str
    organisation: str  # owner's Org-ID
    needs: list[Need]
    capacity_per_year: float  # people a year
    eligible_cohorts: list[str] = field(default_factory=list)  # cohort ids; empty = open to all
    wards: list[str] = field(default_factory=list)  # ward codes; empty = city-wide
    entry_points: list[EntryPoint] = field(default_factory=list)  # where people can enter it directly
    description: str = ""


@dataclass(slots=True)
class FundingTie:
    """£/year flowing from funder to recipient: a grant, a contract or a subcontract."""

    id: str
    funder: str  # Org-ID
    recipient: str  # Org-ID
    kind: FundingKind
    amount_per_year: float
    service: str | None = None  # the service it pays for, where known
    start: date | None = None
    end: date | None = None
    description: str = ""


@dataclass(slots=True)
class ReferralRoute:
    """People a year referred from one service to another, and any income that follows them."""

    id: str
    from_service: str
    to_service: str
    people_per_year: float
    income_per_year: float = 0.0  # £/year the receiving organisation earns from these referrals


@dataclass(slots=True)
class SharedPremises:
    """`tenant` works from premises `host` provides; losing them costs the tenant a one-off sum."""

    id: str
    host: str  # Org-ID
    tenant: str  # Org-ID
    premises: str
    replacement_cost: float  # one-off £ the tenant would spend to replace the space


@dataclass(slots=True)
class JointDelivery:
    id: str
    organisations: list[str]  # Org-IDs
    service: str | None
    description: str = ""


@dataclass(slots=True)
class Cohort:
    """A group of people with a set of needs, who enter the system at known entry points."""

    id: str
    name: str
    needs: list[Need]
    size_per_year: float
    entry_shares: dict[EntryPoint, float]  # shares sum to 1
    wards: list[str] = field(default_factory=list)  # empty = city-wide
    unit_cost_unmet_need: float = 0.0  # £ per person a year who falls through the gaps
    description: str = ""


@dataclass(slots=True)
class Ecosystem:
    """A city's register: everything the impact engine reads about the world before an award."""

    name: str
    wards: list[Ward] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    funding: list[FundingTie] = field(default_factory=list)
    referrals: list[ReferralRoute] = field(default_factory=list)
    shared_premises: list[SharedPremises] = field(default_factory=list)
    joint_delivery: list[JointDelivery] = field(default_factory=list)
    cohorts: list[Cohort] = field(default_factory=list)
    year: int = 2026  # the year the register describes (the appraisal's year 0)

    def organisation(self, org_id: str) -> Organisation:
        return _find(self.organisations, org_id, "organisation")

    def service(self, service_id: str) -> Service:
        return _find(self.services, service_id, "service")

    def cohort(self, cohort_id: str) -> Cohort:
        return _find(self.cohorts, cohort_id, "cohort")

    def ward(self, code: str) -> Ward:
        for ward in self.wards:
            if ward.code == code:
                return ward
        raise KeyError(f"no ward with code {code!r}")

    def services_of(self, org_id: str) -> list[Service]:
        return [s for s in self.services if s.organisation == org_id]


def _find[T: (Organisation, Service, Cohort)](items: Iterable[T], key: str, what: str) -> T:
    for item in items:
        if item.id == key:
            return item
    raise KeyError(f"no {what} with id {key!r}")
