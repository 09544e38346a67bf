from django import forms

from . import reports


class ParticipationForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(
        label="Rows", choices=[("week", "One per student per week"), ("student", "One per student (totals)")]
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The end date is before the start date.")
            if (end - start).days > reports.MAX_WEEKS * 7:
                raise forms.ValidationError(f"Choose at most {reports.MAX_WEEKS} weeks.")
        return cleaned
