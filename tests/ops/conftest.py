"""A real S3 API for the media tests: moto's standalone server on 127.0.0.1, one per test process.

Without moto the tests that need it are skipped with the install command; under CI=true a
server that cannot start is an error, so CI can never go green without them.
"""

import importlib.util
import runpy
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port, missing

ROOT = Path(__file__).resolve().parents[2]
INSTALL_HINT = "pip install -r requirements.txt (moto[server])"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "coursesite-test", "AWS_SECRET_ACCESS_KEY": "coursesite-test-secret"}
AWS_VARIABLES = (
    "MEDIA_STORAGE",
    "MEDIA_URL",
    "MEDIA_HOST",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_QUERYSTRING_AUTH",
    "AWS_QUERYSTRING_EXPIRE",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_S3_URL_PROTOCOL",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_DEFAULT_ACL",
    "AWS_S3_CONNECT_TIMEOUT",
)


def unavailable(message: str):
    missing(message, INSTALL_HINT)


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """The URL of a moto S3 server of this test process's own, stopped by its pid at the end."""
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        unavailable("moto's server is not installed")
    port = free_port()
    log_path = tmp_path_factory.mktemp("moto") / "server.log"
    with log_path.open("wb") as log:  # a file, not a pipe: the server logs every request
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-p", str(port), "-H", "127.0.0.1"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                unavailable(f"moto's server exited at start: {log_path.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(endpoint, timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    unavailable(f"moto's server did not answer on port {port} within 30 s")
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def s3_client(s3_endpoint):
    import boto3

    return boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **_credentials())


def _credentials():
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    }


@pytest.fixture
def bucket(s3_client):
    """A new, empty bucket for one test."""
    name = f"media-{secrets.token_hex(6)}"
    s3_client.create_bucket(Bucket=name)
    return name


def settings_from_env(monkeypatch, **env) -> dict:
    """coursesite/settings.py evaluated with these environment variables (and no other AWS_* ones)."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "coursesite" / "settings.py"))


@pytest.fixture
def media_on_s3(settings, monkeypatch, s3_endpoint, bucket):
    """Use the media settings coursesite/settings.py makes from these variables (the test's bucket on
    the moto server unless they say otherwise)."""

    def configure(**env):
        variables = {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": s3_endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            **CREDENTIALS,
        }
        made = settings_from_env(monkeypatch, **{**variables, **env})
        settings.STORAGES = {**settings.STORAGES, "default": made["STORAGES"]["default"]}
        settings.MEDIA_URL = made["MEDIA_URL"]
        settings.MEDIA_HOST = made["MEDIA_HOST"]
        settings.CONTENT_SECURITY_POLICY = made["CONTENT_SECURITY_POLICY"]
        return made

    return configure
