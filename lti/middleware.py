"""Let the LMS show the tool in its iframe: only for LTI pages and LTI sessions, only to its platforms.

- LtiCookieMiddleware (before SessionMiddleware, so it sees the cookies set below it): over
  HTTPS (or on http://localhost, a secure context to browsers), the session, CSRF and
  pylti1p3 state cookies of an LTI path or an LTI-launched session become
  `SameSite=None; Secure; Partitioned`, so the browser sends them inside the LMS's frame
  (a third-party context). Everyone else keeps the default (Lax).
- LtiFrameMiddleware (after CSPMiddleware, so the policy it writes is built with it): on the
  same responses, the CSP's `frame-ancestors` names the platforms' origins instead of
  'none' (the session's own platform for a launched session, every registered platform on
  /lti/), and X-Frame-Options, which cannot name origins, is left off.
"""

import http.cookies

from django.conf import settings
from django.urls import reverse

# CHIPS: a browser that blocks third-party cookies (Chrome's incognito windows, Safari, Firefox's
# strict mode) still keeps a `Partitioned` one, under the LMS's site only. Python learns the
# attribute in 3.14; until then it is taught here (a flag, written only on cookies marked below).
if "partitioned" not in http.cookies.Morsel._reserved:
    http.cookies.Morsel._reserved["partitioned"] = "Partitioned"
    http.cookies.Morsel._flags.add("partitioned")

PLATFORM_SESSION_KEY = "lti_platform"
FRAME_ORIGINS_SESSION_KEY = "lti_frame_origins"
STATE_COOKIE_PREFIX = "lti1p3-"


def _lti_prefix() -> str:
    return reverse("lti:jwks").rsplit("/", 1)[0] + "/"  # "/lti/"


def _is_lti_session(request) -> bool:
    session = getattr(request, "session", None)
    # Only a session the request has loaded already (every page reads the user): never a query of its own.
    if session is None or getattr(session, "_session_cache", None) is None:
        return False
    return session.get(PLATFORM_SESSION_KEY) is not None


def _is_lti_path(request) -> bool:
    return request.path.startswith(_lti_prefix())


def _secure_context(request) -> bool:
    """HTTPS, or http://localhost, which browsers treat as secure (Secure cookies included): a dev LMS."""
    return request.is_secure() or request.get_host().rsplit(":", 1)[0] == "localhost"


class LtiCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.cookies
            and _secure_context(request)
            and (_is_lti_path(request) or _is_lti_session(request))
        ):
            for name, morsel in response.cookies.items():
                if name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME) or name.startswith(
                    STATE_COOKIE_PREFIX
                ):
                    morsel["samesite"] = "None"
                    morsel["secure"] = True
                    morsel["partitioned"] = True
        return response


class LtiFrameMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_lti_session(request):
            origins = list(request.session.get(FRAME_ORIGINS_SESSION_KEY) or [])
        elif _is_lti_path(request):
            from .tool import platforms_frame_origins

            origins = platforms_frame_origins()
        else:
            return response
        if origins:
            replace = dict(getattr(response, "_csp_replace", None) or {})
            replace["frame-ancestors"] = origins
            response._csp_replace = replace
            response.xframe_options_exempt = True
        return response
