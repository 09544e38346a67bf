from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX_CHARS, NotificationPreference


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=BODY_MAX_CHARS,
        strip=True,
        help_text=_("Markdown works: *emphasis*, **bold**, [links](https://example.org), lists and quotes."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Write something before you send your comment."),
            "max_length": _("A comment can be at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Honeypot: hidden by CSS and labelled for anyone who does see it; bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(
                _("This field must stay empty. Clear it and send your comment again.")
            )
        return ""


class GuestCommentForm(CommentForm):
    guest_name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("Shown with your comment."),
        error_messages={"required": _("Give a name to show with your comment.")},
    )
    guest_email = forms.EmailField(
        label=_("Email"),
        help_text=_("Never shown. Guest comments are read by the instructor before they appear."),
        error_messages={"required": _("Give an email address (it is never shown).")},
    )
    field_order = ["guest_name", "guest_email", "body", "parent", "website"]


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["on_comment_on_my_post", "on_reply", "on_approved", "on_moderation"]
