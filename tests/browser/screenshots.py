"""`make screenshots`: the README's picture of the demo's seed post, made by a real browser.

Builds the demo (seed_demo) into a throwaway SQLite database and media folder, serves it
with runserver on 127.0.0.1 and a free port of its own, and saves a full-page shot of the
seed post at 1280 px wide to docs/screenshots/seed-post.png.

Run: .venv/bin/python -m tests.browser.screenshots
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "docs" / "screenshots" / "seed-post.png"
SEED_POST_URL = (
    "from posts.demo import SEED_SLUG; from posts.models import Post; "
    "print(Post.objects.get(course__slug='soviet-history', slug=SEED_SLUG).get_absolute_url())"
)


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


def main() -> None:
    from tests.browser.chromium import CHROMIUM, INSTALL_HINT, chromium_missing, launch_args

    if chromium_missing():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="coursesite-screenshots-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "coursesite.settings",
            "DJANGO_DEBUG": "true",  # runserver serves static and media files itself
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "CACHE_URL": "locmemcache://screenshots",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
            subprocess.run(manage + command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        seed_url = subprocess.run(
            manage + ["shell", "--no-imports", "-c", SEED_POST_URL],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            manage + ["runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_serving(base + "/", server)
            shoot(base + seed_url, launch_args())
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"Saved {OUTPUT.relative_to(ROOT)}")


def shoot(url: str, launch: dict) -> None:
    from playwright.sync_api import sync_playwright

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
            response = page.goto(url, wait_until="networkidle")
            if response is None or not response.ok:
                raise SystemExit(f"The seed post did not load: {url} answered {response and response.status}")
            # Every image decoded before the shot, or the README shows empty frames.
            page.wait_for_function("[...document.images].every(img => img.complete && img.naturalWidth > 0)")
            page.evaluate("document.fonts.ready")
            page.screenshot(path=str(OUTPUT), full_page=True)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
