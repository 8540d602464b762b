"""Running an evaluation as a job: the form starts it, the job page and the progress endpoint follow it,
a failure ends it with the reason, and a job whose worker died is failed by the stale rule.

Jobs run inside the request here (settings/test.py); test_jobs_in_threads.py runs them in threads.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from netimpact.web.commissioning import evaluation as runs
from netimpact.web.commissioning import models as m
from netimpact.web.decisions import jobs
from netimpact.web.decisions.models import EvaluationJob, JobStatus

from .conftest import TEST_DRAWS, run_evaluation

pytestmark = pytest.mark.django_db


def test_an_officer_starts_an_evaluation_and_the_job_page_opens_the_result(signed_in, exercise_key):
    officer = signed_in("officer")

    started = run_evaluation(officer, exercise_key, seed=7)

    job = EvaluationJob.objects.get()
    assert started.status_code == 302
    assert started["Location"] == reverse("decisions:job", args=[exercise_key, job.pk])
    assert (job.status, job.progress, job.stage) == (JobStatus.DONE, 1.0, "Finished")
    assert job.run == m.EvaluationRun.objects.get()
    assert (job.run.draws, job.run.seed, job.run.run_by.role) == (TEST_DRAWS, 7, "officer")
    assert job.requested_by.role == "officer" and job.started_at and job.finished_at

    done = officer.get(started["Location"])
    assert done.status_code == 302
    assert done["Location"] == reverse("commissioning:evaluation", args=[exercise_key])
    page = officer.get(done["Location"])
    assert f"Evaluation run with {TEST_DRAWS} draws and seed 7" in page.text
    assert 'id="ranking-table"' in page.text
    # The evaluation page's form posts to the job runner, and links the decision report.
    assert reverse("decisions:run_evaluation", args=[exercise_key]) in page.text
    assert reverse("decisions:report", args=[exercise_key]) in page.text


def test_the_progress_reaches_the_job_row_stage_by_stage(signed_in, exercise_key, monkeypatch):
    seen: list[tuple[float, str]] = []
    real = runs.run_evaluation

    def watched(*args, progress=None, **kwargs):
        def spy(share: float, stage: str) -> None:
            progress(share, stage)
            job = EvaluationJob.objects.get()
            seen.append((job.progress, job.stage))

        return real(*args, progress=spy, **kwargs)

    monkeypatch.setattr(jobs, "PROGRESS_WRITE_SECONDS", 0)
    monkeypatch.setattr(runs, "run_evaluation", watched)
    run_evaluation(signed_in("officer"), exercise_key)

    shares = [share for share, _ in seen]
    stages = [stage for _, stage in seen]
    assert shares == sorted(shares) and shares[0] == 0 and 0.9 < shares[-1] < 1  # 100% only once saved
    assert "Working out the status quo" in stages
    assert "Working out bid 3 of 3: pathways, value and explanations" in stages
    assert stages[-1] == "Saving the evaluation"
    assert EvaluationJob.objects.get().progress == 1.0


def test_the_progress_endpoint_tells_the_script_where_the_job_is(signed_in, exercise_key, demo_register):
    exercise = m.Exercise.objects.get(key=exercise_key)
    job = EvaluationJob.objects.create(
        exercise=exercise,
        draws=300,
        seed=1,
        status=JobStatus.RUNNING,
        progress=0.42,
        stage="Evaluating bid 2 of 3",
    )
    # Another process's job: this process cannot see its thread, only its heartbeat.
    EvaluationJob.objects.filter(pk=job.pk).update(worker="elsewhere:1:abc")
    url = reverse("decisions:job_progress", args=[exercise_key, job.pk])

    answer = signed_in("officer").get(url)

    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    assert answer["Cache-Control"] == "no-store"
    assert answer.json() == {
        "status": "running",
        "status_label": "Running",
        "progress": 0.42,
        "stage": "Evaluating bid 2 of 3",
        "error": "",
        "next_url": reverse("decisions:job", args=[exercise_key, job.pk]),
    }
    page = signed_in("officer").get(reverse("decisions:job", args=[exercise_key, job.pk]))
    text = page.text
    assert page.status_code == 200
    # Without JavaScript the page reloads itself every 2 seconds; with it, the script asks the endpoint.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in text
    assert '<progress class="ni-progress" id="job-progress" max="100" value="42">42%</progress>' in text
    assert 'role="status" aria-live="polite"' in text and "Evaluating bid 2 of 3" in text
    assert f'data-progress-url="{url}"' in text and "decisions/progress.mjs" in text
    for role in ("panel", "bidder", "partner"):
        assert signed_in(role).get(url).status_code == 403
    assert signed_in("public").get(url).status_code == 302  # to sign in


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            ValueError("draws must be a whole number of at least 1"),
            "The evaluation could not be run: draws must",
        ),
        (RuntimeError("the kernel ran out of memory"), "RuntimeError: the kernel ran out of memory"),
    ],
)
def test_a_failing_job_ends_failed_with_the_reason_and_saves_nothing(
    signed_in, exercise_key, monkeypatch, error, shown
):
    def fails(*args, **kwargs):
        raise error

    monkeypatch.setattr(runs, "run_evaluation", fails)
    officer = signed_in("officer")

    started = run_evaluation(officer, exercise_key)

    job = EvaluationJob.objects.get()
    assert job.status == JobStatus.FAILED and shown in job.error and job.run is None
    assert not m.EvaluationRun.objects.exists()
    page = officer.get(started["Location"])
    assert page.status_code == 200
    assert "The evaluation failed" in page.text and shown in page.text
    assert "http-equiv" not in page.text  # a finished job does not reload itself
    assert (
        officer.get(reverse("decisions:job_progress", args=[exercise_key, job.pk])).json()["status"]
        == "failed"
    )


def test_a_job_whose_worker_died_is_failed_by_the_stale_rule(signed_in, exercise_key, clock):
    exercise = m.Exercise.objects.get(key=exercise_key)
    elsewhere = EvaluationJob.objects.create(
        exercise=exercise, draws=300, seed=1, status=JobStatus.RUNNING, worker="other-host:99:dead"
    )
    here = EvaluationJob.objects.create(
        exercise=exercise, draws=300, seed=1, status=JobStatus.RUNNING, worker=jobs.WORKER
    )
    officer = signed_in("officer")
    progress = reverse("decisions:job_progress", args=[exercise_key, elsewhere.pk])

    # Another process's job is alive while its heartbeat is recent...
    assert officer.get(progress).json()["status"] == "running"
    # ...and dead once it has been silent too long.
    clock.move(jobs.STALE_AFTER + timedelta(seconds=1))
    answer = officer.get(progress).json()
    assert (answer["status"], answer["error"]) == ("failed", jobs.STOPPED_MESSAGE)
    page = officer.get(reverse("decisions:job", args=[exercise_key, elsewhere.pk]))
    assert "The evaluation failed" in page.text and "server process running it ended" in page.text
    # This process's job with no thread running it is dead at once (its thread ended without finishing).
    jobs.refresh_if_stale(here)
    assert here.status == JobStatus.FAILED and here.error == jobs.STOPPED_MESSAGE


def test_a_running_job_is_not_started_twice(signed_in, exercise_key):
    exercise = m.Exercise.objects.get(key=exercise_key)
    running = EvaluationJob.objects.create(
        exercise=exercise, draws=300, seed=1, status=JobStatus.RUNNING, worker="other-host:1:x"
    )

    started = run_evaluation(signed_in("officer"), exercise_key)

    assert started["Location"] == reverse("decisions:job", args=[exercise_key, running.pk])
    assert EvaluationJob.objects.count() == 1


def test_bad_draws_are_named_and_kept_and_no_job_starts(signed_in, exercise_key):
    answer = run_evaluation(signed_in("officer"), exercise_key, draws="lots", seed="-1")

    assert answer.status_code == 400
    assert "Number of draws must be a whole number from 100 to 20,000" in answer.text
    assert 'value="lots"' in answer.text and 'value="-1"' in answer.text
    assert not EvaluationJob.objects.exists()


@pytest.mark.parametrize("role", ["panel", "bidder", "partner"])
def test_only_officers_run_an_evaluation(signed_in, exercise_key, role):
    assert run_evaluation(signed_in(role), exercise_key).status_code == 403
    assert run_evaluation(signed_in("public"), exercise_key).status_code == 302
    assert not EvaluationJob.objects.exists()


def test_no_evaluation_runs_before_the_deadline(signed_in, exercise_key, clock):
    exercise = m.Exercise.objects.get(key=exercise_key)
    clock.set(exercise.closes_at - timedelta(minutes=1))

    answer = run_evaluation(signed_in("officer"), exercise_key)

    assert answer.status_code == 403 and "Bids are sealed" in answer.text
    assert not EvaluationJob.objects.exists()
