"""Run one import: read and validate the file, then write it into the register all or nothing.

One ImportRun row records each attempt (file, hash, standard, who, when, counts, problems). The writing
happens in one transaction: a failure or a dry run leaves the register exactly as it was. Invalid records
either stop the import (nothing is written) or, when the user chose so, are skipped and listed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from netimpact.standards import ccew, oruk, threesixtygiving
from netimpact.standards.problems import Problem, ReadResult
from netimpact.web import clock
from netimpact.web.audit.models import AuditKind
from netimpact.web.audit.recorder import record_event

from . import register_writers
from .models import ImportRun, Standard
from .writing import Counts, ensure_register

log = logging.getLogger(__name__)
PROBLEMS_KEPT = 1_000  # the run keeps the first problems; problem_count says how many there were
ProgressCallback = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True, slots=True)
class StandardImporter:
    read_path: Callable[[Path], ReadResult[Any]]
    read_bytes: Callable[[bytes, str], ReadResult[Any]]
    write: Callable[[list[Any], ImportRun, Counts, ProgressCallback], None]
    record_kind: str  # what one record of the file is, in words: "grant", "charity", "service"


IMPORTERS: dict[str, StandardImporter] = {
    Standard.THREESIXTYGIVING: StandardImporter(
        threesixtygiving.read, threesixtygiving.read_bytes, register_writers.write_grants, "grant"
    ),
    Standard.ORUK: StandardImporter(oruk.read, oruk.read_bytes, register_writers.write_services, "service"),
    Standard.CCEW: StandardImporter(ccew.read, ccew.read_bytes, register_writers.write_charities, "charity"),
}


def file_digest(path: Path) -> tuple[str, int]:
    """sha256 and size of a file, or of a folder's files (names and contents, in name order)."""
    digest, size = hashlib.sha256(), 0
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.name.encode() + b"\0")
        with file.open("rb") as handle:
            for block in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    return digest.hexdigest(), size


def import_path(standard: str, path: Path, **options: Any) -> ImportRun:
    digest, size = file_digest(path)
    importer = IMPORTERS[Standard(standard)]
    progress: ProgressCallback = options.pop("progress", None) or _no_progress
    run = _start(standard, path.name, digest, size, **options)
    progress("reading", 0, 0)
    return _finish(run, importer, importer.read_path(path), progress)


def import_bytes(standard: str, content: bytes, file_name: str, **options: Any) -> ImportRun:
    importer = IMPORTERS[Standard(standard)]
    progress: ProgressCallback = options.pop("progress", None) or _no_progress
    run = _start(standard, file_name, hashlib.sha256(content).hexdigest(), len(content), **options)
    progress("reading", 0, 0)
    return _finish(run, importer, importer.read_bytes(content, file_name), progress)


def start_run(standard: str, file_name: str, content: bytes, **options: Any) -> ImportRun:
    """Record a run about to start (the web page shows it while a background thread works)."""
    return _start(standard, file_name, hashlib.sha256(content).hexdigest(), len(content), **options)


def continue_run(run: ImportRun, content: bytes, progress: ProgressCallback | None = None) -> ImportRun:
    importer = IMPORTERS[Standard(run.standard)]
    callback = progress or _no_progress
    try:
        return _finish(run, importer, importer.read_bytes(content, run.file_name), callback)
    except Exception as error:  # the web thread must always leave the run finished, never "running"
        log.exception("import %s failed", run.pk)
        run.status, run.message, run.finished_at = (
            ImportRun.Status.FAILED,
            f"The import failed: {error}",
            clock.now(),
        )
        run.save()
        return run


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def _start(
    standard: str,
    file_name: str,
    digest: str,
    size: int,
    *,
    user: Any = None,
    actor_label: str = "",
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> ImportRun:
    label = actor_label or (user.get_username() if user is not None else "")
    if not label:
        raise ValueError("an import needs to say who ran it: a user or an actor_label")
    return ImportRun.objects.create(
        standard=Standard(standard),
        file_name=file_name[:300],
        file_sha256=digest,
        file_size=size,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        started_by=user,
        started_by_label=label[:200],
        started_at=clock.now(),
    )


def _finish(
    run: ImportRun, importer: StandardImporter, result: ReadResult[Any], progress: ProgressCallback
) -> ImportRun:
    run.records_total = result.total
    run.records_invalid = len(result.invalid)
    _keep_problems(run, result.problems)
    run.skipped = [{"record": record, "why": why} for record, why in result.skipped[:PROBLEMS_KEPT]]
    if not result.readable:
        run.status = ImportRun.Status.INVALID
        run.message = "The file could not be read, so nothing was imported."
    elif result.invalid and not run.skip_invalid:
        run.status = ImportRun.Status.INVALID
        run.message = (
            f"{len(result.invalid)} of {result.total} {importer.record_kind} records are invalid, so "
            "nothing was imported. Fix them, or import again choosing to skip invalid records."
        )
    else:
        counts = Counts()
        skipped_by_rule = result.skipped_counts or {importer.record_kind: len(result.skipped)}
        counts.add(importer.record_kind, "skipped", len(result.invalid))
        for kind, number in skipped_by_rule.items():
            counts.add(kind, "skipped", number)
        try:
            _write(run, importer, result, counts, progress)
        except Exception as error:
            # Rolled back, so the register is as it was; the run says so, then the error goes on up.
            run.status, run.finished_at = ImportRun.Status.FAILED, clock.now()
            run.message = f"The import failed and nothing was written: {error}"
            run.save()
            raise
        run.status = ImportRun.Status.CHECKED if run.dry_run else ImportRun.Status.IMPORTED
        run.message = summary(run.counts)
    run.finished_at = clock.now()
    run.save()  # a dry run's writes (reviews included) were rolled back; its run row stays as the record
    progress("done", result.total, result.total)
    return run


def _write(
    run: ImportRun,
    importer: StandardImporter,
    result: ReadResult[Any],
    counts: Counts,
    progress: ProgressCallback,
) -> None:
    with transaction.atomic():
        ensure_register(run.dry_run)
        importer.write(result.records, run, counts, progress)
        run.counts = counts.as_dict()
        if run.dry_run:
            transaction.set_rollback(True)
            return
        record_event(
            AuditKind.REGISTER_IMPORTED,
            actor=run.started_by,
            actor_label=None if run.started_by else run.started_by_label,
            summary=f"Imported {run.get_standard_display()} file {run.file_name}",
            details={
                "import_run": run.pk,
                "file_sha256": run.file_sha256,
                "counts": run.counts,
                "skipped_invalid": len(result.invalid),
            },
        )


def _keep_problems(run: ImportRun, problems: list[Problem]) -> None:
    run.problem_count = len(problems)
    run.problems = [p.as_dict() for p in problems[:PROBLEMS_KEPT]]


def summary(counts: dict[str, dict[str, int]]) -> str:
    parts = []
    for kind, outcome in counts.items():
        said = ", ".join(f"{n} {o}" for o, n in outcome.items() if n)
        parts.append(f"{kind}: {said or 'none'}")
    return "; ".join(parts) or "The file held nothing to import."
