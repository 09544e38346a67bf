from django import forms

from .models import BODY_MAX_CHARS, NotificationPreference


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=BODY_MAX_CHARS,
        strip=True,
        help_text="Markdown works: *emphasis*, **bold**, [links](https://example.org), lists and quotes.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Write something before you send your comment.",
            "max_length": "A comment can be at most %(limit_value)d characters (it has %(show_value)d).",
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Honeypot: hidden by CSS and labelled for anyone who does see it; bots fill it in.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("This field must stay empty. Clear it and send your comment again.")
        return ""


class GuestCommentForm(CommentForm):
    guest_name = forms.CharField(
        label="Name",
        max_length=80,
        help_text="Shown with your comment.",
        error_messages={"required": "Give a name to show with your comment."},
    )
    guest_email = forms.EmailField(
        label="Email",
        help_text="Never shown. Guest comments are read by the instructor before they appear.",
        error_messages={"required": "Give an email address (it is never shown)."},
    )
    field_order = ["guest_name", "guest_email", "body", "parent", "website"]


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["on_comment_on_my_post", "on_reply", "on_approved", "on_moderation"]
