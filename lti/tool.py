"""pylti1p3 wired to our models, with every check of a launch enforced and each refusal named.

pylti1p3 leaves some checks to the tool, which this module makes:
- `aud`: it compares only the first audience with the client id and tells
  PyJWT not to check it; here PyJWT checks it, and `azp` too when there are
  several audiences.
- replays: it accepts the same id_token again with the same state (a page
  reload), and looks a nonce up without using it up; here a nonce is deleted
  by the launch that presents it, so a replay finds none.
- the algorithm: only RSA signatures (never "none" or a shared secret).
- every HTTP call has a timeout.
"""

import dataclasses
import datetime
import logging
from dataclasses import dataclass

import jwt
import requests
from django.utils import timezone
from django.utils.translation import gettext_lazy
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.exception import LtiException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.session import SessionService
from pylti1p3.tool_config import ToolConfAbstract

from . import keys
from .models import Deployment, LaunchState, Platform

logger = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 10
LAUNCH_LIFETIME_SECONDS = 3600  # a nonce, a state and a deep-linking launch last an hour
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512"]
CLOCK_LEEWAY_SECONDS = 30


@dataclass
class Refusal(Exception):
    """A launch we refuse: what the user reads, and what to tell the LMS's administrator."""

    title: str
    tell_admin: str
    status: int = 403

    def __str__(self):
        return str(self.title)


REFUSALS = {
    "missing": Refusal(
        gettext_lazy("This launch is missing its sign-in data."),
        gettext_lazy(
            "The launch reached the tool without an id_token or state: check the tool's redirect URL."
        ),
        400,
    ),
    "state": Refusal(
        gettext_lazy("This launch could not be matched to this browser."),
        gettext_lazy(
            "The OIDC state did not match (cookies blocked, or the launch was started in another browser). "
            "Try again; if it keeps happening, check that the login initiation URL is the tool's."
        ),
        400,
    ),
    "format": Refusal(
        gettext_lazy("This launch's token is not a valid token."),
        gettext_lazy("The id_token could not be decoded."),
        400,
    ),
    "platform": Refusal(
        gettext_lazy("This LMS is not registered with coursesite."),
        gettext_lazy(
            "No platform with this issuer and client id is registered: "
            "a coursesite superuser adds it in the admin."
        ),
    ),
    "signature": Refusal(
        gettext_lazy("This launch's signature is not valid."),
        gettext_lazy(
            "The id_token's signature did not verify against the platform's public keys (JWKS URL): "
            "the token was altered, or the registered key set URL is wrong."
        ),
    ),
    "expired": Refusal(
        gettext_lazy("This launch has expired."),
        gettext_lazy(
            "The id_token's exp has passed: open the link again; "
            "if it keeps happening, check the LMS's clock."
        ),
    ),
    "audience": Refusal(
        gettext_lazy("This launch was meant for another tool."),
        gettext_lazy("The id_token's aud does not name coursesite's client id."),
    ),
    "deployment": Refusal(
        gettext_lazy("This deployment of coursesite is not registered."),
        gettext_lazy(
            "The id_token's deployment id is not among the platform's registered deployment ids: "
            "a coursesite superuser adds it to the platform in the admin."
        ),
    ),
    "replay": Refusal(
        gettext_lazy("This launch was used already."),
        gettext_lazy(
            "The id_token's nonce was used before or was never issued by coursesite: "
            "a launch cannot be replayed. Open the link in the LMS again."
        ),
    ),
    "message": Refusal(
        gettext_lazy("This kind of launch is not supported."),
        gettext_lazy("The message type or its claims are not a valid resource link or deep linking request."),
        400,
    ),
    "keys": Refusal(
        gettext_lazy("coursesite is not ready for LMS launches yet."),
        gettext_lazy("The tool has no signing key: its administrator runs `manage.py lti_keys`."),
        503,
    ),
}


def refusal(reason: str) -> Refusal:
    return dataclasses.replace(REFUSALS[reason])  # a fresh exception each time: tracebacks are per request


class TimeoutSession(requests.Session):
    """requests with a timeout on every call: a platform that hangs must not hold a worker."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


# --- Registration from our models -----------------------------------------------------------


class ToolRegistration(Registration):
    """A platform's registration, signing with the tool's active key under that key's own kid."""

    def __init__(self, platform: Platform):
        super().__init__()
        self.platform = platform
        key = keys.active_key()
        self._kid = key.kid
        self.set_issuer(platform.issuer).set_client_id(platform.client_id)
        self.set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
        self.set_key_set_url(platform.key_set_url).set_tool_private_key(key.private_pem)
        if platform.auth_audience:
            self.set_auth_audience(platform.auth_audience)

    def get_kid(self):
        return self._kid

    def get_jwks(self):
        return keys.jwks()["keys"]


class ToolConf(ToolConfAbstract):
    """Platforms and deployments from the database; one issuer may have several client ids."""

    def __init__(self):
        self.platform: Platform | None = None

    def check_iss_has_one_client(self, iss):
        return False

    def check_iss_has_many_clients(self, iss):
        return True

    def _platform(self, iss, client_id) -> Platform | None:
        platforms = Platform.objects.filter(issuer=iss)
        if client_id:
            platforms = platforms.filter(client_id=client_id)
        found = list(platforms[:2])
        # Without a client id (some platforms leave it out of the login) the issuer must be unambiguous.
        return found[0] if len(found) == 1 else None

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = self._platform(iss, client_id)
        if platform is None:
            return None
        self.platform = platform
        return ToolRegistration(platform)

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = self._platform(iss, client_id)
        if (
            platform is None
            or not Deployment.objects.filter(platform=platform, deployment_id=deployment_id).exists()
        ):
            return None
        return LtiDeployment().set_deployment_id(deployment_id)


