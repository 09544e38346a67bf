import datetime

from django import forms

from . import reports

# Dates a course can have: anything else is a typo (and 9999-12-31 plus a day overflows).
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2199, 12, 31)


class ParticipationForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(
        label="Rows", choices=[("week", "One per student per week"), ("student", "One per student (totals)")]
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("start", "end"):
            day = cleaned.get(name)
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(name, f"Choose a date between {EARLIEST:%Y} and {LATEST:%Y}.")
                cleaned.pop(name, None)
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The end date is before the start date.")
            if (end - start).days > reports.MAX_WEEKS * 7:
                raise forms.ValidationError(f"Choose at most {reports.MAX_WEEKS} weeks.")
        return cleaned
