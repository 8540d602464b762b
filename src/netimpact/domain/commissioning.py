"""A commissioning exercise and its bids, as plain data the impact engine reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .vocabulary import ClaimState, CommitmentKind, EntryPoint, JoinUpMechanism, Need, PriceFormula


@dataclass(slots=True)
class QualityQuestion:
    id: str
    text: str
    weight: float  # share of the quality criterion, questions' weights sum to 1
    max_score: int = 4  # scores run 0..max_score against the published scale


@dataclass(slots=True)
class AwardCriteria:
    """The published weights (Procurement Act 2023 s.23). Weights sum to 1."""

    price: float = 0.3
    quality: float = 0.5
    net_impact: float = 0.2
    price_formula: PriceFormula = PriceFormula.BUDGET_ANCHORED


@dataclass(slots=True)
class Exercise:
    id: str
    title: str
    commissioner: str  # Org-ID of the council, e.g. GB-LAE-BST
    description: str
    cohorts: list[str]  # cohort ids the intervention serves
    budget_per_year: float
    term_years: int
    replaced_streams: list[str]  # ids of the funding ties the new contract replaces (the incumbents')
    price_ceiling_per_year: float | None = None  # a price above it is non-compliant
    wards: list[str] = field(default_factory=list)  # empty = city-wide
    criteria: AwardCriteria = field(default_factory=AwardCriteria)
    quality_questions: list[QualityQuestion] = field(default_factory=list)
    deadline: date | None = None
    parameters: dict[str, float] = field(default_factory=dict)  # overrides of the engine's parameters


@dataclass(slots=True)
class BidService:
    """The service the bid would run if it won."""

    name: str
    needs: list[Need]
    capacity_per_year: float
    eligible_cohorts: list[str] = field(default_factory=list)
    wards: list[str] = field(default_factory=list)
    entry_points: list[EntryPoint] = field(default_factory=list)


@dataclass(slots=True)
class Subcontract:
    partner: str  # Org-ID
    amount_per_year: float
    state: ClaimState = ClaimState.UNANSWERED
    description: str = ""


@dataclass(slots=True)
class Partnership:
    """A join-up claim: the bid's service will work with the partner's service for a cohort."""

    partner_service: str  # service id in the register
    mechanism: JoinUpMechanism
    cohort: str | None = None  # cohort id; None = all the exercise's cohorts
    state: ClaimState = ClaimState.UNANSWERED
    description: str = ""


@dataclass(slots=True)
class Commitment:
    """An ecosystem commitment, counted per year over the term."""

    kind: CommitmentKind
    quantity_per_year: float
    partner: str | None = None  # Org-ID of the organisation it benefits, where one is named
    state: ClaimState = ClaimState.CONFIRMED  # a commitment naming no partner needs no confirmation
    description: str = ""


@dataclass(slots=True)
class LocalSpend:
    """What the bid states it will spend in the city each year (R2 of NEF's LM3)."""

    local_staff_wages: float = 0.0
    local_suppliers: float = 0.0
    # local subcontracts are counted from the bid's subcontracts to local organisations


@dataclass(slots=True)
class Bid:
    id: str
    exercise: str
    bidder: str  # Org-ID of the lead organisation
    title: str
    price_per_year: float
    service: BidService
    subcontracts: list[Subcontract] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    local_spend: LocalSpend | None = None  # None: the bid stated none (the engine uses NEF's shares)
    quality_score: float | None = None  # moderated quality score, 0..1 of the maximum
    summary: str = ""
