"""Evaluation jobs: an officer's evaluation runs in a worker thread while the page shows its progress.

    job = start_job(exercise, draws=1000, seed=0, with_sensitivity=True, requested_by=user)

The thread starts once the job's row is committed (transaction.on_commit), reports progress through
commissioning.evaluation.run_evaluation's hook into the job's row, and leaves the finished EvaluationRun
on it. With settings.NETIMPACT_EVALUATION_JOBS_INLINE the job runs in the request instead (tests are
deterministic that way). A job whose worker died (the process restarted, ran out of memory) would say
"running" for ever: `refresh_if_stale` fails it with that reason (docs/decisions/0025).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import OperationalError, connection, transaction

from netimpact.web import clock
from netimpact.web.commissioning import evaluation as runs
from netimpact.web.commissioning.models import Exercise
from netimpact.web.commissioning.sealing import BidsSealed
from netimpact.web.commissioning.store import ExerciseError

from .models import ACTIVE_STATUSES, EvaluationJob, JobStatus

logger = logging.getLogger(__name__)

# This process, as a job's worker: a restarted process (even with the same pid) is a different worker.
WORKER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
# A worker writes a heartbeat at least this often while it runs; silence for STALE_AFTER means it died.
HEARTBEAT_SECONDS = 20
STALE_AFTER = timedelta(minutes=5)
# Progress is written at most this often (stage changes are written at once), to spare the database.
PROGRESS_WRITE_SECONDS = 0.3
# SQLite answers "database is locked" rather than wait when another connection writes at that moment.
LOCKED_RETRIES, LOCKED_PAUSE_SECONDS = 100, 0.02

STOPPED_MESSAGE = (
    "The evaluation stopped without finishing: the server process running it ended (it was restarted "
    "or ran out of memory). Nothing was saved. Run the evaluation again."
)

_threads: dict[int, threading.Thread] = {}
_threads_lock = threading.Lock()

T = TypeVar("T")


def inline() -> bool:
    return bool(getattr(settings, "NETIMPACT_EVALUATION_JOBS_INLINE", False))


def active_job(exercise: Exercise) -> EvaluationJob | None:
    """The exercise's job still queued or running, if any (a stale one is failed first)."""
    for job in EvaluationJob.objects.filter(exercise=exercise, status__in=ACTIVE_STATUSES):
        if refresh_if_stale(job).is_active:
            return job
    return None


def start_job(
    exercise: Exercise, *, draws: int, seed: int, with_sensitivity: bool, requested_by: Any
) -> EvaluationJob:
    """Queue an evaluation of `exercise`; it starts after the caller's transaction commits."""
    job = EvaluationJob.objects.create(
        exercise=exercise,
        draws=draws,
        seed=seed,
        with_sensitivity=with_sensitivity,
        requested_by=requested_by if getattr(requested_by, "is_authenticated", False) else None,
        stage="Waiting to start",
        worker=WORKER,
    )
    if inline():
        run_job(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: _start_thread(job.pk))
    return job


def _start_thread(job_pk: int) -> None:
    thread = threading.Thread(target=_work_in_thread, args=(job_pk,), name=f"evaluation-job-{job_pk}")
    thread.daemon = True  # a job never holds the server open; a killed one is failed by the stale rule
    with _threads_lock:
        _threads[job_pk] = thread
    thread.start()


def _work_in_thread(job_pk: int) -> None:
    try:
        run_job(job_pk)
    finally:
        connection.close()  # this thread's own database connection
        with _threads_lock:
            _threads.pop(job_pk, None)


def wait_for(job_pk: int, timeout: float = 120.0) -> None:
    """Wait until this process's worker thread for the job ends (tests, and the command line)."""
    with _threads_lock:
        thread = _threads.get(job_pk)
    if thread is not None:
        thread.join(timeout)


