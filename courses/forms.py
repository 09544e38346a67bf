from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm

from core import ratelimit

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


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing an account or address after repeated failures."""

    lockout_message = (
        "Too many failed log-ins for this account or from your network. "
        "Wait {span} and try again, or reset your password."
    )

    def clean(self):
        username = (self.cleaned_data.get("username") or "").lower()
        identities = (f"user:{username}" if username else "", f"ip:{ratelimit.client_address(self.request)}")
        try:
            ratelimit.check("login-failure", *identities)
        except ratelimit.RateLimited as refusal:
            raise forms.ValidationError(
                self.lockout_message.format(span=refusal.limit.describe()), code="locked_out"
            ) from None
        try:
            return super().clean()
        except forms.ValidationError:
            ratelimit.count("login-failure", *identities)
            raise


class LimitedPasswordResetForm(PasswordResetForm):
    """Password reset that cannot be used to flood an inbox."""

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"]
        try:
            ratelimit.hit(
                "password-reset", f"email:{email.lower()}", f"ip:{ratelimit.client_address(self.request)}"
            )
        except ratelimit.RateLimited as refusal:
            raise forms.ValidationError(
                f"Too many reset requests in {refusal.limit.describe()}. "
                "Check your inbox, or wait and try again."
            ) from None
        return email
