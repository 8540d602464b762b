"""Setting up an exercise (commissioning officers only) and its published criteria (everyone).

A draft is edited freely; publishing freezes it. After publication only the award weights and price
formula can change, with a recorded reason that every bidder is emailed (see publication.py).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from netimpact.domain.vocabulary import PriceFormula
from netimpact.web.accounts.access import Officer, Public, access_rule
from netimpact.web.accounts.models import Role

from . import models as m
from . import publication
from .forms import AwardCriteriaForm, ExerciseDetailsForm, QualityQuestionForm, social_value_warning


def _problems(form: Any) -> list[dict[str, str]]:
    """The error summary's entries: each links to the field it names."""

    def anchor(name: str) -> str:
        if name == "deadline_day":
            return "id_deadline_day"
        widget = form.fields[name].widget if name in form.fields else None
        # A group of checkboxes or radios is reached through its first option.
        return f"id_{name}_0" if isinstance(widget, forms.RadioSelect) else f"id_{name}"

    return [
        {"field": anchor(name), "message": str(error)}
        for name, errors in form.errors.items()
        for error in errors
    ]


def _draft_or_redirect(request: HttpRequest, key: str) -> tuple[m.Exercise | None, HttpResponse | None]:
    exercise = get_object_or_404(m.Exercise.objects.select_related("commissioner"), key=key)
    if exercise.status == m.ExerciseStatus.PUBLISHED:
        # The criteria page says the rest is frozen (base.html shows every message as a success).
        return None, redirect("commissioning:setup_criteria", key=key)
    return exercise, None


def _new_key(title: str) -> str:
    base = slugify(title)[:80] or "exercise"
    key, number = base, 2
    while m.Exercise.objects.filter(key=key).exists():
        key, number = f"{base}-{number}", number + 1
    return key


def _save_details(exercise: m.Exercise, data: dict[str, Any]) -> m.Exercise:
    for name in (
        "title",
        "description",
        "commissioner",
        "budget_per_year",
        "term_years",
        "price_ceiling_per_year",
        "deadline",
    ):
        setattr(exercise, name, data[name])
    with transaction.atomic():
        exercise.save()
        exercise.cohorts.set(data["cohorts"])
        exercise.wards.set(data["wards"])
        exercise.replaced_streams.set(data["replaced_streams"])
    return exercise


# ------------------------------------------------------------------------------------------ details


@access_rule(Officer)
@require_http_methods(["GET", "POST"])
def create_exercise(request: HttpRequest) -> HttpResponse:
    form = ExerciseDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        exercise = _save_details(
            m.Exercise(key=_new_key(form.cleaned_data["title"]), status=m.ExerciseStatus.DRAFT),
            form.cleaned_data,
        )
        messages.success(request, "Exercise created as a draft. Now add its quality questions.")
        return redirect("commissioning:setup_questions", key=exercise.key)
    return _details_page(request, form, None)


@access_rule(Officer)
@require_http_methods(["GET", "POST"])
def edit_exercise(request: HttpRequest, key: str) -> HttpResponse:
    exercise, refused = _draft_or_redirect(request, key)
    if refused:
        return refused
    assert exercise is not None
    if request.method == "POST":
        form = ExerciseDetailsForm(request.POST)
        if form.is_valid():
            _save_details(exercise, form.cleaned_data)
            messages.success(request, "Exercise details saved.")
            return redirect("commissioning:setup_check", key=key)
    else:
        form = ExerciseDetailsForm(initial=ExerciseDetailsForm.initial_from(exercise))
    return _details_page(request, form, exercise)


def _details_page(
    request: HttpRequest, form: ExerciseDetailsForm, exercise: m.Exercise | None
) -> HttpResponse:
    return render(
        request,
        "commissioning/setup/details.html",
        {"form": form, "exercise": exercise, "problems": _problems(form)},
        status=400 if form.is_bound and form.errors else 200,
    )


# ----------------------------------------------------------------------------------------- questions


