import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from markdownx.widgets import AdminMarkdownxWidget

from courses.models import Membership

from . import reports
from .models import Accommodation, Prompt, WeekEmailPreference

# Dates a course can have: anything else is a typo (and 9999-12-31 plus a day overflows).
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2199, 12, 31)


def out_of_range_message() -> str:
    return _("Choose a date between %(earliest)s and %(latest)s.") % {
        "earliest": f"{EARLIEST:%Y}",
        "latest": f"{LATEST:%Y}",
    }


class ParticipationForm(forms.Form):
    start = forms.DateField(
        label=pgettext_lazy("first day of a report", "From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=pgettext_lazy("last day of a report", "To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    by = forms.ChoiceField(
        label=gettext_lazy("Rows"),
        choices=[
            ("week", gettext_lazy("One per student per week")),
            ("student", gettext_lazy("One per student (totals)")),
        ],
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("start", "end"):
            day = cleaned.get(name)
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(name, out_of_range_message())
                cleaned.pop(name, None)
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date is before the start date."))
            weeks = reports.MAX_WEEKS
            if (end - start).days > weeks * 7:
                raise forms.ValidationError(
                    ngettext("Choose at most %(weeks)s week.", "Choose at most %(weeks)s weeks.", weeks)
                    % {"weeks": weeks}
                )
        return cleaned


# --- Prompts (the prompt page's accommodation forms, the week's email settings, the prompt admin) ---


def in_course_range(moment: datetime.datetime | None) -> bool:
    return moment is None or EARLIEST <= moment.date() <= LATEST


class CourseDateTimeField(forms.DateTimeField):
    """A date and time typed in the course's zone (not the site's), shown back in it too."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_error_messages = {"invalid": gettext_lazy("Enter a date and time, for example 2026-11-12 23:59.")}

    def __init__(self, *, tz, **kwargs):
        self.tz = tz
        super().__init__(**kwargs)

    def to_python(self, value):
        with timezone.override(self.tz):
            moment = super().to_python(value)
        if not in_course_range(moment):
            raise forms.ValidationError(out_of_range_message())
        return moment

    def prepare_value(self, value):
        with timezone.override(self.tz):
            return super().prepare_value(value)


class AccommodationForm(forms.Form):
    """One student's row of the prompt page's table: excuse, extend, or back to the prompt's due time."""

    EXCUSE, EXTEND, REMOVE = "excuse", "extend", "remove"

    member = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("Choose a student."),
            "invalid_choice": gettext_lazy("Choose a student of this course."),
        },
    )
    action = forms.ChoiceField(
        choices=[
            (EXCUSE, gettext_lazy("Excuse")),
            (EXTEND, gettext_lazy("Extend")),
            (REMOVE, gettext_lazy("Undo")),
        ],
        error_messages={
            "required": gettext_lazy("Choose Excuse, Extend or Undo."),
            "invalid_choice": gettext_lazy("Choose Excuse, Extend or Undo."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (seen by instructors only)"), max_length=200, required=False
    )

    def __init__(self, *args, prompt, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.prompt = prompt
        self.fields["member"].queryset = students
        tz = prompt.course.tz
        self.fields["due_at"] = CourseDateTimeField(
            tz=tz, label=_("New due time (%(zone)s)") % {"zone": tz.key}, required=False
        )
        self.order_fields(["member", "due_at", "reason", "action"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.EXTEND and "due_at" not in self.errors:
            due_at = cleaned.get("due_at")
            if due_at is None:
                self.add_error("due_at", _("Give the new due time to extend to."))
            elif due_at <= self.prompt.due_at:
                self.add_error("due_at", _("Choose a time after the prompt's own due time."))
        return cleaned


class WeekEmailPreferenceForm(forms.ModelForm):
    class Meta:
        model = WeekEmailPreference
        fields = ["on_prompt_open", "on_digest"]


class PromptAdminForm(forms.ModelForm):
    """The prompt in the admin: Markdown with the editor's preview, dates in the course's zone.

    PromptAdmin renders and cleans this form with the course's zone active
    (timezone.override), so the date widgets and the times typed are that zone's.
    """

    class Meta:
        model = Prompt
        fields = [
            "course",
            "title",
            "slug",
            "body",
            "opens_at",
            "due_at",
            "comments_required",
            "comments_due_at",
        ]
        widgets = {"body": AdminMarkdownxWidget}

    def clean(self):
        cleaned = super().clean()
        opens_at, due_at = cleaned.get("opens_at"), cleaned.get("due_at")
        for name in ("opens_at", "due_at", "comments_due_at"):
            if not in_course_range(cleaned.get(name)) and name not in self.errors:
                self.add_error(name, out_of_range_message())
        if opens_at and due_at and due_at <= opens_at and "due_at" not in self.errors:
            self.add_error("due_at", _("The due time must be after the prompt opens."))
        required = cleaned.get("comments_required") or 0
        comments_due_at = cleaned.get("comments_due_at")
        if required and comments_due_at is None and "comments_due_at" not in self.errors:
            self.add_error(
                "comments_due_at",
                _(
                    "Give the date the comments are due: this prompt asks for %(required)s "
                    "(or set the number of comments to 0)."
                )
                % {"required": required},
            )
        too_early = comments_due_at and opens_at and comments_due_at <= opens_at
        if too_early and "comments_due_at" not in self.errors:
            self.add_error("comments_due_at", _("The comments' due time must be after the prompt opens."))
        return cleaned


class AccommodationInlineForm(forms.ModelForm):
    class Meta:
        model = Accommodation
        fields = ["member", "excused", "due_at", "reason"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("excused") and cleaned.get("due_at") is None and "due_at" not in self.errors:
            self.add_error("due_at", _("Tick “excused”, or give this student's own due time."))
        if not in_course_range(cleaned.get("due_at")) and "due_at" not in self.errors:
            self.add_error("due_at", out_of_range_message())
        return cleaned
