"""Evaluation jobs in real worker threads, as the server runs them: committed data (transactional tests,
so the worker's own database connection sees the demo city), a thread per job, progress and the result
written from that thread."""

from __future__ import annotations

import threading

import pytest
from django.test import Client
from django.urls import reverse

from netimpact.domain.demo_city import DemoCity
from netimpact.web.accounts.demo import create_demo_users
from netimpact.web.accounts.models import User
from netimpact.web.audit.models import AuditEvent, AuditKind
from netimpact.web.commissioning import evaluation as runs
from netimpact.web.commissioning import models as m
from netimpact.web.commissioning.store import save_demo_city
from netimpact.web.decisions import jobs
from netimpact.web.decisions.models import EvaluationJob, JobStatus

from .conftest import run_evaluation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def officer(demo_city: DemoCity, settings) -> Client:
    settings.NETIMPACT_EVALUATION_JOBS_INLINE = False
    save_demo_city(demo_city)
    create_demo_users(demo_city.exercise.id, demo_city.bids)
    client = Client()
    client.force_login(User.objects.get(username="officer"))
    return client


def test_a_job_runs_in_its_own_thread_and_leaves_the_run_on_the_job(officer, demo_city, monkeypatch):
    key = demo_city.exercise.id
    caller = threading.get_ident()
    threads: list[int] = []
    real = runs.run_evaluation

    def recorded(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(runs, "run_evaluation", recorded)
    started = run_evaluation(officer, key, seed=3)
    job = EvaluationJob.objects.get()
    jobs.wait_for(job.pk)

    job.refresh_from_db()
    assert started["Location"] == reverse("decisions:job", args=[key, job.pk])
    assert threads and threads[0] != caller  # the request did not run it
    assert (job.status, job.progress, job.error) == (JobStatus.DONE, 1.0, "")
    assert job.worker == jobs.WORKER and job.heartbeat_at >= job.started_at
    run = m.EvaluationRun.objects.get()
    assert job.run == run and run.seed == 3
    assert AuditEvent.objects.filter(kind=AuditKind.EVALUATION_RUN).count() == 1
    assert officer.get(started["Location"])["Location"] == reverse("commissioning:evaluation", args=[key])


def test_a_job_failing_in_its_thread_is_failed_with_the_reason(officer, demo_city, monkeypatch):
    def fails(*args, **kwargs):
        raise RuntimeError("no memory left")

    monkeypatch.setattr(runs, "run_evaluation", fails)
    key = demo_city.exercise.id

    run_evaluation(officer, key)
    job = EvaluationJob.objects.get()
    jobs.wait_for(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "RuntimeError: no memory left" in job.error
    progress = officer.get(reverse("decisions:job_progress", args=[key, job.pk])).json()
    assert progress["status"] == "failed" and "no memory left" in progress["error"]
    assert not m.EvaluationRun.objects.exists()
