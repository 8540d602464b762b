"""Checks the schema cannot express: every id a record names exists, ids are unique, shares sum to 1.

They run on the raw document, defensively, so that a bundle with schema problems still gets its reference
problems reported in the same pass: a person fixes everything at once, not one error per run.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from netimpact.engine.parameters import ParameterSet

from .errors import BundleIssue
from .validation import json_path

SHARE_TOLERANCE = 1e-6  # fraction; shares written with six decimals still sum to 1 within it

type Path = list[str | int]


def _records(container: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = container.get(key) if isinstance(container, dict) else None
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def _strings(record: dict[str, Any], key: str) -> Iterator[tuple[int, str]]:
    values = record.get(key)
    if isinstance(values, list):
        for index, value in enumerate(values):
            if isinstance(value, str):
                yield index, value


@dataclass
class _Register:
    """The ids defined in the document, each with the path where it is defined."""

    wards: dict[str, str] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # secondary Org-ID -> primary
    services: dict[str, str] = field(default_factory=dict)
    funding: dict[str, str] = field(default_factory=dict)
    cohorts: dict[str, str] = field(default_factory=dict)


class _ReferenceCheck:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.issues: list[BundleIssue] = []
        self.register = _Register()

    def add(self, path: Path, problem: str, expected: str) -> None:
        self.issues.append(BundleIssue(json_path(path), problem, expected))

    # Definitions ---------------------------------------------------------------------------------------

    def define(self, container: Any, base: Path, key: str, id_field: str = "id") -> dict[str, str]:
        """Index records by id, reporting every repeat."""
        seen: dict[str, str] = {}
        for index, record in _records(container, key):
            value = record.get(id_field)
            if not isinstance(value, str):
                continue
            path = [*base, key, index, id_field]
            if value in seen:
                self.add(path, f"{value!r} is used twice (first at {seen[value]})",
                         f"each {id_field} in {json_path([*base, key])} to be unique")
            else:
                seen[value] = json_path(path)
        return seen

    def define_aliases(self, ecosystem: Any) -> None:
        owner: dict[str, str] = {}
        for index, organisation in _records(ecosystem, "organisations"):
            primary = organisation.get("id")
            if not isinstance(primary, str):
                continue
            for alias_index, alias in _strings(organisation, "org_ids"):
                path: Path = ["ecosystem", "organisations", index, "org_ids", alias_index]
                if alias in self.register.organisations and alias != primary:
                    self.add(path, f"{alias!r} is the primary Org-ID of another organisation",
                             "an Org-ID that belongs to this organisation only")
                elif alias in owner and owner[alias] != primary:
                    self.add(path, f"{alias!r} is also listed by organisation {owner[alias]!r}",
                             "an Org-ID that belongs to this organisation only")
                else:
                    owner[alias] = primary
                    if alias != primary:
                        self.register.aliases[alias] = primary

    # References ----------------------------------------------------------------------------------------

    def organisation(self, value: Any, path: Path) -> None:
        if not isinstance(value, str) or value in self.register.organisations:
            return
        if value in self.register.aliases:
            primary = self.register.aliases[value]
            self.add(path, f"{value!r} is a secondary Org-ID of organisation {primary!r}",
                     f"its primary Org-ID {primary!r}")
        else:
            self.add(path, f"{value!r} names no organisation",
                     "the id of an organisation in $.ecosystem.organisations")

    def known(self, value: Any, path: Path, known: dict[str, str], what: str, where: str) -> None:
        if isinstance(value, str) and value not in known:
            self.add(path, f"{value!r} names no {what}", f"the id of a {what} in {where}")

    def ward(self, value: Any, path: Path) -> None:
        if isinstance(value, str) and value not in self.register.wards:
            self.add(path, f"{value!r} names no ward", "the code of a ward in $.ecosystem.wards")

    def service(self, value: Any, path: Path) -> None:
        self.known(value, path, self.register.services, "service", "$.ecosystem.services")

    def cohort(self, value: Any, path: Path) -> None:
        self.known(value, path, self.register.cohorts, "cohort", "$.ecosystem.cohorts")

    def wards_of(self, record: dict[str, Any], base: Path) -> None:
        for index, code in _strings(record, "wards"):
            self.ward(code, [*base, "wards", index])

    def shares_sum_to_one(self, values: Any, path: Path, what: str) -> None:
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if not numbers or len(numbers) != len(values):
            return
        total = math.fsum(numbers)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            self.add(path, f"{what} sum to {total:.6g}", f"{what} summing to 1 (within {SHARE_TOLERANCE:g})")

    def distinct(self, record: dict[str, Any], first: str, second: str, base: Path, why: str) -> None:
        a, b = record.get(first), record.get(second)
        if isinstance(a, str) and a == b:
            self.add([*base, second], f"{b!r} is also the {first}", why)

    # The document ----------------------------------------------------------------------------------------

    def run(self) -> list[BundleIssue]:
        ecosystem = self.document.get("ecosystem")
        base: Path = ["ecosystem"]
        register = self.register
        register.wards = self.define(ecosystem, base, "wards", id_field="code")
        register.organisations = self.define(ecosystem, base, "organisations")
        self.define_aliases(ecosystem)
        register.services = self.define(ecosystem, base, "services")
        register.funding = self.define(ecosystem, base, "funding")
        self.define(ecosystem, base, "referrals")
        self.define(ecosystem, base, "shared_premises")
        self.define(ecosystem, base, "joint_delivery")
        register.cohorts = self.define(ecosystem, base, "cohorts")
        self.check_ecosystem(ecosystem)
        self.check_exercise(self.document.get("exercise"))
        self.check_parameters(self.document.get("parameters"), ["parameters"])
        self.check_bids(self.document.get("bids"), self.document.get("exercise"))
        return self.issues

    def check_ecosystem(self, ecosystem: Any) -> None:
        for index, organisation in _records(ecosystem, "organisations"):
            path: Path = ["ecosystem", "organisations", index]
            self.wards_of(organisation, path)
            staff, local = organisation.get("staff"), organisation.get("local_staff")
            if isinstance(staff, int) and isinstance(local, int) and local > staff:
                self.add([*path, "local_staff"], f"{local} local staff out of {staff} staff",
                         "local_staff no greater than staff")
        for index, service in _records(ecosystem, "services"):
            path = ["ecosystem", "services", index]
            self.organisation(service.get("organisation"), [*path, "organisation"])
            for i, cohort_id in _strings(service, "eligible_cohorts"):
                self.cohort(cohort_id, [*path, "eligible_cohorts", i])
            self.wards_of(service, path)
        for index, tie in _records(ecosystem, "funding"):
            path = ["ecosystem", "funding", index]
            self.organisation(tie.get("funder"), [*path, "funder"])
            self.organisation(tie.get("recipient"), [*path, "recipient"])
            self.distinct(tie, "funder", "recipient", path, "a recipient other than the funder")
            if tie.get("service") is not None:
                self.service(tie.get("service"), [*path, "service"])
            start, end = tie.get("start"), tie.get("end")
            if isinstance(start, str) and isinstance(end, str) and end < start:
                self.add([*path, "end"], f"ends ({end}) before it starts ({start})",
                         "an end on or after the start")
        for index, route in _records(ecosystem, "referrals"):
            path = ["ecosystem", "referrals", index]
            self.service(route.get("from_service"), [*path, "from_service"])
            self.service(route.get("to_service"), [*path, "to_service"])
            self.distinct(route, "from_service", "to_service", path, "a service other than the referring one")
        for index, premises in _records(ecosystem, "shared_premises"):
            path = ["ecosystem", "shared_premises", index]
            self.organisation(premises.get("host"), [*path, "host"])
            self.organisation(premises.get("tenant"), [*path, "tenant"])
            self.distinct(premises, "host", "tenant", path, "a tenant other than the host")
        for index, joint in _records(ecosystem, "joint_delivery"):
            path = ["ecosystem", "joint_delivery", index]
            for i, org in _strings(joint, "organisations"):
                self.organisation(org, [*path, "organisations", i])
            if joint.get("service") is not None:
                self.service(joint.get("service"), [*path, "service"])
        for index, cohort in _records(ecosystem, "cohorts"):
            path = ["ecosystem", "cohorts", index]
            self.wards_of(cohort, path)
            shares = cohort.get("entry_shares")
            if isinstance(shares, dict):
                self.shares_sum_to_one(list(shares.values()), [*path, "entry_shares"], "entry shares")

    def check_exercise(self, exercise: Any) -> None:
        if not isinstance(exercise, dict):
            return
        path: Path = ["exercise"]
        self.organisation(exercise.get("commissioner"), [*path, "commissioner"])
        for i, cohort in _strings(exercise, "cohorts"):
            self.cohort(cohort, [*path, "cohorts", i])
        for i, stream in _strings(exercise, "replaced_streams"):
            self.known(stream, [*path, "replaced_streams", i], self.register.funding, "funding tie",
                       "$.ecosystem.funding (a replaced stream is an incumbent's funding tie)")
        self.wards_of(exercise, path)
        criteria = exercise.get("criteria")
        if isinstance(criteria, dict):
            weights = [criteria.get(k) for k in ("price", "quality", "net_impact")]
            self.shares_sum_to_one(weights, [*path, "criteria"], "the price, quality and net impact weights")
        self.check_parameters(exercise.get("parameters"), [*path, "parameters"])
        questions = exercise.get("quality_questions")
        if isinstance(questions, list) and questions:
            self.define(exercise, path, "quality_questions")
            weights = [q.get("weight") if isinstance(q, dict) else None for q in questions]
            self.shares_sum_to_one(weights, [*path, "quality_questions"], "the questions' weights")

    def check_parameters(self, overrides: Any, base: Path) -> None:
        """Names the engine knows, values within each parameter's published range."""
        if not isinstance(overrides, dict):
            return
        defaults = ParameterSet.default()
        for name, value in overrides.items():
            if name not in defaults.parameters:
                self.add([*base, name], f"{name!r} names no engine parameter",
                         "one of " + ", ".join(sorted(defaults.parameters)))
                continue
            parameter = defaults.parameter(name)
            if isinstance(value, int | float) and not isinstance(value, bool) \
                    and not parameter.minimum <= value <= parameter.maximum:
                self.add([*base, name], f"{value!r} {parameter.unit} is out of range",
                         f"a value in [{parameter.minimum:g}, {parameter.maximum:g}] {parameter.unit}")

    def check_bids(self, bids: Any, exercise: Any) -> None:
        if not isinstance(bids, list):
            return
        self.define({"bids": bids}, [], "bids")
        exercise_id = exercise.get("id") if isinstance(exercise, dict) else None
        for index, bid in _records({"bids": bids}, "bids"):
            path: Path = ["bids", index]
            if isinstance(exercise_id, str) and isinstance(bid.get("exercise"), str) \
                    and bid["exercise"] != exercise_id:
                self.add([*path, "exercise"], f"{bid['exercise']!r} is not this bundle's exercise",
                         f"the id of $.exercise, {exercise_id!r}")
            self.organisation(bid.get("bidder"), [*path, "bidder"])
            service = bid.get("service")
            if isinstance(service, dict):
                for i, cohort in _strings(service, "eligible_cohorts"):
                    self.cohort(cohort, [*path, "service", "eligible_cohorts", i])
                self.wards_of(service, [*path, "service"])
            for i, subcontract in _records(bid, "subcontracts"):
                self.organisation(subcontract.get("partner"), [*path, "subcontracts", i, "partner"])
            for i, partnership in _records(bid, "partnerships"):
                self.service(partnership.get("partner_service"),
                             [*path, "partnerships", i, "partner_service"])
                if partnership.get("cohort") is not None:
                    self.cohort(partnership.get("cohort"), [*path, "partnerships", i, "cohort"])
            for i, commitment in _records(bid, "commitments"):
                if commitment.get("partner") is not None:
                    self.organisation(commitment.get("partner"), [*path, "commitments", i, "partner"])


def reference_issues(document: Any) -> list[BundleIssue]:
    """Every broken reference, repeated id and share that does not sum to 1, in document order."""
    if not isinstance(document, dict):
        return []
    return _ReferenceCheck(document).run()
