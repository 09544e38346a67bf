"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

- One browser per session (pytest-playwright's `browser`), one fresh context per test.
- Without /usr/bin/chromium the tests are skipped with the install command; under CI=true
  a missing browser is an error, so CI can never go green without running them.
- On a failure every open page's screenshot and HTML go to test-artifacts/ and the report
  prints their paths.
- Uploaded media: Django's LiveServerThread wraps the app in `_MediaFilesHandler`, which
  serves MEDIA_URL from `settings.MEDIA_ROOT` read at request time, so the per-test
  tmp MEDIA_ROOT of tests/conftest.py is served even though the live server runs with
  DEBUG=False (urls.py's DEBUG-only media route is not needed). The image flow checks
  this by asserting the uploaded image decodes in the browser.
"""

import os
import re
import threading
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.chromium import CHROMIUM, INSTALL_HINT, chromium_missing, launch_args

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
_ARTIFACT_PATHS = pytest.StashKey[list]()
# CI runs these on 2 shared cores: give the live preview and uploads room before failing.
expect.set_options(timeout=10_000)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests on a machine without Chromium (never under CI=true)."""
    if not chromium_missing() or _in_ci():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: {INSTALL_HINT}")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if chromium_missing():
        # Only reached under CI=true (elsewhere the tests were skipped at collection).
        pytest.fail(f"Chromium not found at {CHROMIUM} and CI=true: {INSTALL_HINT}", pytrace=False)
    return launch_args()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": {"width": 1280, "height": 800},
        "locale": "en-US",
    }


class _QuietGate:
    """The live server's app, wrapped: counts requests in flight; once closed, answers 503 unserved.

    A page sends its last autosave as it closes (navigator.sendBeacon, which Playwright can
    neither see nor block); pytest-django then flushes the in-memory database, whose
    connection the server thread shares, and a request still running breaks the flush.
    """

    def __init__(self, app):
        self.app, self.open, self.in_flight = app, True, 0
        self.idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self.idle:
            if not self.open:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"The test is over."]
            self.in_flight += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.idle:
                self.in_flight -= 1
                self.idle.notify_all()

    def close_and_drain(self, timeout=10):
        with self.idle:
            self.open = False
            self.idle.wait_for(lambda: self.in_flight == 0, timeout=timeout)


@pytest.fixture(autouse=True)
def _quiet_live_server_before_flush(request):
    """After each browser test (its pages closed), no request reaches the database being flushed."""
    if "live_server" not in request.fixturenames:
        yield
        return
    httpd = request.getfixturevalue("live_server").thread.httpd
    gate = httpd.get_app()
    if not isinstance(gate, _QuietGate):
        gate = _QuietGate(gate)
        httpd.set_app(gate)
    gate.open = True
    yield
    gate.close_and_drain()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def watch_for_errors(page) -> list[str]:
    """Collect console errors, uncaught exceptions and dialogs of `page` (dialogs are dismissed)."""
    errors = []

    def on_console(message):
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def on_dialog(dialog):
        errors.append(f"dialog: {dialog.type} {dialog.message!r} on {page.url}")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.on("dialog", on_dialog)
    return errors


@pytest.fixture
def browser_errors(page):
    """What went wrong in `page` that a user would see or the console would show."""
    return watch_for_errors(page)


@pytest.fixture
def log_in(live_server, context):
    """Log a user into a browser context by handing it a session cookie made by Django."""
    from django.test import Client

    def _log_in(user, into=None):
        client = Client()
        client.force_login(user)
        (into or context).add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return _log_in


def save_artifacts(page, name: str) -> list[Path]:
    """A full-page screenshot and the HTML of `page`, under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")[:150]
    png, html = ARTIFACTS / f"{stem}.png", ARTIFACTS / f"{stem}.html"
    page.screenshot(path=str(png), full_page=True)
    html.write_text(page.content(), encoding="utf-8")
    return [png, html]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when != "call" or not report.failed:
        return report
    browser = item.funcargs.get("browser")
    if browser is None:
        return report
    saved = []
    pages = [p for context in browser.contexts for p in context.pages]
    for n, open_page in enumerate(pages):
        try:
            saved += save_artifacts(open_page, f"{item.nodeid}-failed-{n}")
        except Exception as error:  # a crashed page must not hide the test's own failure
            saved.append(f"(could not save page {n}: {error})")
    if saved:
        lines = "\n".join(str(path) for path in saved)
        report.sections.append(("browser artifacts", lines))
        item.config.stash.setdefault(_ARTIFACT_PATHS, []).extend(saved)
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    saved = config.stash.get(_ARTIFACT_PATHS, [])
    if saved:
        terminalreporter.section("browser failure artifacts")
        for path in saved:
            terminalreporter.write_line(str(path))


def png_bytes(width=320, height=200, colour=(155, 28, 28)) -> bytes:
    """A small real PNG, as a student's photo would be."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def stored_image_markdown(*, uploader, alt: str, title: str = "") -> str:
    """An image already uploaded through the posts app's checks, as Markdown."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from posts import services
    from posts.images import clean_image

    upload = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    stored = services.image_store(uploader=uploader, cleaned=clean_image(upload))
    title_part = f' "{title}"' if title else ""
    return f"![{alt}]({stored.file.url}{title_part})"


RICH_BODY = """Reading the week's sources side by side.

## What the letters say

- Official speeches
- Private letters
- A diary[^1]

> A quotation from the source, set apart.

Source: <https://commons.wikimedia.org/wiki/File:Nikita_Khrushchev_at_the_Twentieth_Party_Congress_of_the_Communist_Party_1956.jpg>

| Year | Event |
| ---- | ----- |
| 1956 | The Secret Speech |

{image}

[^1]: Gregory Freeze, *Russia: A History*, chapter 12.
"""


@pytest.fixture
def rich_post(course, student):
    """A published post with what real posts carry: heading, list, quote, table, image, footnote."""
    from tests.factories import PostFactory

    image = stored_image_markdown(uploader=student, alt="A wooden fence in snow", title="The fence | Archive")
    return PostFactory(
        course=course,
        author=student,
        title="The Thaw in letters",
        slug="the-thaw-in-letters",
        body=RICH_BODY.format(image=image),
    )


@pytest.fixture
def discussed_post(rich_post, instructor):
    """The post page at its fullest: a thread with a nested reply, a held comment, a red star."""
    from comments import services as comment_services
    from tests.factories import AwardFactory, CommentFactory

    top = CommentFactory(post=rich_post, body="A *thoughtful* answer, with a [link](https://example.org).")
    reply = CommentFactory(post=rich_post, parent=top, body="A reply to that answer.")
    for depth in (3, 4):  # deep threads indent: they must still fit a phone
        reply = CommentFactory(post=rich_post, parent=reply, body=f"A reply {depth} levels deep.")
    CommentFactory(post=rich_post, status="pending", body="A first comment, held for moderation.")
    AwardFactory(post=rich_post, given_by=instructor)
    comment_services.recount(post=rich_post)  # the factory skips the services that count
    return rich_post
