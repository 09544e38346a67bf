from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AwardType
from .services import NOTE_MAX_CHARS


class AwardForm(forms.Form):
    award_type = forms.ModelChoiceField(
        queryset=AwardType.objects.none(), label=_("Award"), empty_label=None, help_text=None
    )
    note = forms.CharField(
        label=_("Why this post?"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A sentence or two for the author. It is emailed to them."),
    )
    note_public = forms.BooleanField(label=_("Show the note under the banner"), required=False)

    def __init__(self, *args, course, givable, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["award_type"]
        # Any type of the course validates (the service then refuses with a 403 and a reason);
        # the menu offers only the types this user may give.
        field.queryset = AwardType.objects.filter(course=course)
        field.choices = [(award_type.pk, award_type.name) for award_type in givable]


class GiveAwardActionForm(forms.Form):
    """The admin's "Give award…" intermediate page."""

    award_type = forms.ModelChoiceField(queryset=AwardType.objects.none(), label=_("Award"))
    note = forms.CharField(
        label=_("Why these posts?"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note_public = forms.BooleanField(label=_("Show the note under the banner"), required=False)

    def __init__(self, *args, award_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].queryset = award_types
