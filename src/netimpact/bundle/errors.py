"""What is wrong with a bundle, where, and what was expected: collected, never stopped at the first."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BundleIssue:
    """One problem in a bundle document.

    `path` is a JSONPath into the document (`$.ecosystem.funding[12].recipient`), or `$` for the document
    as a whole; for unreadable JSON it carries the line and column instead.
    """

    path: str
    problem: str  # what is there, e.g. "'GB-CHC-999' names no organisation"
    expected: str  # what was expected, e.g. "the id of an organisation in $.ecosystem.organisations"

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}; expected {self.expected}"

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "problem": self.problem, "expected": self.expected}


class BundleError(ValueError):
    """A bundle that cannot be read, carrying every problem found (schema problems, then references)."""

    def __init__(self, issues: list[BundleIssue], source: str | None = None) -> None:
        if not issues:
            raise ValueError("a BundleError needs at least one issue")
        self.issues = list(issues)
        self.source = source
        where = f" in {source}" if source else ""
        count = len(self.issues)
        heading = f"{count} problem{'s' if count != 1 else ''}{where}"
        super().__init__(heading + ":\n" + "\n".join(f"  {issue}" for issue in self.issues))
