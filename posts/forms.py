import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from markdownx.widgets import MarkdownxWidget

from .models import Category, Post
from .services import DEFAULT_CATEGORY

SCHEDULE = "schedule"  # the editor's Schedule button (name="action")


@dataclass(frozen=True)
class Tool:
    """A button of the editor's toolbar; static/js/editor.js does what `name` says, on a click or `keys`."""

    name: str
    label: str
    glyph: str  # what the button shows; its name (label) starts with it, as WCAG 2.5.3 asks
    keys: str  # as the tooltip shows it; the script reads it too, and shows ⌘ for Ctrl on a Mac

    @property
    def aria_keys(self) -> str:
        return self.keys.replace("Ctrl", "Control")


# Each language's glyph starts its label (WCAG 2.5.3): Russian editors show Ж/К for bold/italic.
TOOLBAR = (
    Tool("bold", gettext_lazy("Bold"), pgettext_lazy("toolbar glyph for Bold", "B"), "Ctrl+B"),
    Tool("italic", gettext_lazy("Italic"), pgettext_lazy("toolbar glyph for Italic", "I"), "Ctrl+I"),
    Tool("heading", gettext_lazy("Heading"), pgettext_lazy("toolbar glyph for Heading", "H"), "Ctrl+Shift+H"),
    Tool("link", gettext_lazy("Link"), gettext_lazy("Link"), "Ctrl+K"),
    Tool("quote", gettext_lazy("Quote"), gettext_lazy("Quote"), "Ctrl+Shift+."),
    Tool("list", gettext_lazy("List"), gettext_lazy("List"), "Ctrl+Shift+8"),
    Tool("footnote", gettext_lazy("Footnote"), gettext_lazy("Footnote"), "Ctrl+Shift+F"),
    Tool("image", gettext_lazy("Image"), gettext_lazy("Image"), "Ctrl+Shift+G"),
)
# Years a course can have: anything else is a typo (and 9999-12-31 moved to UTC overflows).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2199


class PublishAtField(forms.DateTimeField):
    """A date and time typed in the course's zone (not the site's), shown back in it too.

    Read only when the writer schedules: with another button, what the box holds is
    kept on the page but never stops the save (`lenient`).
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_error_messages = {"invalid": gettext_lazy("Enter a date and time, for example 2026-11-12 18:00.")}

    def __init__(self, *, tz, **kwargs):
        self.tz = tz
        self.lenient = False
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            with timezone.override(self.tz):
                moment = super().to_python(value)
            if moment is not None and not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
                raise forms.ValidationError(
                    _("Choose a date between %(earliest)s and %(latest)s.")
                    % {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR}
                )
        except forms.ValidationError:
            if self.lenient:
                return None
            raise
        return moment

    def prepare_value(self, value):
        with timezone.override(self.tz):
            return super().prepare_value(value)


def course_time(moment: datetime.datetime, course) -> str:
    """`moment` as the course reads it: "12 November 2026, 18:00 (Europe/Moscow)"."""
    local = timezone.localtime(moment, course.tz)
    return f"{date_format(local, 'j E Y, H:i')} ({course.tz.key})"


class PostForm(forms.ModelForm):
    tags_text = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Separate tags with commas, for example: Khrushchev, Gulag."),
    )

    class Meta:
        model = Post
        fields = ["title", "body", "category"]
        widgets = {"body": MarkdownxWidget(attrs={"rows": 18})}
        labels = {
            "title": gettext_lazy("Title"),
            "body": gettext_lazy("Body"),
            "category": gettext_lazy("Category"),
        }
        help_texts = {
            "body": gettext_lazy(
                "Markdown: **bold**, *italic*, ## headings, - lists, [links](https://...), "
                "footnotes[^1] with [^1]: Source. Drop an image here or use “Add an image”."
            )
        }

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        # The empty choice is "Uncategorized": the real row would show the name twice.
        self.fields["category"].queryset = Category.objects.filter(course=course).exclude(
            slug=slugify(DEFAULT_CATEGORY)
        )
        self.fields["category"].required = False
        self.fields["category"].empty_label = _("Uncategorized")
        self.fields["body"].max_length = settings.POST_BODY_MAX_CHARS
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(t.name for t in self.instance.tags.all())
        self.course = course
        self.scheduling = self.data.get("action") == SCHEDULE
        self.fields["publish_at"] = publish_at = PublishAtField(
            tz=course.tz,
            label=_("Publish at"),
            required=False,
            help_text=_("In the course's time zone, %(zone)s. Then press “Schedule”.")
            % {"zone": course.tz.key},
        )
        publish_at.lenient = not self.scheduling
        if self.instance.pk and self.instance.is_scheduled:
            publish_at.initial = self.instance.published_at

    def clean(self):
        cleaned = super().clean()
        if self.scheduling and "publish_at" not in self.errors:
            moment = cleaned.get("publish_at")
            now = timezone.now()
            if moment is None:
                self.add_error("publish_at", _("Choose the date and time the post should appear at."))
            elif moment <= now:
                self.add_error(
                    "publish_at",
                    _("Choose a time in the future: it is %(now)s now.")
                    % {"now": course_time(now, self.course)},
                )
        return cleaned

    def clean_body(self):
        body = self.cleaned_data["body"]
        limit = settings.POST_BODY_MAX_CHARS
        if len(body) > limit:
            raise forms.ValidationError(
                _("The post is %(length)s characters long; the limit is %(limit)s. Split it into two posts.")
                % {
                    "length": number_format(len(body), force_grouping=True),
                    "limit": number_format(limit, force_grouping=True),
                }
            )
        return body
