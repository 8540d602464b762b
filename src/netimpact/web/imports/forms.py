from __future__ import annotations

from django import forms

from .models import Standard

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportForm(forms.Form):
    standard = forms.ChoiceField(
        label="What kind of file is it?",
        choices=Standard.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of file it is"},
    )
    upload = forms.FileField(
        label="Upload the file",
        help_text="360Giving: .json, .csv or .xlsx. Open Referral UK: .json. Charity Commission: a .zip of "
        "the publicextract tables. At most 200 MB.",
        error_messages={"required": "Select the file to import", "empty": "The selected file is empty"},
    )
    invalid_records = forms.ChoiceField(
        label="If some records are invalid",
        choices=[
            ("stop", "Stop: import nothing and list the problems"),
            ("skip", "Skip the invalid records, import the rest and list what was skipped"),
        ],
        widget=forms.RadioSelect,
        initial="stop",
        error_messages={"required": "Select what to do with invalid records"},
    )
    dry_run = forms.BooleanField(
        label="Only check the file and count what would change (write nothing)", required=False
    )

    def clean_upload(self) -> object:
        upload = self.cleaned_data["upload"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 200 MB")
        return upload


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("merge", "Merge"), ("keep_apart", "Keep apart")])
