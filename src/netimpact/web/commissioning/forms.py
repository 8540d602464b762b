"""The officer's exercise set-up forms: each error names the field and what is expected.

Weights are typed as percentages (what officers and bidders read) and stored as fractions of 1.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django import forms

from netimpact.domain.validation import MINIMUM_SOCIAL_VALUE_WEIGHT
from netimpact.domain.vocabulary import OrgKind, PriceFormula
from netimpact.web.register.models import Cohort, FundingTie, Organisation, Ward

from . import models as m

MAX_TERM_YEARS = 15  # longer than any council service contract we know of; guards a typed extra digit
MAX_SCORE = 10  # a 0..10 scale is the widest in common use in council tender packs


class MoneyField(forms.FloatField):
    """Pounds as people type them: '£250,000' and '250000' are the same."""

    def to_python(self, value: Any) -> float | None:
        if isinstance(value, str):
            value = value.strip().replace("£", "").replace(",", "")
        return super().to_python(value)


def _messages(label: str, expected: str) -> dict[str, str]:
    return {
        "required": f"Enter the {label}",
        "invalid": f"{label[0].upper()}{label[1:]} must be {expected}",
        "min_value": f"{label[0].upper()}{label[1:]} must be {expected}",
        "max_value": f"{label[0].upper()}{label[1:]} must be {expected}",
        "max_length": f"{label[0].upper()}{label[1:]} must be %(limit_value)d characters or fewer",
    }


class StreamChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: FundingTie) -> str:
        return f"{obj.funder.name} → {obj.recipient.name}: £{obj.amount_per_year:,.0f} a year ({obj.key})"


class ExerciseDetailsForm(forms.Form):
    title = forms.CharField(
        max_length=300,
        help_text="What bidders will see, for example ‘Community mental health support, 2027 to 2030’.",
        error_messages=_messages("title of the exercise", "300 characters or fewer"),
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Description of the intervention",
        help_text="What the service must do, for whom, and the outcomes it should achieve.",
        error_messages=_messages("description of the intervention", "text"),
    )
    commissioner = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(
            kind__in=[OrgKind.PUBLIC_BODY.value, OrgKind.NHS.value]
        ).order_by("name"),
        label="Commissioning body",
        help_text="The council or NHS body that awards the contract.",
        error_messages={
            "required": "Select the commissioning body",
            "invalid_choice": "Select a body listed",
        },
    )
    cohorts = forms.ModelMultipleChoiceField(
        queryset=Cohort.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        label="Cohorts the intervention serves",
        help_text="Select all that apply. Cohorts and their needs come from the register.",
        error_messages={"required": "Select at least one cohort the intervention serves"},
    )
    wards = forms.ModelMultipleChoiceField(
        queryset=Ward.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Wards (optional)",
        help_text="Leave all unticked for a city-wide service.",
    )
    budget_per_year = MoneyField(
        min_value=0.01,
        label="Budget per year, in pounds",
        help_text="For example £250,000.",
        error_messages=_messages("budget per year", "an amount in pounds greater than 0, like 250000"),
    )
    term_years = forms.IntegerField(
        min_value=1,
        max_value=MAX_TERM_YEARS,
        label="Term, in years",
        help_text="How long the contract runs, for example 3.",
        error_messages=_messages("term", f"a whole number of years from 1 to {MAX_TERM_YEARS}"),
    )
    price_ceiling_per_year = MoneyField(
        required=False,
        min_value=0.01,
        label="Price ceiling per year, in pounds (optional)",
        help_text="A bid priced above it is not compliant. "
        "The budget-anchored price formula scores against it.",
        error_messages=_messages(
            "price ceiling per year", "an amount in pounds greater than 0, or left empty"
        ),
    )
    replaced_streams = StreamChoiceField(
        queryset=FundingTie.objects.select_related("funder", "recipient").order_by("funder__name", "key"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Funding streams the new contract replaces (optional)",
        help_text="The incumbents' contracts and grants that end when this contract is awarded: funder → "
        "recipient, £ a year, from the register.",
    )
    deadline_day = forms.CharField(required=False)
    deadline_month = forms.CharField(required=False)
    deadline_year = forms.CharField(required=False)

    DATE_PARTS = ("deadline_day", "deadline_month", "deadline_year")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        parts = [str(cleaned.get(name) or "").strip() for name in self.DATE_PARTS]
        if not any(parts):
            self.add_error("deadline_day", "Enter the deadline for bids")
            return cleaned
        missing = [label for label, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            self.add_error("deadline_day", f"The deadline for bids must include a {' and '.join(missing)}")
            return cleaned
        try:
            day, month, year = (int(p) for p in parts)
            cleaned["deadline"] = date(year, month, day)
        except ValueError:
            self.add_error("deadline_day", "The deadline for bids must be a real date, for example 27 3 2027")
        return cleaned

    @classmethod
    def initial_from(cls, exercise: m.Exercise) -> dict[str, Any]:
        deadline = exercise.deadline
        return {
            "title": exercise.title,
            "description": exercise.description,
            "commissioner": exercise.commissioner_id,
            "cohorts": list(exercise.cohorts.values_list("pk", flat=True)),
            "wards": list(exercise.wards.values_list("pk", flat=True)),
            "budget_per_year": f"{exercise.budget_per_year:.2f}".removesuffix(".00"),
            "term_years": exercise.term_years,
            "price_ceiling_per_year": (
                ""
                if exercise.price_ceiling_per_year is None
                else f"{exercise.price_ceiling_per_year:.2f}".removesuffix(".00")
            ),
            "replaced_streams": list(exercise.replaced_streams.values_list("pk", flat=True)),
            "deadline_day": deadline.day if deadline else "",
            "deadline_month": deadline.month if deadline else "",
            "deadline_year": deadline.year if deadline else "",
        }


class QualityQuestionForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Question",
        help_text="What bidders answer, for example ‘How will you reach people who do not seek help?’",
        error_messages=_messages("question", "text"),
    )
    weight_percent = forms.FloatField(
        min_value=0.01,
        max_value=100,
        label="Share of the quality score, in %",
        help_text="The questions' shares must add up to 100% before the exercise is published.",
        error_messages=_messages("share of the quality score", "a percentage greater than 0 and at most 100"),
    )
    max_score = forms.IntegerField(
        min_value=1,
        max_value=MAX_SCORE,
        initial=4,
        label="Highest score",
        help_text=f"Scores run from 0 to this number, at most {MAX_SCORE}. Usually 4.",
        error_messages=_messages("highest score", f"a whole number from 1 to {MAX_SCORE}"),
    )
    scale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Scoring scale",
        help_text="One line for each score, starting at 0: what a response must show to earn it. "
        "Bidders see this scale.",
        initial="\n".join(m.default_scoring_scale()),
        error_messages=_messages("scoring scale", "one line for each score"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lines = [line.strip() for line in str(cleaned.get("scale", "")).splitlines() if line.strip()]
        highest = cleaned.get("max_score")
        if "scale" in cleaned and highest is not None and len(lines) != highest + 1:
            self.add_error(
                "scale",
                f"The scoring scale must have {highest + 1} lines, one for each score from 0 to {highest}; "
                f"it has {len(lines)}",
            )
        cleaned["scale_lines"] = lines
        return cleaned

    @classmethod
    def initial_from(cls, question: m.QualityQuestion) -> dict[str, Any]:
        return {
            "text": question.text,
            "weight_percent": f"{question.weight * 100:g}",
            "max_score": question.max_score,
            "scale": "\n".join(question.scale),
        }


class AwardCriteriaForm(forms.Form):
    price_percent = forms.FloatField(
        min_value=0,
        max_value=100,
        label="Price, in %",
        error_messages=_messages("price weight", "a percentage from 0 to 100"),
    )
    quality_percent = forms.FloatField(
        min_value=0,
        max_value=100,
        label="Quality, in %",
        error_messages=_messages("quality weight", "a percentage from 0 to 100"),
    )
    net_impact_percent = forms.FloatField(
        min_value=0,
        max_value=100,
        label="Net impact on the local ecosystem (social value), in %",
        help_text="Government expects social value to be at least 10% of the total score.",
        error_messages=_messages("net impact weight", "a percentage from 0 to 100"),
    )
    price_formula = forms.ChoiceField(
        choices=PriceFormula.choices(),
        widget=forms.RadioSelect,
        label="Price formula",
        error_messages={
            "required": "Select the price formula",
            "invalid_choice": "Select a price formula listed",
        },
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for changing the published criteria",
        help_text="Every bidder is emailed this reason with the criteria before and after the change.",
    )

    WEIGHTS = ("price_percent", "quality_percent", "net_impact_percent")

    def __init__(self, *args: Any, published: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published = published

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        weights = [cleaned.get(name) for name in self.WEIGHTS]
        if all(w is not None for w in weights):
            total = sum(w for w in weights if w is not None)
            if not math.isclose(total, 100, abs_tol=1e-4):
                self.add_error(
                    "price_percent",
                    "The price, quality and net impact weights must add up to 100%; "
                    f"they add up to {total:g}%",
                )
        if self.published and not str(cleaned.get("reason", "")).strip():
            self.add_error(
                "reason",
                "Enter the reason for changing the published criteria: bidders are told of every change",
            )
        return cleaned

    @property
    def social_value_warning(self) -> str | None:
        """A warning, not an error: an officer may have a documented reason to go below the expectation."""
        weight = (self.cleaned_data or {}).get("net_impact_percent") if self.is_bound else None
        return social_value_warning((weight or 0) / 100) if weight is not None else None

    def criteria(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "price_weight": data["price_percent"] / 100,
            "quality_weight": data["quality_percent"] / 100,
            "net_impact_weight": data["net_impact_percent"] / 100,
            "price_formula": data["price_formula"],
        }

    @classmethod
    def initial_from(cls, exercise: m.Exercise) -> dict[str, Any]:
        return {
            "price_percent": f"{exercise.price_weight * 100:g}",
            "quality_percent": f"{exercise.quality_weight * 100:g}",
            "net_impact_percent": f"{exercise.net_impact_weight * 100:g}",
            "price_formula": exercise.price_formula,
        }


def social_value_warning(net_impact_weight: float) -> str | None:
    if net_impact_weight + 1e-9 >= MINIMUM_SOCIAL_VALUE_WEIGHT:
        return None
    return (
        f"The net impact (social value) weight is {net_impact_weight:.0%}, below 10%. Procurement Policy "
        "Note 06/20 and the National Procurement Policy Statement expect social value to carry at least 10% "
        "of the total score; record why this exercise departs from that."
    )
