"""An import run's report as plain lines, for the command line (the web page renders the same run)."""

from __future__ import annotations

from .models import ImportRun

OUTCOMES = ("created", "updated", "unchanged", "skipped")


def report_lines(run: ImportRun, problem_limit: int | None = 50) -> list[str]:
    lines = [
        f"{run.get_standard_display()}: {run.file_name} (sha256 {run.file_sha256[:12]}...)",
        f"{run.get_status_display()}. {run.records_total} records read, {run.records_invalid} invalid.",
    ]
    if run.message and run.status != ImportRun.Status.IMPORTED:
        lines.append(run.message)
    if run.counts:
        width = max(len(kind) for kind in run.counts)
        lines.append(f"{'':{width}}  " + "  ".join(f"{o:>9}" for o in OUTCOMES))
        for kind, counts in run.counts.items():
            lines.append(f"{kind:{width}}  " + "  ".join(f"{counts.get(o, 0):>9}" for o in OUTCOMES))
    if run.problems:
        lines.append(f"Problems ({run.problem_count}):")
        shown = run.problems if problem_limit is None else run.problems[:problem_limit]
        for problem in shown:
            record = f" ({problem['record']})" if problem.get("record") else ""
            column = f", {problem['field']}" if problem.get("field") else ""
            lines.append(f"  {problem['where']}{record}{column}: {problem['expected']}")
        if run.problem_count > len(shown):
            lines.append(f"  ... and {run.problem_count - len(shown)} more")
    if run.skipped:
        lines.append(f"Skipped by rule ({len(run.skipped)}):")
        for item in run.skipped[: problem_limit or len(run.skipped)]:
            lines.append(f"  {item['record']}: {item['why']}")
    return lines
