"""The portal's forms. A draft may be saved half done, so fields are optional here; what a submission
needs is checked on the check-your-answers page (drafts.submission_problems). What is checked here is
form: a price must be a number, an Org-ID must look like one, a file must be an allowed type."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm

from netimpact.domain import vocabulary
from netimpact.web.accounts.models import Role, User
from netimpact.web.commissioning import models as m
from netimpact.web.register import models as register
from netimpact.web.register.models import validate_org_id
from netimpact.web.register.queries import find_organisation

from .attachments import MAX_BYTES, AttachmentRefused, check_attachment

UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


class AmountField(forms.CharField):
    """A number as people type it: “£1,250,000”, “450000”, “12.5”. Empty is None."""

    def __init__(self, *, what: str, unit: str = "pounds", **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.what, self.unit = what, unit

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        text = str(value or "").strip().replace(",", "").replace("£", "").strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise forms.ValidationError(
                f"Enter {self.what} as a number of {self.unit}, like 450000", code="invalid"
            ) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise forms.ValidationError(f"Enter {self.what} as a number of {self.unit}", code="invalid")
        if number < 0:
            raise forms.ValidationError(f"{self.what.capitalize()} cannot be less than 0", code="negative")
        return number

    def validate(self, value: Any) -> None:
        if self.required and value is None:
            raise forms.ValidationError(f"Enter {self.what}", code="required")


def amount_text(value: float | None) -> str:
    """How a stored amount is shown back in a text box: 450000, 12.5."""
    return "" if value is None else f"{value:g}" if abs(value) < 1e15 else str(value)


# ----------------------------------------------------------------------------- accounts and organisations


class SignUpForm(UserCreationForm):
    """A new bidder's account: username, email and a password Django's validators accept."""

    email = forms.EmailField(
        label="Email address",
        help_text="We send you notices about the exercises you bid for here.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter a username"
        self.fields["password1"].error_messages["required"] = "Enter a password"
        self.fields["password2"].error_messages["required"] = "Enter the password again"
        self.fields.pop("usable_password", None)

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.role = Role.BIDDER  # the portal makes bidders only; other roles are given by an officer
        user.email = self.cleaned_data["email"]
        if commit:
            user.save()
        return user


class NewOrganisationForm(forms.Form):
    name = forms.CharField(
        label="Organisation name",
        max_length=300,
        error_messages={"required": "Enter the organisation's name"},
    )
    kind = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=vocabulary.OrgKind.choices(),
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of organisation it is"},
    )
    postcode = forms.CharField(
        label="Postcode of its main office",
        max_length=10,
        error_messages={"required": "Enter the postcode of the organisation's main office"},
    )
    org_id = forms.CharField(
        label="Org-ID (optional)",
        required=False,
        max_length=100,
        help_text="Its registered number as an Org-ID, e.g. GB-CHC-1234567 for a charity or GB-COH-01234567 "
        "for a company. Leave it empty if it has none; the register gives it one.",
    )

    def clean_postcode(self) -> str:
        postcode = " ".join(self.cleaned_data["postcode"].upper().split())
        if not UK_POSTCODE.match(postcode):
            raise forms.ValidationError("Enter a real postcode, like BS1 5TR")
        return postcode

    def clean_org_id(self) -> str:
        org_id = self.cleaned_data["org_id"].strip()
        if not org_id:
            return ""
        try:
            validate_org_id(org_id)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                f"“{org_id}” is not an Org-ID: enter the scheme and number, like GB-CHC-1234567"
            ) from error
        found = find_organisation(org_id)
        if found is not None:
            raise forms.ValidationError(
                f"{org_id} is already in the register as {found.name}: search for it above instead"
            )
        return org_id


# ------------------------------------------------------------------------------------------ bid sections


class DetailsForm(forms.Form):
    title = forms.CharField(
        label="Title of your bid",
        max_length=300,
        required=False,
        help_text="A short name the panel will know it by.",
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="In a few sentences: what you would deliver, with whom, and why it would work.",
    )


class ServiceForm(forms.Form):
    service_name = forms.CharField(label="Name of the service", max_length=300, required=False)
    needs = forms.ModelMultipleChoiceField(
        label="Which needs would it meet?",
        queryset=register.Need.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = AmountField(
        label="How many people a year could it support?", what="the people a year", unit="people"
    )
    cohorts = forms.ModelMultipleChoiceField(
        label="Which cohorts would it serve?",
        queryset=register.Cohort.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select none if it is open to everyone in the exercise's cohorts.",
    )
    wards = forms.ModelMultipleChoiceField(
        label="Which wards would it work in?",
        queryset=register.Ward.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select none if it works across the whole city.",
    )
    entry_points = forms.ModelMultipleChoiceField(
        label="Where would people first reach it?",
        queryset=register.EntryPoint.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, exercise: m.Exercise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohorts = self.fields["cohorts"]
        assert isinstance(cohorts, forms.ModelMultipleChoiceField)
        cohorts.queryset = exercise.cohorts.order_by("name")


class PriceForm(forms.Form):
    price = AmountField(
        label="Price a year, in pounds",
        what="the price a year",
        help_text="The whole yearly price of the service, subcontracts included.",
    )
    local_staff_wages = AmountField(
        label="Wages paid to staff who live in the city, £ a year (optional)", what="the local staff wages"
    )
    local_suppliers = AmountField(
        label="Spending with suppliers in the city, £ a year (optional)", what="the local supplier spending"
    )

    def __init__(self, *args: Any, exercise: m.Exercise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exercise = exercise

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wages, suppliers = data.get("local_staff_wages"), data.get("local_suppliers")
        if (
            "local_staff_wages" in data
            and "local_suppliers" in data
            and (wages is None) != (suppliers is None)
        ):
            missing = "local_suppliers" if suppliers is None else "local_staff_wages"
            self.add_error(
                missing,
                "Enter both local spending figures, or neither (0 is a figure): the evaluation reads them "
                "together",
            )
        return data


class AnswerForm(forms.Form):
    text = forms.CharField(label="Your answer", required=False, widget=forms.Textarea(attrs={"rows": 12}))


class PartnershipForm(forms.Form):
    partner_service = forms.ModelChoiceField(
        label="Partner service",
        queryset=register.Service.objects.select_related("organisation").order_by("name"),
        empty_label="Choose a service from the register",
        error_messages={
            "required": "Choose the partner service",
            "invalid_choice": "Choose a service in the list",
        },
        help_text="The service in the register your service would work with.",
    )
    mechanism = forms.ChoiceField(
        label="How would the services work together?",
        choices=vocabulary.JoinUpMechanism.choices(),
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the services would work together"},
    )
    cohort = forms.ModelChoiceField(
        label="For which cohort? (optional)",
        queryset=register.Cohort.objects.none(),
        required=False,
        empty_label="All the exercise's cohorts",
    )
    description = forms.CharField(
        label="What would happen, in a sentence or two (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, exercise: m.Exercise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohort = self.fields["cohort"]
        assert isinstance(cohort, forms.ModelChoiceField)
        cohort.queryset = exercise.cohorts.order_by("name")
        service = self.fields["partner_service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.label_from_instance = lambda s: f"{s.name} ({s.organisation.name})"  # type: ignore[method-assign]


def _organisations() -> Any:
    return register.Organisation.objects.order_by("name")


class SubcontractForm(forms.Form):
    partner = forms.ModelChoiceField(
        label="Organisation you would subcontract to",
        queryset=_organisations(),
        empty_label="Choose an organisation from the register",
        error_messages={
            "required": "Choose the organisation",
            "invalid_choice": "Choose an organisation in the list",
        },
    )
    amount = AmountField(label="£ a year", what="the amount a year", required=True)
    description = forms.CharField(
        label="What it would do (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommitmentForm(forms.Form):
    kind = forms.ChoiceField(
        label="Commitment",
        choices=[("", "Choose a commitment"), *vocabulary.CommitmentKind.choices()],
        error_messages={"required": "Choose the kind of commitment"},
    )
    quantity = AmountField(
        label="How much a year",
        what="the quantity a year",
        unit="units (the kind says which)",
        required=True,
        help_text="In the unit the commitment names: jobs, hours, pounds, people or weeks.",
    )
    partner = forms.ModelChoiceField(
        label="Organisation it benefits or involves (optional)",
        queryset=_organisations(),
        required=False,
        empty_label="None",
        help_text="For capacity building, volunteering or premises, the organisation it is with; for a "
        "transition, the incumbent. A named organisation is asked to confirm it.",
    )
    description = forms.CharField(
        label="Details (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContactsForm(forms.Form):
    """One name, email and phone per partner organisation the bid names."""

    def __init__(self, *args: Any, partners: list[register.Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partners = partners
        for organisation in partners:
            pk = organisation.pk
            self.fields[f"name_{pk}"] = forms.CharField(label="Name", max_length=200, required=False)
            self.fields[f"email_{pk}"] = forms.EmailField(
                label="Email address",
                required=False,
                error_messages={
                    "invalid": f"Enter the email address at {organisation.name} in the correct format, "
                    "like name@example.org"
                },
            )
            self.fields[f"phone_{pk}"] = forms.CharField(
                label="Phone (optional)", max_length=40, required=False
            )

    def groups(self) -> list[dict[str, Any]]:
        return [
            {
                "organisation": o,
                "name": self[f"name_{o.pk}"],
                "email": self[f"email_{o.pk}"],
                "phone": self[f"phone_{o.pk}"],
            }
            for o in self.partners
        ]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text=f"PDF, DOCX, XLSX, ODT, PNG or JPEG, up to {MAX_BYTES // 1024 // 1024} MB.",
        error_messages={"required": "Choose a file to upload", "empty": "The file you chose is empty"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.file_type = check_attachment(upload)
        except AttachmentRefused as error:
            raise forms.ValidationError(str(error)) from error
        return upload


class DeclarationForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm that the information in this bid is true and complete, and that I may submit it "
        "for my organisation.",
        error_messages={"required": "Confirm the declaration to submit the bid"},
    )
