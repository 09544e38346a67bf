"""The browser suite's own promise: skipped with the install command on a laptop, fatal in CI.

These run a small pytest in a subprocess with Chromium "missing", so they need no browser.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
A_BROWSER_TEST = "tests/browser/test_sign_up.py"


def run_without_chromium(**env):
    environment = {name: value for name, value in os.environ.items() if name != "CI"}
    # SQLite in memory: the inner run must never create or drop the outer run's test database.
    environment.update(CHROMIUM_PATH="/nonexistent/chromium", DATABASE_URL="sqlite://:memory:", **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", A_BROWSER_TEST, "-q", "-rs"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_chromium_browser_tests_are_skipped_with_the_install_command():
    result = run_without_chromium()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "install Debian's chromium: apt-get install -y chromium" in result.stdout


def test_without_chromium_under_ci_the_run_fails():
    result = run_without_chromium(CI="true")
    assert result.returncode != 0, result.stdout + result.stderr
    assert "skipped" not in result.stdout
    assert "install Debian's chromium: apt-get install -y chromium" in result.stdout
