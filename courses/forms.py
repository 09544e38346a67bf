from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from .models import Course

User = get_user_model()


def _check_join_code(code: str) -> str:
    code = code.strip().upper()
    if not Course.objects.filter(join_code=code).exists():
        raise forms.ValidationError(
            "That join code does not match any course. Check it with your instructor."
        )
    return code


class JoinCourseForm(forms.Form):
    join_code = forms.CharField(max_length=16, help_text="Your instructor gives you this code.")
    display_name = forms.CharField(
        max_length=80,
        help_text="Shown on your posts and comments. A pseudonym is fine.",
    )

    def clean_join_code(self):
        return _check_join_code(self.cleaned_data["join_code"])


class SignUpForm(UserCreationForm):
    email = forms.EmailField(help_text="For password resets and notifications. Never shown.")
    display_name = forms.CharField(
        max_length=80,
        help_text="Shown on your posts and comments. A pseudonym is fine.",
    )
    join_code = forms.CharField(max_length=16, help_text="Your instructor gives you this code.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_join_code(self):
        return _check_join_code(self.cleaned_data["join_code"])

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email exists. Log in, or reset your password.")
        return email
