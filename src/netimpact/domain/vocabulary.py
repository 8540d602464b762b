"""The commissioner's words, fixed as code lists.

Each list is documented, with its sources, in docs/domain-model.md. Values are stable strings: they are
stored in the database, written in bundles and shown (through their labels) on pages.
"""

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A code list whose members carry a human label as well as a stable code."""

    label: str

    def __new__(cls, code: str, label: str) -> "LabelledEnum":
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class OrgKind(LabelledEnum):
    LOCAL_VCSE = "local_vcse", "Local voluntary or community organisation"
    FAITH_GROUP = "faith_group", "Faith group"
    SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
    PUBLIC_BODY = "public_body", "Public body"
    NHS = "nhs", "NHS body"
    OUTSIDE_PROVIDER = "outside_provider", "Outside provider (national or regional)"
    PRIVATE_COMPANY = "private_company", "Private company"

    @property
    def is_local_ecosystem(self) -> bool:
        """The VCSE and faith ecosystem the mayor's principle asks bids to strengthen."""
        return self in (OrgKind.LOCAL_VCSE, OrgKind.FAITH_GROUP, OrgKind.SOCIAL_ENTERPRISE)


class Need(LabelledEnum):
    """Needs taxonomy: what a service meets and what a cohort has. See docs/domain-model.md."""

    SUBSTANCE_USE = "substance_use", "Drug use"
    ALCOHOL = "alcohol", "Alcohol use"
    MENTAL_HEALTH = "mental_health", "Mental health"
    HOUSING = "housing", "Housing and homelessness"
    EMPLOYMENT = "employment", "Employment, skills and training"
    YOUTH = "youth", "Youth work and young people's support"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    CRIMINAL_JUSTICE = "criminal_justice", "Offending and criminal justice"
    FAMILY_SUPPORT = "family_support", "Family and parenting support"
    MONEY_AND_BENEFITS = "money_and_benefits", "Money, debt and benefits"
    SOCIAL_CONNECTION = "social_connection", "Loneliness and social connection"
    FOOD = "food", "Food"


class EntryPoint(LabelledEnum):
    """Where people first meet the system of services."""

    SELF_REFERRAL = "self_referral", "Self-referral or walk-in"
    GP = "gp", "GP practice"
    A_AND_E = "a_and_e", "Accident and emergency"
    POLICE_CUSTODY = "police_custody", "Police custody"
    PROBATION = "probation", "Probation"
    SCHOOL = "school", "School or college"
    STREET_OUTREACH = "street_outreach", "Street outreach"
    SOCIAL_CARE = "social_care", "Social care"
    HOUSING_OPTIONS = "housing_options", "Council housing options"


class IncomeSource(LabelledEnum):
    """Income by source, after the Charity Commission's annual return categories."""

    GOVERNMENT_CONTRACTS = "government_contracts", "Government contracts"
    GOVERNMENT_GRANTS = "government_grants", "Government grants"
    TRUSTS_AND_FOUNDATIONS = "trusts_and_foundations", "Trusts and foundations"
    DONATIONS = "donations", "Donations and legacies"
    TRADING = "trading", "Trading and charges"
    INVESTMENTS = "investments", "Investments"
    OTHER = "other", "Other"


class FundingKind(LabelledEnum):
    GRANT = "grant", "Grant"
    CONTRACT = "contract", "Contract"
    SUBCONTRACT = "subcontract", "Subcontract"


class ClaimState(LabelledEnum):
    """What a named partner said of a bid's claim about it (mission capability 4)."""

    CONFIRMED = "confirmed", "Confirmed by the partner"
    UNANSWERED = "unanswered", "Not yet answered by the partner"
    DISPUTED = "disputed", "Disputed by the partner"


class JoinUpMechanism(LabelledEnum):
    REFERRAL_ROUTE = "referral_route", "Referral route"
    CO_LOCATION = "co_location", "Co-location"
    JOINT_CASE_MANAGEMENT = "joint_case_management", "Joint case management"
    DATA_SHARING = "data_sharing", "Data sharing"


class CommitmentKind(LabelledEnum):
    """Ecosystem commitments a bid can make, each counted per year over the term."""

    LOCAL_JOBS = "local_jobs", "Local jobs (full-time equivalent)"
    VOLUNTEERING_HOURS = "volunteering_hours", "Volunteering hours supported"
    CAPACITY_BUILDING = "capacity_building", "Capacity-building investment (£)"
    PREMISES_HOURS = "premises_hours", "Community use of premises (hours)"
    STAFF_TRANSFER = "staff_transfer", "Incumbent staff transferred (people)"
    SERVICE_USER_TRANSITION = "service_user_transition", "Service users transferred with continuity (people)"
    APPRENTICESHIPS = "apprenticeships", "Apprenticeships (weeks)"


class PriceFormula(LabelledEnum):
    PROPORTIONAL = "proportional", "Proportional to the lowest price (P_min / P)"
    BUDGET_ANCHORED = "budget_anchored", "Anchored on the ceiling ((P_ceiling − P) / (P_ceiling − P_min))"
