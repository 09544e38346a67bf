"""Helpers for tests that start real servers of their own (Redis, SMTP, S3, gunicorn) on 127.0.0.1."""

import os
import shutil
import socket
import subprocess
import time

import pytest


def free_port() -> int:
    """A port nothing listens on now (closed again before it is returned)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def missing(message: str, hint: str):
    """Skip the test on a machine without the server; under CI=true fail instead, so CI cannot go green."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{message}, and CI=true: {hint}", pytrace=False)
    pytest.skip(f"{message}: {hint}")


def _redis_binary():
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server not found", "apt-get install -y redis-server")
    return binary


def start_redis(port: int, *options: str) -> subprocess.Popen:
    """A redis-server of our own on 127.0.0.1:port, answering once this returns."""
    server = subprocess.Popen(
        [_redis_binary(), "--bind", "127.0.0.1", "--port", str(port), "--appendonly", "no", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    pytest.fail(f"redis-server did not start on port {port}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=10)