def run_job(job_pk: int) -> None:
    """Run the job to the end, leaving it done (with its run) or failed (with the reason)."""
    job = EvaluationJob.objects.select_related("exercise", "requested_by").get(pk=job_pk)
    now = clock.now()
    _write(job_pk, status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, worker=WORKER)
    reporter = _Reporter(job_pk)
    beating = _Heartbeat(job_pk)
    beating.start()
    try:
        run = runs.run_evaluation(
            job.exercise.key,
            draws=job.draws,
            seed=job.seed,
            run_by=job.requested_by,
            with_sensitivity=job.with_sensitivity,
            progress=reporter,
        )
    except (ValueError, BidsSealed, ExerciseError) as error:  # refused inputs: the reason is the message
        _fail(job_pk, f"The evaluation could not be run: {error}")
    except Exception as error:  # any other failure still ends the job, with what went wrong
        logger.exception("evaluation job %s failed", job_pk)
        _fail(
            job_pk,
            f"The evaluation failed because of an error in netimpact ({type(error).__name__}: "
            f"{error}). Nothing was saved. Tell your system administrator; the server log has the details.",
        )
    else:
        _write(
            job_pk,
            status=JobStatus.DONE,
            progress=1.0,
            stage="Finished",
            run=run,
            finished_at=clock.now(),
            heartbeat_at=clock.now(),
        )
    finally:
        beating.stop()


def _fail(job_pk: int, reason: str) -> None:
    _write(job_pk, status=JobStatus.FAILED, error=reason, finished_at=clock.now(), heartbeat_at=clock.now())


class _Reporter:
    """run_evaluation's progress hook: writes share and stage to the job's row, not too often."""

    def __init__(self, job_pk: int) -> None:
        self.job_pk = job_pk
        self.stage = ""
        self.written_at = 0.0

    def __call__(self, share: float, stage: str) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.written_at < PROGRESS_WRITE_SECONDS:
            return
        self.stage, self.written_at = stage, now
        share = min(max(float(share), 0.0), 0.99)  # 100% only once the run is saved
        _write(self.job_pk, progress=share, stage=stage[:200], heartbeat_at=clock.now(), active_only=True)


class _Heartbeat:
    """Writes the job's heartbeat while a long stage runs, so another process does not think it dead."""

    def __init__(self, job_pk: int) -> None:
        self.job_pk = job_pk
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"evaluation-job-{job_pk}-heartbeat")
        self.thread.daemon = True

    def start(self) -> None:
        if not inline():
            self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join(5)

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                _write(self.job_pk, heartbeat_at=clock.now(), active_only=True)
        finally:
            connection.close()


def _write(job_pk: int, active_only: bool = False, **fields: Any) -> int:
    jobs = EvaluationJob.objects.filter(pk=job_pk)
    if active_only:
        jobs = jobs.filter(status__in=ACTIVE_STATUSES)
    return _retry_when_locked(lambda: jobs.update(**fields))


def _retry_when_locked[T](action: Callable[[], T]) -> T:
    for attempt in range(LOCKED_RETRIES):
        try:
            return action()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == LOCKED_RETRIES - 1:
                raise
        time.sleep(LOCKED_PAUSE_SECONDS * (1 + attempt % 5))
    raise AssertionError("unreachable")  # the loop returns or raises


def is_stale(job: EvaluationJob) -> bool:
    """An active job nobody is running: its thread in this process has ended, or (run by another
    process) it has been silent for longer than STALE_AFTER."""
    if not job.is_active:
        return False
    if job.worker == WORKER and not inline():
        with _threads_lock:
            thread = _threads.get(job.pk)
        if thread is not None and thread.is_alive():
            return False
        if job.status == JobStatus.RUNNING:
            return True  # its thread ended without finishing it
        # Queued: its thread starts when the request commits; give it the heartbeat's grace.
        return clock.now() - job.heartbeat_at > timedelta(seconds=HEARTBEAT_SECONDS)
    return clock.now() - job.heartbeat_at > STALE_AFTER


def refresh_if_stale(job: EvaluationJob) -> EvaluationJob:
    """The job, failed with STOPPED_MESSAGE if it is stale (only if it is still active in the database)."""
    if is_stale(job):
        EvaluationJob.objects.filter(pk=job.pk, status__in=ACTIVE_STATUSES).update(
            status=JobStatus.FAILED, error=STOPPED_MESSAGE, finished_at=clock.now()
        )
        job.refresh_from_db()
    return job


def let_readers_pass_writers_in_shared_memory(sender: Any, connection: Any, **kwargs: Any) -> None:
    """An in-memory SQLite database shared between threads (the test database behind a live server)
    locks whole tables: a page reading a job's progress while the worker writes it would fail at once.
    Reading uncommitted rows there is harmless (each write is one small statement). Files and PostgreSQL
    are untouched."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")
