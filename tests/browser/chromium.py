"""Where the browser tests and `make screenshots` find Chromium, and how they start it."""

import os
from pathlib import Path

# CHROMIUM_PATH lets a developer point at another Chromium build; CI uses Debian's.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
INSTALL_HINT = "install Debian's chromium: apt-get install -y chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_missing() -> bool:
    return not os.access(CHROMIUM, os.X_OK)


def launch_args() -> dict:
    return {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}