@access_rule(Officer)
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, key: str) -> HttpResponse:
    """The exercise's quality questions, and the form to add one."""
    exercise, refused = _draft_or_redirect(request, key)
    if refused:
        return refused
    assert exercise is not None
    form = QualityQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _save_question(m.QualityQuestion(exercise=exercise, key=_next_question_key(exercise)), form)
        messages.success(request, "Question added.")
        return redirect("commissioning:setup_questions", key=key)
    return _questions_page(request, exercise, form)


def _questions_page(
    request: HttpRequest,
    exercise: m.Exercise,
    form: QualityQuestionForm,
    editing: m.QualityQuestion | None = None,
) -> HttpResponse:
    found = list(exercise.quality_questions.order_by("pk"))
    return render(
        request,
        "commissioning/setup/questions.html",
        {
            "exercise": exercise,
            "questions": found,
            "share_total": sum(q.weight for q in found),
            "form": form,
            "editing": editing,
            "problems": _problems(form),
            "psr_criteria": publication.PSR_KEY_CRITERIA,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _next_question_key(exercise: m.Exercise) -> str:
    numbers = [
        int(n) for n in re.findall(r"\d+", " ".join(exercise.quality_questions.values_list("key", flat=True)))
    ]
    return f"q{max(numbers, default=0) + 1}"


def _save_question(question: m.QualityQuestion, form: QualityQuestionForm) -> None:
    data = form.cleaned_data
    question.text = data["text"]
    question.weight = data["weight_percent"] / 100
    question.max_score = data["max_score"]
    question.scale = data["scale_lines"]
    question.save()


@access_rule(Officer)
@require_http_methods(["GET", "POST"])
def edit_question(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    exercise, refused = _draft_or_redirect(request, key)
    if refused:
        return refused
    question = get_object_or_404(m.QualityQuestion, exercise=exercise, pk=pk)
    if request.method == "POST":
        form = QualityQuestionForm(request.POST)
        if form.is_valid():
            _save_question(question, form)
            messages.success(request, "Question saved.")
            return redirect("commissioning:setup_questions", key=key)
    else:
        form = QualityQuestionForm(initial=QualityQuestionForm.initial_from(question))
    assert exercise is not None
    return _questions_page(request, exercise, form, editing=question)


@access_rule(Officer)
@require_POST
def remove_question(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    exercise, refused = _draft_or_redirect(request, key)
    if refused:
        return refused
    get_object_or_404(m.QualityQuestion, exercise=exercise, pk=pk).delete()
    messages.success(request, "Question removed.")
    return redirect("commissioning:setup_questions", key=key)


@access_rule(Officer)
@require_POST
def use_psr_template(request: HttpRequest, key: str) -> HttpResponse:
    """Replace the questions with the Provider Selection Regime's five key criteria, equally weighted."""
    exercise, refused = _draft_or_redirect(request, key)
    if refused:
        return refused
    with transaction.atomic():
        exercise.quality_questions.all().delete()  # type: ignore[union-attr]
        m.QualityQuestion.objects.bulk_create(
            m.QualityQuestion(
                exercise=exercise,
                key=f"psr-{number}",
                text=criterion,
                weight=1 / len(publication.PSR_KEY_CRITERIA),
                max_score=4,
                scale=m.default_scoring_scale(),
            )
            for number, criterion in enumerate(publication.PSR_KEY_CRITERIA, start=1)
        )
    messages.success(
        request,
        "The quality questions are now the Provider Selection Regime's five key criteria, 20% each. "
        "Edit the wording, shares and scales to fit the service.",
    )
    return redirect("commissioning:setup_questions", key=key)


# ------------------------------------------------------------------------------------------ criteria


@access_rule(Officer)
@require_http_methods(["GET", "POST"])
def award_criteria(request: HttpRequest, key: str) -> HttpResponse:
    exercise = get_object_or_404(m.Exercise, key=key)
    published = exercise.status == m.ExerciseStatus.PUBLISHED
    if request.method == "POST":
        form = AwardCriteriaForm(request.POST, published=published)
        if form.is_valid():
            warning = form.social_value_warning
            if published:
                notice = publication.change_criteria(
                    exercise,
                    form.criteria(),
                    form.cleaned_data["reason"],
                    request.user,  # type: ignore[arg-type]
                )
                return redirect("commissioning:setup_criteria_change", key=key, pk=notice.change.pk)
            for name, value in form.criteria().items():
                setattr(exercise, name, value)
            exercise.save()
            messages.success(request, "Award criteria saved.")
            if warning:
                messages.warning(request, warning)
            return redirect("commissioning:setup_criteria", key=key)
    else:
        form = AwardCriteriaForm(initial=AwardCriteriaForm.initial_from(exercise), published=published)
    return render(
        request,
        "commissioning/setup/criteria.html",
        {
            "exercise": exercise,
            "form": form,
            "published": published,
            "problems": _problems(form),
            "warning": social_value_warning(exercise.net_impact_weight) if not form.is_bound else None,
            "changes": exercise.criteria_changes.select_related("changed_by").order_by("-changed_at", "-pk"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@access_rule(Officer)
def criteria_change(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """The officer's confirmation: who was emailed, and who has no address and must be told another way."""
    exercise = get_object_or_404(m.Exercise, key=key)
    change = get_object_or_404(
        m.CriteriaChange.objects.select_related("changed_by"), exercise=exercise, pk=pk
    )
    bidders = publication.bidders_of(exercise)
    return render(
        request,
        "commissioning/setup/criteria_change.html",
        {
            "exercise": exercise,
            "change": change,
            "before_formula": _formula_label(change.before.get("price_formula", "")),
            "after_formula": _formula_label(change.after.get("price_formula", "")),
            "emailed": [b for b in bidders if b.email],
            "without_email": [b for b in bidders if not b.email],
        },
    )


def _formula_label(code: str) -> str:
    return dict(PriceFormula.choices()).get(code, code)


# ---------------------------------------------------------------------------------- check and publish


@access_rule(Officer)
@require_http_methods(["GET", "POST"])
def check_and_publish(request: HttpRequest, key: str) -> HttpResponse:
    exercise = get_object_or_404(m.Exercise.objects.select_related("commissioner", "published_by"), key=key)
    draft = exercise.status == m.ExerciseStatus.DRAFT
    # A published exercise is past these checks; its deadline may since have passed, which is no problem.
    problems = publication.publication_problems(exercise) if draft else []
    if request.method == "POST":
        if not draft:  # published already: nothing to do
            return redirect("commissioning:setup_check", key=key)
        if not problems:
            publication.publish(exercise, request.user)  # type: ignore[arg-type]
            messages.success(request, "Exercise published. Its award criteria are now public and frozen.")
            return redirect("commissioning:criteria", key=key)
    return render(
        request,
        "commissioning/setup/check.html",
        {
            **_criteria_context(exercise),
            "draft": draft,
            "problems": [{"field": p.field, "message": p.message} for p in problems],
            "warning": social_value_warning(exercise.net_impact_weight),
        },
        status=400 if request.method == "POST" else 200,
    )


def _criteria_context(exercise: m.Exercise) -> dict[str, Any]:
    return {
        "exercise": exercise,
        "questions": list(exercise.quality_questions.order_by("pk")),
        "cohorts": list(exercise.cohorts.order_by("name")),
        "wards": list(exercise.wards.order_by("name")),
        "streams": list(exercise.replaced_streams.select_related("funder", "recipient").order_by("key")),
        "changes": list(exercise.criteria_changes.order_by("changed_at", "pk")),
    }


# -------------------------------------------------------------------------------- published criteria


@access_rule(Public)
def published_criteria(request: HttpRequest, key: str) -> HttpResponse:
    """Procurement Act 2023 s.23: published award criteria are public. A draft is for officers only."""
    exercise = m.Exercise.objects.select_related("commissioner").filter(key=key).first()
    is_officer = getattr(request.user, "role", None) == Role.OFFICER
    if exercise is None or (exercise.status != m.ExerciseStatus.PUBLISHED and not is_officer):
        raise Http404(f"No published exercise with the id {key}.")
    return render(
        request,
        "commissioning/setup/published_criteria.html",
        {
            **_criteria_context(exercise),
            "is_officer": is_officer,
            "setup_url": reverse("commissioning:setup_check", args=[key]),
        },
    )
