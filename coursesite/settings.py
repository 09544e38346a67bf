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
# Django's technical 404 (the URL list) under DEBUG only when asked for; otherwise our own 404 page.
SHOW_DEBUG_404 = env.bool("DJANGO_DEBUG_404", default=False)

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
    "django.contrib.sitemaps",  # sitemap.xml (posts/sitemaps.py); its templates, no models
    "markdownx",
    "csp",
    "django_tasks",
    "django_tasks_db",  # the tasks' database backend, its worker (`manage.py db_worker`) and admin
    "core",
    "courses",
    "posts",
    "comments",
    "awards",
    "coursework",
    "feeds",  # Atom and RSS feeds, and members' private feed links (above coursework: digests)
    "mentions",  # "Mentioned in": links between posts of a course (above posts and comments)
    "search",  # course search: SQLite FTS5 or PostgreSQL full-text search (above posts and comments)
    "revisions",  # every saved version of a post, autosave and its conflicts (above posts)
    "account",  # the reader's corner: account page, My courses, in-site notices (above every app it shows)
    "wordpress",  # moving course blogs in and out as WordPress exports (WXR); nothing imports it
    "lti",  # the campus LMS link: LTI 1.3 launch, deep links, roster sync, grade passback (above coursework)
    "ops",  # operating the site: /healthz, `manage.py backup`, request logs
    "privacy",  # the term's end and a student's own data: static site, My data, account deletion (on top)
    "bench",  # its generate_data command builds the benchmark's site
]

MIDDLEWARE = [
    # First, so its time covers everything below (cached pages and static files included).
    "ops.middleware.RequestLogMiddleware",
    # Outside the page cache, so cached pages are compressed too (core/compression.py: text only).
    "core.compression.TextGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous readers' cached pages are answered here, before sessions and the rest.
    "core.page_cache.AnonymousPageCacheMiddleware",
    # SameSite=None; Secure cookies for LTI paths and LTI-launched sessions only (the LMS's iframe).
    "lti.middleware.LtiCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The reader's language: the switcher's cookie, else the browser's Accept-Language, else English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check reads the body: files only where a view takes them, forms in UTF-8.
    "core.request_body.RequestBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside CSP's: frame-ancestors names the LMS platforms on LTI pages and in LTI sessions.
    "lti.middleware.LtiFrameMiddleware",
    # Last, so the page it renders has the user and messages: our 404 with DEBUG on (core/debug_404.py).
    "core.debug_404.OwnNotFoundPageMiddleware",
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
                "django.template.context_processors.i18n",  # LANGUAGE_CODE for <html lang> and the switcher
                "account.context_processors.reader",  # the navigation's unread count
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
    """A short hash of the code, migrations, templates and translations: it changes with every release."""
    digest = hashlib.sha256()
    apps = (
        "core",
        "courses",
        "posts",
        "comments",
        "awards",
        "coursework",
        "feeds",
        "mentions",
        "search",
        "revisions",
        "account",
        "privacy",
        "lti",
        "wordpress",
    )
    for folder in ("coursesite", *apps, "templates", "locale"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt", ".po") and "__pycache__" not in path.parts:
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

# English and Russian (locale/); the language follows the browser, and the switcher's cookie after.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our date formats (coursesite/formats/): English as always, Russian with the month in the genitive.
FORMAT_MODULE_PATH = ["coursesite.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # the switcher's choice lasts a year
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))


def _s3_media(bucket: str) -> tuple[dict, str, str]:
    """django-storages' S3 backend from AWS_* variables, the URL its files' URLs start with, and
    the bucket's own URL.

    The first URL becomes MEDIA_URL: the Markdown pipeline keeps only images under it, and
    its origin is allowed by the Content-Security-Policy. ops/checks.py checks at start-up
    that the storage really makes URLs under it. The bucket's own URL is where posts/media.py's
    signed redirects go, custom domain or not: its origin is allowed too.
    """
    from botocore.config import Config

    endpoint = env.str("AWS_S3_ENDPOINT_URL", default="").rstrip("/")  # empty: Amazon S3 itself
    region = env.str("AWS_S3_REGION_NAME", default="")
    custom_domain = env.str("AWS_S3_CUSTOM_DOMAIN", default="")  # a CDN or the bucket's own host name
    protocol = env.str("AWS_S3_URL_PROTOCOL", default="https:")
    # Other S3-compatible servers (MinIO, Ceph, R2...) take the bucket in the path.
    addressing = env.str("AWS_S3_ADDRESSING_STYLE", default="path" if endpoint else "virtual")
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,
        "region_name": region or None,
        # Empty: boto3's own chain (an instance role, ~/.aws) finds the credentials.
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        # Only the storage's own URLs (in posts written before private images) follow it: readers
        # get images through posts/media.py, which signs its redirects whatever this says.
        "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
        "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
        "custom_domain": custom_domain or None,
        "url_protocol": protocol,
        # e.g. public-read where the bucket has ACLs; empty: the bucket's policy decides who reads.
        "default_acl": env.str("AWS_DEFAULT_ACL", default="") or None,
        # Stored names are random and never rewritten: browsers and CDNs may keep them for good.
        "object_parameters": {"CacheControl": "max-age=31536000, immutable"},
        # No look-up before each upload: 128 random bits never collide.
        "file_overwrite": True,
        # Short connect timeouts and few retries: an unreachable bucket fails an upload (and
        # /healthz) in seconds, not minutes.
        "client_config": Config(
            signature_version="s3v4",
            s3={"addressing_style": addressing},
            connect_timeout=env.float("AWS_S3_CONNECT_TIMEOUT", default=3.0),
            read_timeout=env.float("AWS_S3_READ_TIMEOUT", default=20.0),
            retries={"mode": "standard", "total_max_attempts": 2},
        ),
    }
    if endpoint and addressing == "path":
        bucket_url = f"{endpoint}/{bucket}/"
    elif endpoint:
        scheme, _, host = endpoint.partition("://")
        bucket_url = f"{scheme}://{bucket}.{host}/"
    else:  # Amazon S3: us-east-1 (or no region) has the global host name
        host = f"s3.{region}.amazonaws.com" if region not in ("", "us-east-1") else "s3.amazonaws.com"
        bucket_url = f"https://{host}/{bucket}/" if addressing == "path" else f"https://{bucket}.{host}/"
    base = f"{protocol}//{custom_domain}/" if custom_domain else bucket_url
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, base, bucket_url


