from django import forms

from courses.forms import RefusableMixin


class AccountDeleteForm(RefusableMixin, forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="So that nobody at a computer you left logged in can delete your account.",
    )
    understood = forms.BooleanField(
        label="I understand that this cannot be undone.",
        error_messages={"required": "Tick the box to say you understand that this cannot be undone."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
