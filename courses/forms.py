import secrets

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.core import signing
from django.core.cache import cache
from django.forms.utils import ErrorDict
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import mail, ratelimit

from .models import Course

User = get_user_model()


def _check_join_code(code: str) -> str:
    code = code.strip().upper()
    if not Course.objects.filter(join_code=code).exists():
        raise forms.ValidationError(
            _("That join code does not match any course. Check it with your instructor.")
        )
    return code


class RefusableMixin:
    """For a form the view may refuse whole before it is checked (a rate limit).

    The refused form shows what was typed and the one message, and nothing is
    validated: a refusal says nothing about whether the join code was right.
    """

    refusal = None

    def refuse(self, message: str) -> None:
        self.refusal = message
        self._errors = None  # checked (again) when next asked, by full_clean below

    def full_clean(self):
        if self.refusal is None:
            return super().full_clean()
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.add_error(None, self.refusal)


class JoinCourseForm(RefusableMixin, forms.Form):
    join_code = forms.CharField(
        label=gettext_lazy("Join code"),
        max_length=16,
        help_text=gettext_lazy("Your instructor gives you this code."),
    )
    display_name = forms.CharField(
        label=gettext_lazy("Display name"),
        max_length=80,
        help_text=gettext_lazy("Shown on your posts and comments. A pseudonym is fine."),
    )

    def clean_join_code(self):
        return _check_join_code(self.cleaned_data["join_code"])