# Uploaded images: in MEDIA_ROOT by default; MEDIA_STORAGE=s3 puts them in an
# S3-compatible bucket (AWS_* variables, see README.md). A storage class's dotted
# path is still taken as it is, with no options.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
_signed_media_origin = ""  # where posts/media.py redirects readers to, on S3
if MEDIA_STORAGE in ("s3", "storages.backends.s3.S3Storage", "storages.backends.s3boto3.S3Boto3Storage"):
    _bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not _bucket:
        raise ImproperlyConfigured("Set AWS_STORAGE_BUCKET_NAME when MEDIA_STORAGE is s3.")
    _media_storage, _media_url, _bucket_url = _s3_media(_bucket)
    MEDIA_URL = env.str("MEDIA_URL", default=_media_url)  # only if ops/checks.py says the two differ
    _signed_media_origin = "/".join(_bucket_url.split("/")[:3])
elif MEDIA_STORAGE in ("filesystem", "django.core.files.storage.FileSystemStorage"):
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    _media_storage = {"BACKEND": MEDIA_STORAGE}
# The media's origin, for the Content-Security-Policy's img-src (MEDIA_HOST overrides it).
_media_origin = "/".join(MEDIA_URL.split("/")[:3]) if "://" in MEDIA_URL else ""

STORAGES = {
    "default": _media_storage,
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
# A mail server that accepts the connection and then says nothing holds a worker this long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Background tasks (every email is one: core/mail.py). "database": enqueued in the
# database and run by `manage.py db_worker` (production; the README's systemd unit).
# "immediate": run at once, in the request that enqueued them (the default under
# DEBUG, so `make run` needs no worker).
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate" if DEBUG else "database")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}
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
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # A load balancer's health probe may speak plain HTTP to the app server.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
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
MEDIA_HOST = env.str("MEDIA_HOST", default=_media_origin)  # e.g. https://bucket.s3.example.com
# Uploaded images go out through posts/media.py's reader check. With MEDIA_ACCEL_REDIRECT (for
# example /protected-media/) nginx sends the file (README "Private images"); on S3 the app answers
# with a signed URL valid MEDIA_SIGNED_URL_SECONDS for a members' image (an hour for a public one).
MEDIA_ACCEL_REDIRECT = env.str("MEDIA_ACCEL_REDIRECT", default="")
MEDIA_SIGNED_URL_SECONDS = env.int("MEDIA_SIGNED_URL_SECONDS", default=60)
# Images in posts are addressed through that view, /media/<name>, whatever the storage.
MARKDOWN_EXTRA_IMAGE_PREFIXES = ["/media/"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        # Images in posts (/media/, 'self') redirect to the bucket on S3: browsers check each hop.
        "img-src": ["'self'", "data:", *dict.fromkeys(o for o in (MEDIA_HOST, _signed_media_origin) if o)],
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
    from core.ratelimit import DEFAULT_LIMITS  # every scope, so a new one cannot be forgotten here

    RATE_LIMITS = {scope: [] for scope in DEFAULT_LIMITS}
    COMMENTS_RATE_LIMITS = ()

# Everything goes to stderr (gunicorn's error log): plain text, or with LOG_FORMAT=json one
# JSON object a line for a log collector. "coursesite.requests" writes one line per request
# (ops/middleware.py); LOG_REQUESTS=false leaves them out.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT is text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "ops.logs.JSONFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "coursesite.requests": {"level": "INFO" if env.bool("LOG_REQUESTS", default=True) else "WARNING"},
    },
}
