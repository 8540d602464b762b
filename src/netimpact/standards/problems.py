"""What the open-data readers share: a problem found in a file, and a reader's result.

A problem names where (a spreadsheet row, "row 12", or a JSON path, "grants[3].amountAwarded"), the field
(the column title or the JSON property) and what was expected, so a person can find and fix it. A problem
about one record makes that record invalid (the importer either stops or skips it, as the user chose); a
problem with no record (`record is None`) is about the whole file, which then cannot be imported at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    where: str  # "row 12", "grants[3].recipientOrganization[0].id", "publicextract.charity.txt line 7"
    field: str  # the column title or property name, "" when the problem is the whole record or file
    expected: str  # what was expected, in words
    record: str | None = None  # the record's own id (grant id, charity number), None for the whole file

    def __str__(self) -> str:
        named = f" ({self.record})" if self.record else ""
        column = f", {self.field}" if self.field else ""
        return f"{self.where}{named}{column}: {self.expected}"

    def as_dict(self) -> dict[str, Any]:
        return {"where": self.where, "field": self.field, "expected": self.expected, "record": self.record}


@dataclass(slots=True)
class ReadResult[R]:
    """The records a reader turned out, the problems it found, and the ids of the invalid records."""

    standard: str
    records: list[R] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # record ids (in file order) that had problems
    total: int = 0  # records in the file, valid or not
    # Records left out by rule, not because they are invalid (a linked charity, a grant to a person):
    # (record id, why).
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # How many records of each kind were left out by rule, where a reader counts them apart from
    # `skipped` (the Charity Commission's linked charities are rows, not charities); else len(skipped).
    skipped_counts: dict[str, int] = field(default_factory=dict)

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.record is None]

    @property
    def readable(self) -> bool:
        """False when the file as a whole could not be read; nothing can be imported then."""
        return not self.file_problems


class FileUnreadable(ValueError):
    """The file cannot be read at all (not JSON, not a spreadsheet, wrong encoding...)."""


def describe(problems: Iterable[Problem], limit: int | None = None) -> list[str]:
    lines = [str(p) for p in problems]
    if limit is not None and len(lines) > limit:
        return [*lines[:limit], f"... and {len(lines) - limit} more"]
    return lines
