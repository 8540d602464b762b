"""One organisation however many sources name it: the matching rules, as plain functions.

The order (docs/open-data-imports.md, "Matching"):
1. Org-ID: any of the organisation's identifiers equal to the incoming one is a match (the importer does
   this set-wise in the database before it calls `decide`).
2. Same normalised name AND same postcode: a match, unless the two carry different numbers in the same
   register (two GB-CHC numbers, two GB-COH numbers...): those are different bodies, never merged.
3. Uncertain, so a new organisation plus an item in the review queue: the same normalised name with a
   different or missing postcode, or a near-identical name (similarity >= NEAR) at the same postcode.
4. Otherwise a new organisation.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

# Words that do not tell two organisations apart: articles and legal forms.
_NOISE = frozenset({"the", "ltd", "limited", "cio", "plc", "llp", "cic", "inc", "incorporated"})
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
# Registers whose numbers identify one body each: two different numbers in one of them are two bodies.
REGISTERS = ("GB-CHC", "GB-SC", "GB-NIC", "GB-COH", "GB-EDU", "GB-LAE", "GB-NHS", "GB-MPR", "GB-CQC")
NEAR = 0.92


def normalise_name(name: str) -> str:
    """'The Bristol Drugs Project Ltd.' -> 'bristol drugs project'; '&' counts as 'and'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("&", " and ").replace("c.i.o.", "cio")
    text = re.sub(r"[^a-z0-9 ]+", " ", text.replace("'", ""))
    return " ".join(word for word in text.split() if word not in _NOISE)


def normalise_postcode(postcode: str) -> str:
    """'bs1 6qe' -> 'BS1 6QE'; anything that is not a UK postcode -> ''."""
    compact = re.sub(r"\s+", "", postcode or "").upper()
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else ""


def register_numbers(org_ids: Iterable[str]) -> dict[str, str]:
    """{'GB-CHC': '1234567'} for the org-ids in one-body-per-number registers."""
    found: dict[str, str] = {}
    for org_id in org_ids:
        for scheme in REGISTERS:
            if org_id.upper().startswith(scheme + "-"):
                found[scheme] = org_id[len(scheme) + 1 :].strip().upper().lstrip("0") or "0"
    return found


def conflicting(a: Iterable[str], b: Iterable[str]) -> str | None:
    """The register in which two sets of org-ids hold different numbers ('GB-CHC'), else None."""
    numbers_a, numbers_b = register_numbers(a), register_numbers(b)
    for scheme in REGISTERS:
        if scheme in numbers_a and scheme in numbers_b and numbers_a[scheme] != numbers_b[scheme]:
            return scheme
    return None


@dataclass(frozen=True, slots=True)
class Known:
    """An organisation already in the register, as matching sees it."""

    key: int  # the register's primary key
    name: str
    postcode: str
    org_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class Decision:
    kind: str  # "match", "new"
    match: int | None = None  # Known.key when kind == "match"
    review: tuple[tuple[int, str], ...] = ()  # (Known.key, why) to queue for an officer when kind == "new"


@dataclass(slots=True)
class KnownIndex:
    """The register's organisations indexed by normalised name and by postcode, built once per import."""

    by_name: dict[str, list[Known]] = field(default_factory=lambda: defaultdict(list))
    by_postcode: dict[str, list[Known]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, known: Iterable[Known]) -> KnownIndex:
        index = cls()
        for org in known:
            index.add(org)
        return index

    def add(self, org: Known) -> None:
        name = normalise_name(org.name)
        if name:
            self.by_name[name].append(org)
        postcode = normalise_postcode(org.postcode)
        if postcode:
            self.by_postcode[postcode].append(org)


def decide(org_id: str, name: str, postcode: str, index: KnownIndex) -> Decision:
    """Where an incoming organisation whose Org-ID the register does not hold goes (rules 2 to 4)."""
    name_key, postcode_key = normalise_name(name), normalise_postcode(postcode)
    review: list[tuple[int, str]] = []
    for known in index.by_name.get(name_key, []) if name_key else []:
        clash = conflicting([org_id], known.org_ids)
        if clash:
            continue  # different numbers in one register: different bodies, whatever their names
        known_postcode = normalise_postcode(known.postcode)
        if postcode_key and known_postcode == postcode_key:
            return Decision("match", known.key)
        if known_postcode and postcode_key:
            why = f"same name, different postcode ({known_postcode} and {postcode_key})"
        else:
            why = "same name, postcode missing on one side"
        review.append((known.key, why))
    if postcode_key:
        for known in index.by_postcode.get(postcode_key, []):
            known_name = normalise_name(known.name)
            if known_name == name_key or conflicting([org_id], known.org_ids):
                continue
            if SequenceMatcher(None, name_key, known_name).ratio() >= NEAR:
                review.append((known.key, f"near-identical name at the same postcode ({postcode_key})"))
    return Decision("new", None, tuple(review[:5]))
