"""Production mode refuses to start half-configured, and passes Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-production-only-" + "x7Qp" * 10


def _manage(*args, **env):
    # The test process itself sets DJANGO_ALLOW_ASYNC_UNSAFE (for Playwright): production does not.
    dropped = ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(DJANGO_DEBUG="false", DJANGO_SETTINGS_MODULE="coursesite.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", ALLOWED_HOSTS="blog.example.edu")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage("check", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS" in result.stderr


def test_deploy_checks_report_nothing_in_production_mode():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="blog.example.edu"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["courses:list", "login", "courses:sign-up"])
def test_every_page_carries_a_strict_content_security_policy(client, url_name):
    response = client.get(reverse(url_name))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline scripts, no unsafe-inline
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in directives.get("default-src", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def _cache_key_prefix(**env):
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default'].get('KEY_PREFIX'))",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="blog.example.edu",
        CACHE_URL="redis://127.0.0.1:6399/1",  # never connected to: settings only
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_each_release_of_the_code_gets_its_own_cache_keys(tmp_path):
    """Pieces pickled by one release (rows kept as tuples of columns) must never be read by another."""
    from coursesite.settings import _code_fingerprint

    prefix = _cache_key_prefix()
    assert len(prefix) == 12 and prefix == _cache_key_prefix()  # stable for the same code
    assert _cache_key_prefix(CACHE_KEY_PREFIX="release-42") == "release-42"
    for folder in ("coursesite", "courses", "posts", "comments", "awards", "templates"):
        (tmp_path / folder).mkdir()
    (tmp_path / "posts" / "models.py").write_text("class Post: title = 1\n")
    (tmp_path / "templates" / "base.html").write_text("<p>{{ post.title }}</p>\n")
    before = _code_fingerprint(tmp_path)
    (tmp_path / "posts" / "models.py").write_text("class Post: title = 1; subtitle = 2\n")
    assert _code_fingerprint(tmp_path) != before
