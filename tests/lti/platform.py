"""A simulated LMS for the LTI tests: its own RSA key, JWKS, OAuth token, roster and gradebook over real HTTP.

The server listens on 127.0.0.1 on a free port in a thread; the tool under test
really calls it (the platform's keys, the token, Names and Roles, line items,
scores). Launches are id_tokens signed with the platform's key, built from the
state and nonce the tool's OIDC login answered with.
"""

import json
import threading
import time
import uuid
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

from tests.servers import free_port

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TEACHING_ASSISTANT = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
CLIENT_ID = "coursesite-client-1"
DEPLOYMENT_ID = "deployment-1"
CONTEXT_ID = "lms-course-101"


def _rsa_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


class SimulatedPlatform:
    def __init__(self):
        self.private_pem = _rsa_pem()
        jwk = JWK.from_pem(self.private_pem.encode())
        self.kid = "platform-key-1"
        public = json.loads(jwk.export_public())
        public.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        self.jwks = {"keys": [public]}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuer = self.base  # its pages frame the tool from this origin too
        self.tool_jwks = None  # the tool's published keys, to check its client assertions
        self.members = []
        self.line_items = []
        self.scores = []  # (line item id, score body)
        self.token_requests = []
        self.fail_scores = False
        self.jwks_requests = 0
        # For a browser: the page that frames the tool, and the claims its authorisation step signs.
        self.tool_login_url = None
        self.browser_claims = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- URLs a registration names
    @property
    def auth_login_url(self):
        return f"{self.base}/auth"

    @property
    def token_url(self):
        return f"{self.base}/token"

    @property
    def key_set_url(self):
        return f"{self.base}/jwks"

    @property
    def memberships_url(self):
        return f"{self.base}/courses/{CONTEXT_ID}/memberships"

    @property
    def lineitems_url(self):
        return f"{self.base}/courses/{CONTEXT_ID}/lineitems"

    @property
    def deep_link_return_url(self):
        return f"{self.base}/deep-link-return"

    # --- id_tokens
    def claims(self, *, nonce, sub="lms-user-1", roles=(LEARNER,), **overrides):
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": "Ada Student",
            "given_name": "Ada",
            "email": f"{sub}@students.example.edu",
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT_ID,
            CLAIM + "target_link_uri": "https://tool.example/lti/launch/",
            CLAIM + "resource_link": {"id": "resource-link-1", "title": "Course blog"},
            CLAIM + "roles": list(roles),
            CLAIM + "context": {"id": CONTEXT_ID, "title": "HIST 101: Soviet History"},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": self.memberships_url,
                "service_versions": ["2.0"],
            },
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": [
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                ],
                "lineitems": self.lineitems_url,
            },
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(self, claims, *, key_pem=None, kid=None):
        return jwt.encode(
            claims, key_pem or self.private_pem, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    def deep_linking_claims(self, *, nonce, **overrides):
        claims = self.claims(nonce=nonce, roles=(INSTRUCTOR,), **overrides)
        claims.pop(CLAIM + "resource_link", None)
        claims[CLAIM + "message_type"] = "LtiDeepLinkingRequest"
        claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
            "deep_link_return_url": self.deep_link_return_url,
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "data": "platform-opaque-data",
        }
        return claims

    # --- the HTTP side
    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body=None, content_type="application/json"):
                data = (
                    b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
                )
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self):
                return self.headers.get("Authorization") == "Bearer platform-access-token"

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length).decode()

            def do_GET(self):
                path = urlsplit(self.path).path
                if path == "/jwks":
                    platform.jwks_requests += 1
                    return self._send(200, platform.jwks)
                if path == "/favicon.ico":
                    return self._send(200, b"", "image/x-icon")
                if path == "/course-page":  # the LMS's course page, with the tool in an iframe
                    query = f"iss={quote(platform.issuer)}&login_hint=hint-1&client_id={CLIENT_ID}"
                    html = (
                        "<!DOCTYPE html><html lang=en><title>LMS course</title><h1>LMS course page</h1>"
                        f'<iframe title="coursesite" width="1000" height="600" '
                        f'src="{platform.tool_login_url}?{query}"></iframe>'
                    )
                    return self._send(200, html.encode(), "text/html; charset=utf-8")
                if path == "/auth":  # the OIDC authorisation: answer with the signed launch, form-posted
                    asked = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                    token = platform.sign(platform.claims(nonce=asked["nonce"], **platform.browser_claims))
                    html = (
                        "<!DOCTYPE html><html lang=en><title>Launching</title>"
                        f'<form id=f method=post action="{escape(asked["redirect_uri"])}">'
                        f'<input type=hidden name=id_token value="{token}">'
                        f'<input type=hidden name=state value="{escape(asked["state"])}"></form>'
                        "<script>document.getElementById('f').submit()</script>"
                    )
                    return self._send(200, html.encode(), "text/html; charset=utf-8")
                if not self._authorised():
                    return self._send(401, {"error": "no token"})
                if path == urlsplit(platform.memberships_url).path:
                    return self._send(200, {"id": platform.memberships_url, "members": platform.members})
                if path == urlsplit(platform.lineitems_url).path:
                    return self._send(200, platform.line_items)
                return self._send(404, {"error": path})

            def do_POST(self):
                path = urlsplit(self.path).path
                body = self._body()
                if path == "/token":
                    form = {k: v[0] for k, v in parse_qs(body).items()}
                    platform.token_requests.append(form)
                    try:  # the tool's client assertion, signed with its published key
                        header = jwt.get_unverified_header(form["client_assertion"])
                        jwk = next(k for k in platform.tool_jwks["keys"] if k["kid"] == header["kid"])
                        jwt.decode(
                            form["client_assertion"],
                            jwt.algorithms.RSAAlgorithm.from_jwk(jwk),
                            algorithms=["RS256"],
                            audience=platform.token_url,
                        )
                    except Exception as error:  # noqa: BLE001 - any bad assertion is refused
                        return self._send(400, {"error": f"invalid_client: {error}"})
                    return self._send(200, {"access_token": "platform-access-token", "expires_in": 3600})
                if not self._authorised():
                    return self._send(401, {"error": "no token"})
                if path == urlsplit(platform.lineitems_url).path:
                    item = json.loads(body)
                    item["id"] = f"{platform.lineitems_url}/{len(platform.line_items) + 1}"
                    platform.line_items.append(item)
                    return self._send(201, item)
                if path.startswith(urlsplit(platform.lineitems_url).path) and path.endswith("/scores"):
                    if platform.fail_scores:
                        return self._send(500, {"error": "gradebook unavailable"})
                    line_item = f"{platform.base}{path.removesuffix('/scores')}"
                    platform.scores.append((line_item, json.loads(body)))
                    return self._send(200, {})
                return self._send(404, {"error": path})

        return Handler


def new_nonce():
    return uuid.uuid4().hex
