from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.forms import RefusableMixin
from courses.models import Membership

User = get_user_model()

NAME_MAX_CHARS = Membership._meta.get_field("display_name").max_length


class DisplayNameForm(forms.ModelForm):
    """The member's name in one course; the account page has one per course, told apart by prefix."""

    class Meta:
        model = Membership
        fields = ["display_name"]
        labels = {"display_name": _("Your name in this course")}
        error_messages = {
            "display_name": {
                "required": _("Choose a name to show on your posts and comments: it cannot be empty."),
                "max_length": format_lazy(
                    _("Keep your name to {most} characters or fewer."), most=NAME_MAX_CHARS
                ),
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix=f"course-{kwargs['instance'].course_id}", **kwargs)


class EmailChangeForm(RefusableMixin, forms.Form):
    email = forms.EmailField(
        label=_("New email address"),
        max_length=User._meta.get_field("email").max_length,
        help_text=_("We send a link there; your address changes when you open it."),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("So that nobody at a computer you left logged in can take your account."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"].strip())
        if self.user.email and email.lower() == self.user.email.lower():
            raise forms.ValidationError(gettext("That is your address already."))
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(gettext("That is not your password."))
        return password