# --- Launch data in the database ------------------------------------------------------------


class DatabaseLaunchStorage(LaunchDataStorage):
    """States, nonces and launches in LaunchState rows; the state cookie ties a launch to its browser."""

    def get_session_cookie_name(self):
        return None  # keys are unguessable (random nonces, states and launch ids); no per-browser prefix

    def can_set_keys_expiration(self):
        return True

    def _live(self, key):
        return LaunchState.objects.filter(key=self._prepare_key(key), expires_at__gt=timezone.now())

    def get_value(self, key):
        row = self._live(key).only("value").first()
        return row.value if row else None

    def set_value(self, key, value, exp=None):
        expires = timezone.now() + datetime.timedelta(seconds=exp or LAUNCH_LIFETIME_SECONDS)
        LaunchState.objects.update_or_create(
            key=self._prepare_key(key), defaults={"value": value, "expires_at": expires}
        )

    def check_value(self, key):
        return self._live(key).exists()

    def consume(self, key) -> bool:
        """Use the key up: True for the one caller that deleted it."""
        deleted, _ = self._live(key).delete()
        return deleted > 0


def launch_states_prune(now: datetime.datetime) -> int:
    deleted, _ = LaunchState.objects.filter(expires_at__lte=now).delete()
    return deleted


class OneTimeNonceSession(SessionService):
    """pylti1p3's session service, with a nonce that the launch presenting it uses up."""

    def __init__(self, request):
        super().__init__(request)
        self.set_data_storage(DatabaseLaunchStorage())
        self.data_storage.set_request(request)
        self._launch_data_lifetime = LAUNCH_LIFETIME_SECONDS

    def check_nonce(self, nonce):
        return self.data_storage.consume(self._get_key("nonce", nonce))


# --- OIDC login and launch ------------------------------------------------------------------


class ToolLogin(DjangoOIDCLogin):
    def __init__(self, request, tool_conf):
        super().__init__(request, tool_conf, session_service=OneTimeNonceSession(request))


class ToolLaunch(DjangoMessageLaunch):
    """A launch validated step by step; each failed step raises its own Refusal."""

    def __init__(self, request, tool_conf):
        super().__init__(
            request,
            tool_conf,
            session_service=OneTimeNonceSession(request),
            requests_session=TimeoutSession(),
        )

    def get_client_id(self):
        # pylti1p3 takes the first audience; OIDC names the one meant in azp when there are several.
        body = self._jwt.get("body", {})
        aud, azp = body.get("aud"), body.get("azp")
        if isinstance(aud, list):
            return azp if azp in aud else (aud[0] if aud else None)
        return aud

    @property
    def platform(self) -> Platform:
        return self._tool_config.platform

    def validate(self):
        self._validated = True
        try:
            if not self._get_request_param("id_token") or not self._get_request_param("state"):
                raise refusal("missing")
            self._step(self.validate_state, "state")
            self._step(self.validate_jwt_format, "format")
            self._step(self.validate_registration, "platform")
            self.validate_jwt_signature()
            self._step(self.validate_deployment, "deployment")
            self._step(self.validate_message, "message")
            # Last, so a forged token cannot use up a real launch's nonce.
            self._step(self.validate_nonce, "replay")
            return self.save_launch_data()
        except Exception:
            self._validated = False
            raise

    @staticmethod
    def _step(check, reason):
        try:
            check()
        except (LtiException, KeyError, TypeError, ValueError, AssertionError) as error:
            logger.info("LTI launch refused (%s): %s", reason, error)
            raise refusal(reason) from error

    def validate_jwt_signature(self):
        try:
            public_key, algorithm = self.get_public_key()
        except (LtiException, requests.RequestException, KeyError, TypeError, ValueError) as error:
            logger.info("LTI launch refused (signature key): %s", error)
            raise refusal("signature") from error
        if algorithm not in SIGNING_ALGORITHMS:
            raise refusal("signature")
        client_id = self.platform.client_id
        try:
            claims = jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[algorithm],
                audience=client_id,
                issuer=self.platform.issuer,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise refusal("expired") from error
        except (jwt.InvalidAudienceError, jwt.InvalidIssuerError) as error:
            raise refusal("audience") from error
        except jwt.InvalidTokenError as error:
            logger.info("LTI launch refused (signature): %s", error)
            raise refusal("signature") from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != client_id:
            raise refusal("audience")
        # What follows reads the verified claims, never the unverified decoding.
        self._jwt["body"] = claims
        return self


def platforms_frame_origins(platforms=None) -> list[str]:
    """Origins allowed to frame the tool: the given platforms', or every registered one's."""
    platforms = Platform.objects.all() if platforms is None else platforms
    origins = []
    for platform in platforms:
        for origin in platform.allowed_frame_origins:
            if origin not in origins:
                origins.append(origin)
    return origins
