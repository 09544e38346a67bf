"""Settings for coursesite, read from environment variables.

Defaults give the embedded set-up (SQLite, local media, console email,
local-memory cache) so `make run` needs nothing else. Production sets
DJANGO_DEBUG=false and the *_URL variables; see README.md.
"""

import hashlib
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])

if not DEBUG:
    # Refuse to start half-configured: name the variable that is missing.
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured("Set SECRET_KEY to a long random value when DJANGO_DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names) when DJANGO_DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "markdownx",
    "csp",
    "core",
    "courses",
    "posts",
    "comments",
    "awards",
    "coursework",
    "bench",  # its generate_data command builds the benchmark's site
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous readers' cached pages are answered here, before sessions and the rest.
    "core.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check reads the body: files only where a view takes them, forms in UTF-8.
    "core.request_body.RequestBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "coursesite.urls"
WSGI_APPLICATION = "coursesite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default: WAL lets readers run beside the writer, IMMEDIATE
# transactions take the write lock up front and the busy timeout makes a
# second writer wait for it instead of failing with "database is locked".
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA foreign_keys=ON;"
            ),
        }
    )
# Keep connections between requests: opening SQLite with its pragmas, or a
# PostgreSQL session, costs more than a simple page's queries.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)


def _code_fingerprint(root: Path = BASE_DIR) -> str:
    """A short hash of the apps' code, migrations and templates: it changes with every release."""
    digest = hashlib.sha256()
    for folder in ("coursesite", "core", "courses", "posts", "comments", "awards", "coursework", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://coursesite")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.redis_cache.RedisCache"
# With a cache shared by every process (Redis), sessions are read from it and
# written through to the database; a per-process cache cannot hold them.
if CACHES["default"]["BACKEND"] not in (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Rate-limit counters while the shared cache is out (core/ratelimit.py): a
    # table made by `manage.py createcachetable`.
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ratelimit_fallback",
    }
    # Each release of the code gets its own keys: the cache holds pickled pieces
    # and rows kept as tuples of columns, which code with other classes, columns
    # or templates must never read. CACHE_KEY_PREFIX overrides it.
    CACHES["default"].setdefault("KEY_PREFIX", env.str("CACHE_KEY_PREFIX", default="") or _code_fingerprint())

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "courses:list"
LOGOUT_REDIRECT_URL = "courses:list"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

STORAGES = {
    "default": {"BACKEND": env.str("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="coursesite <noreply@localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Bound what a single request may carry (forms and uploads).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "core.request_body.ExpectedFilesOnly",  # files only where a view takes them, and never past its limit
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Production security; each is configurable because the proxy in front decides.
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# A strict Content-Security-Policy on every page: scripts only from our own
# static files (no inline scripts or handlers), images from our own origin and
# the media storage's host, and no framing. Inline styles stay allowed: the
# admin and the editor set style attributes, and styles cannot run code.
MEDIA_HOST = env.str("MEDIA_HOST", default="")  # e.g. https://bucket.s3.example.com
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *([MEDIA_HOST] if MEDIA_HOST else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# django-markdownx: route its editor to our own views, which require login
# and run our one Markdown pipeline and our image checks. Its own URLs are
# never included.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "posts.markdown.render_post_markdown"
MARKDOWNX_URLS_PATH = "/write/preview/"
MARKDOWNX_UPLOAD_URLS_PATH = "/write/upload/"
MARKDOWNX_SERVER_CALL_LATENCY = 400

# Limits for the post editor.
POST_BODY_MAX_CHARS = 100_000
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_MAX_WIDTH = 2000

# Behind a reverse proxy, the header that carries the visitor's address (for
# example HTTP_X_REAL_IP): rate limits and the log-in lockout count it.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
# The reverse proxies (addresses or networks) whose CLIENT_IP_HEADER is believed.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Load tests of concurrency (and nothing else) switch the abuse limits off.
if env.bool("RATE_LIMITS_OFF", default=False):
    RATE_LIMITS = {
        scope: []
        for scope in (
            "login-failure",
            "sign-up",
            "join",
            "password-reset",
            "post-save",
            "image-upload",
            "preview",
        )
    }
    COMMENTS_RATE_LIMITS = ()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
