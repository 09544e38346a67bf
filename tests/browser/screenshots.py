"""`make screenshots`: the README's pictures of the demo, made by a real browser.

Builds the demo (seed_demo) into a throwaway SQLite database and media folder, serves it
on 127.0.0.1 and a free port of its own, and saves to docs/screenshots/:

- front-page.png, seed-post.png, editor.png, hall-of-fame.png, moderation.png at 1280 px
  (the editor as the seed post's author, the admin's comment list as the demo instructor);
- seed-post-phone.png: the seed post on a 375 px phone.

The demo site itself (build, serve, log in) is shared with `make lighthouse`
(tests/browser/lighthouse.py), which serves it as production does.

Run: .venv/bin/python -m tests.browser.screenshots
"""

import http.cookiejar
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
DEMO_PASSWORD = "coursesite"  # seed_demo's default: every demo account has it
DEMO_AUTHOR = "kpeters"  # the seed post's author
DEMO_INSTRUCTOR = "nelson"  # teaches the Soviet History course
SESSION_COOKIE = "sessionid"  # Django's default name; the settings keep it
# The addresses of the demo's pages, from the built database (printed as JSON).
DEMO_URLS = """
import json
from django.urls import reverse
from posts.demo import SEED_SLUG
from posts.models import Post
post = Post.objects.select_related("course").get(course__slug="soviet-history", slug=SEED_SLUG)
course = post.course
print(json.dumps({
    "front": course.get_absolute_url(),
    "post": post.get_absolute_url(),
    "write": reverse("posts:write", args=[course.slug]),
    "edit-post": reverse("posts:edit", args=[course.slug, post.slug]),
    "hall-of-fame": reverse("awards:hall-of-fame", args=[course.slug]),
    "moderation": reverse("admin:comments_comment_changelist"),
}))
"""
# A shot taller than this is cut here: the README shows the top of a page, not a scroll.
MAX_SHOT_HEIGHT = 2400
SHOT_BUDGET_BYTES = 600 * 1024  # each picture, so the README opens quickly


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The demo server stopped (exit code {server.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The demo server did not answer at {url} within {timeout:.0f} s.")


def demo_env(folder: Path, *, production: bool) -> dict:
    """The environment of a demo site kept wholly in `folder` (database, media, static files).

    production=True is what the README's "Serving in production" says, minus TLS (the run is
    plain HTTP on 127.0.0.1): DEBUG off, a random SECRET_KEY, hashed static files through
    whitenoise. Tasks run at once (no worker to start) and emails go to the console.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coursesite.settings",
        "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
        "MEDIA_ROOT": f"{folder}/media",
        "STATIC_ROOT": f"{folder}/static",
        "CACHE_URL": "locmemcache://demo",
        "TASKS_BACKEND": "immediate",
        "EMAIL_URL": "consolemail://",
        "LOG_REQUESTS": "false",
    }
    if production:
        env.update(
            DJANGO_DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="0",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
        )
    else:
        env["DJANGO_DEBUG"] = "true"  # runserver serves static and media files itself
    return env


def manage(env: dict, *args: str, capture: bool = False) -> str:
    done = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        text=True,
        timeout=600,
    )
    return done.stdout or ""


def build_demo(env: dict, *, production: bool) -> dict[str, str]:
    """Migrate and seed the demo; with production=True collect the static files too. Returns its URLs."""
    manage(env, "migrate", "--noinput", "-v0")
    # --force: seed_demo refuses DEBUG off (known passwords); this database is thrown away after the run.
    manage(env, "seed_demo", *(["--force"] if production else []))
    if production:
        manage(env, "collectstatic", "--noinput", "-v0")
    output = manage(env, "shell", "--no-imports", "-c", DEMO_URLS, capture=True)
    return json.loads(output.strip().splitlines()[-1])


@contextmanager
def demo_server(env: dict, *, production: bool, log_path: Path | None = None) -> Iterator[str]:
    """Serve the demo on 127.0.0.1 and a free port; yields the base URL; stops the server by its pid.

    production=True: gunicorn with coursesite/gunicorn.py (two workers), as the README serves it.
    Otherwise runserver, which also serves static and media files under DEBUG.
    """
    port = free_port()
    if production:
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            "coursesite/gunicorn.py",
            "coursesite.wsgi",
        ]
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"}
    else:
        command = [
            sys.executable,
            "manage.py",
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
            "--skip-checks",
        ]
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/", server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        if log_path:
            log.close()


def log_in_cookies(base: str, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Log in through the site's own log-in page, as a browser would; returns the cookies it set.

    Both the session and the CSRF cookie: a page's own requests (the editor's live preview)
    need the CSRF cookie that its form's token was made from.
    """
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = base + "/accounts/login/"
    with opener.open(login_url, timeout=30) as response:
        html = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if token is None:
        raise SystemExit(f"No CSRF token on {login_url}")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(login_url, data=form, headers={"Referer": login_url})
    with opener.open(request, timeout=30):
        pass
    cookies = {cookie.name: cookie.value for cookie in jar}
    if SESSION_COOKIE not in cookies:
        raise SystemExit(f"Logging in as {username} at {login_url} gave no session cookie.")
    return cookies


# name -> (URL key in DEMO_URLS, who is logged in, viewport, device scale, full page)
SHOTS = {
    "front-page": ("front", None, (1280, 900), 1, False),
    "seed-post": ("post", None, (1280, 900), 1, True),
    "seed-post-phone": ("post", None, (375, 812), 2, False),
    "editor": ("edit-post", DEMO_AUTHOR, (1280, 900), 1, False),
    "hall-of-fame": ("hall-of-fame", None, (1280, 900), 1, False),
    "moderation": ("moderation", DEMO_INSTRUCTOR, (1280, 900), 1, False),
}


def main() -> None:
    from tests.browser.chromium import CHROMIUM, INSTALL_HINT, chromium_missing, launch_args

    if chromium_missing():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="coursesite-screenshots-") as tmp:
        env = demo_env(Path(tmp), production=False)
        urls = build_demo(env, production=False)
        with demo_server(env, production=False) as base:
            cookies = {user: log_in_cookies(base, user) for user in (DEMO_AUTHOR, DEMO_INSTRUCTOR)}
            saved = shoot(base, urls, cookies, launch_args())
    for path in saved:
        print(f"Saved {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)")


def shoot(base: str, urls: dict, cookies: dict, launch: dict) -> list[Path]:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch)
        try:
            for name, (key, user, (width, height), scale, full_page) in SHOTS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    device_scale_factor=scale,
                    locale="en-US",
                    color_scheme="light",
                    bypass_csp=True,  # the waits below are evaluated scripts, which the site's CSP forbids
                )
                if user:
                    context.add_cookies(
                        [{"name": name, "value": value, "url": base} for name, value in cookies[user].items()]
                    )
                page = context.new_page()
                url = base + urls[key]
                response = page.goto(url, wait_until="networkidle")
                if response is None or not response.ok:
                    raise SystemExit(f"{name}: {url} answered {response and response.status}")
                if key == "edit-post":  # the live preview drawn beside the text
                    page.locator(".markdownx-preview h2, .markdownx-preview p").first.wait_for()
                # Every image decoded before the shot, or the README shows empty frames: lazy ones too.
                page.evaluate(
                    "document.querySelectorAll('img[loading=lazy]').forEach(img => img.loading = 'eager')"
                )
                page.wait_for_function(
                    "[...document.images].every(img => img.complete && img.naturalWidth > 0)"
                )
                page.evaluate("document.fonts.ready")
                path = SCREENSHOTS / f"{name}.png"
                if full_page:
                    full_height = page.evaluate("document.documentElement.scrollHeight")
                    clip = {"x": 0, "y": 0, "width": width, "height": min(full_height, MAX_SHOT_HEIGHT)}
                    page.screenshot(path=str(path), full_page=True, clip=clip)
                else:
                    page.screenshot(path=str(path))
                optimise_png(path)
                saved.append(path)
                context.close()
        finally:
            browser.close()
    return saved


def optimise_png(path: Path) -> None:
    """Re-save with the strongest zlib settings (Chromium writes fast, large PNGs); a shot still over
    SHOT_BUDGET_BYTES (the demo's grainy archival photographs) goes down to 256 colours, dithered."""
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("RGB")
    image.save(path, "PNG", optimize=True)
    if path.stat().st_size > SHOT_BUDGET_BYTES:
        image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG).save(
            path, "PNG", optimize=True
        )


if __name__ == "__main__":
    main()