class SignUpForm(RefusableMixin, UserCreationForm):
    """A username must be unique, so a taken one is told (rate-limited, like every sign-up);
    an email address is never: services.user_sign_up treats a taken one without saying so."""

    email = forms.EmailField(
        label=gettext_lazy("Email"),
        help_text=gettext_lazy("For password resets and notifications. Never shown."),
    )
    display_name = forms.CharField(
        label=gettext_lazy("Display name"),
        max_length=80,
        help_text=gettext_lazy("Shown on your posts and comments. A pseudonym is fine."),
    )
    join_code = forms.CharField(
        label=gettext_lazy("Join code"),
        max_length=16,
        help_text=gettext_lazy("Your instructor gives you this code."),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_join_code(self):
        return _check_join_code(self.cleaned_data["join_code"])


class InvitationAnswerForm(forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("Display name"),
        max_length=80,
        required=False,
        help_text=gettext_lazy(
            "Shown on your posts and comments. A pseudonym is fine. Empty keeps the name above."
        ),
    )


# --- Log-in lockout ---------------------------------------------------------------------

KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_FOR_SECONDS = 90 * 24 * 3600  # "recently", for a device or an address
KNOWN_ACCOUNTS_PER_DEVICE = 10  # a family computer, a lab machine


def _account_mark(username: str) -> str:
    """A cookie names the accounts that logged in on the device by keyed hash, not by name:
    the next person at a shared computer cannot read who used it."""
    return salted_hmac("courses.known-device.account", username).hexdigest()[:20]


def _known_address_key(username: str, address: str) -> str:
    return f"known-login:{username}:{address}"


class LoginThrottle:
    """The limits on one log-in attempt: django-axes' combination mode, plus known places.

    - Failures for one account from one address: 5 in 15 minutes lock that pair
      ("login-failure"). The owner elsewhere is not locked out by them.
    - Failures from one address, whatever the account: 20 lock the address
      ("login-failure-address"), against password spraying.
    - Failures for one account from anywhere: 50 lock it ("login-failure-account"),
      but only for places it has not logged in from recently.

    A known place is this browser, if the account logged in on it (a signed cookie
    set at log-in, like GitHub's known devices), or this address, if it logged in
    from there (a record in the cache), within KNOWN_FOR_SECONDS. Neither the
    address limit nor the account limit applies there. A known browser counts
    its failures as its own pair, not the address's: someone on the same network
    (a school's Wi-Fi, one address for a whole class) cannot lock its owner out.
    """

    # Whole sentences (one per place), filled with the span when refused: translators see each one.
    device_message = gettext_lazy(
        "Too many failed log-ins for this account on this device. "
        "Wait %(span)s and try again, or reset your password."
    )
    pair_message = gettext_lazy(
        "Too many failed log-ins for this account from your network. "
        "Wait %(span)s and try again, or reset your password."
    )
    address_message = gettext_lazy(
        "Too many failed log-ins from your network. Wait %(span)s and try again, or reset your password."
    )
    account_message = gettext_lazy(
        "Too many failed log-ins for this account from other places. Log in from a device or network "
        "you have used before, or wait %(span)s and try again. If you think someone is guessing your "
        "password, reset it."
    )

    def __init__(self, request, username: str):
        self.request = request
        self.username = username.lower()
        self.address = ratelimit.client_address(request)
        self.device = self._device_from_cookie()
        self.on_known_device = _account_mark(self.username) in self.device["accounts"]
        if self.on_known_device:
            self.pair = f"device:{self.username}:{self.device['id']}"
        else:
            self.pair = f"pair:{self.username}:{self.address}"

    def _device_from_cookie(self) -> dict:
        try:
            device = signing.loads(
                self.request.COOKIES.get(KNOWN_DEVICE_COOKIE, ""),
                salt=KNOWN_DEVICE_COOKIE,
                max_age=KNOWN_FOR_SECONDS,
            )
            return {"id": str(device["id"]), "accounts": [str(mark) for mark in device["accounts"]]}
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return {"id": secrets.token_hex(8), "accounts": []}

    def _on_known_address(self) -> bool:
        return bool(cache.get(_known_address_key(self.username, self.address)))

    def check(self) -> None:
        """Raise forms.ValidationError, saying why, if this attempt may not even be tried."""
        try:
            ratelimit.check("login-failure", self.pair)
        except ratelimit.RateLimited as refusal:
            message = self.device_message if self.on_known_device else self.pair_message
            self._refuse(message % {"span": refusal.limit.describe()})
        if self.on_known_device or self._on_known_address():
            return
        for scope, identity, message in (
            ("login-failure-address", f"ip:{self.address}", self.address_message),
            ("login-failure-account", f"user:{self.username}", self.account_message),
        ):
            try:
                ratelimit.check(scope, identity)
            except ratelimit.RateLimited as refusal:
                self._refuse(message % {"span": refusal.limit.describe()})

    @staticmethod
    def _refuse(message: str):
        raise forms.ValidationError(message, code="locked_out")

    def failed(self) -> None:
        ratelimit.count("login-failure", self.pair)
        ratelimit.count("login-failure-address", f"ip:{self.address}")
        ratelimit.count("login-failure-account", f"user:{self.username}")

    def succeeded(self, response) -> None:
        """Remember the place for this account, and forget its own failures (as django-axes does).

        Only the pair's count is reset: logging in to one's own account must not
        wipe an address's count of guesses at other accounts.
        """
        ratelimit.reset("login-failure", self.pair)
        cache.set(_known_address_key(self.username, self.address), True, timeout=KNOWN_FOR_SECONDS)
        mark = _account_mark(self.username)
        accounts = [mark, *(m for m in self.device["accounts"] if m != mark)][:KNOWN_ACCOUNTS_PER_DEVICE]
        response.set_cookie(
            KNOWN_DEVICE_COOKIE,
            signing.dumps({"id": self.device["id"], "accounts": accounts}, salt=KNOWN_DEVICE_COOKIE),
            max_age=KNOWN_FOR_SECONDS,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing a (account, address) pair, an address or an account after failures."""

    throttle = None

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        self.throttle = LoginThrottle(self.request, username) if username else None
        if self.throttle is not None:
            self.throttle.check()
        try:
            return super().clean()
        except forms.ValidationError:
            if self.throttle is not None:
                self.throttle.failed()
            raise


class AdminLockoutAuthenticationForm(LockoutAuthenticationForm, AdminAuthenticationForm):
    """The admin's log-in page, with the same lockout: it is another door to the same accounts."""


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
                _("Too many reset requests in %(span)s. Check your inbox, or wait and try again.")
                % {"span": refusal.limit.describe()}
            ) from None
        return email

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        """As Django's, but as a background task (core/mail.py): the page never waits for SMTP.

        And in the language the account chose, not the language of whoever asked for the reset.
        """
        with mail.in_language_of(context["user"]):
            subject = render_to_string(subject_template_name, context)
            body = render_to_string(email_template_name, context)
        mail.send(subject=subject, body=body, to=[to_email])
