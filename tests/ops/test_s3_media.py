"""Media on an S3 API (moto's server over HTTP): uploads land in the bucket and are served from it.

The settings are the ones coursesite/settings.py makes from the AWS_* variables, so these tests
check the configuration an operator writes, not a hand-made STORAGES dict.
"""

import io
import urllib.error
import urllib.request

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from ops import checks
from posts.models import PostImage
from tests.coursesite.test_settings import GOOD_KEY, _manage
from tests.factories import CourseFactory, MembershipFactory, PostFactory

from .conftest import settings_from_env

pytestmark = pytest.mark.django_db


def png(size=(120, 80), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def writer():
    member = MembershipFactory(course=CourseFactory(), display_name="Kim Writer")
    client = Client()
    client.force_login(member.user)
    return member, client


def upload_through_the_editor(client) -> dict:
    response = client.post(
        reverse("posts:upload"), {"image": SimpleUploadedFile("photo.png", png(), content_type="image/png")}
    )
    assert response.status_code == 200, response.content
    return response.json()


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.headers, answer.read()


def test_an_upload_lands_in_the_bucket_and_is_served_from_it(
    media_on_s3, writer, s3_client, bucket, s3_endpoint
):
    made = media_on_s3(AWS_DEFAULT_ACL="public-read")
    assert made["MEDIA_URL"] == f"{s3_endpoint}/{bucket}/"
    member, client = writer

    payload = upload_through_the_editor(client)

    image = PostImage.objects.get()
    keys = [item["Key"] for item in s3_client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [image.file.name]
    assert image.file.name.startswith("posts/") and image.file.name.endswith(".png")
    url = payload["image_url"]
    assert url == f"{s3_endpoint}/{bucket}/{image.file.name}"
    assert "?" not in url  # public: nothing to expire
    status, headers, body = fetch(url)
    assert status == 200
    assert headers["Content-Type"] == "image/png"  # served as an image, not as a download
    assert "immutable" in headers["Cache-Control"]
    decoded = Image.open(io.BytesIO(body))
    assert (decoded.format, decoded.size) == ("PNG", (120, 80))
    assert decoded.getpixel((5, 5)) == (200, 30, 30)
    assert (image.width, image.height) == (120, 80)


def test_a_post_shows_the_image_from_the_bucket_and_the_policy_allows_it(media_on_s3, writer, s3_endpoint):
    media_on_s3(AWS_DEFAULT_ACL="public-read")
    member, client = writer
    url = upload_through_the_editor(client)["image_url"]
    post = PostFactory(course=member.course, author=member.user, body=f"Before.\n\n![A red square]({url})\n")

    response = Client().get(post.get_absolute_url())

    assert response.status_code == 200
    assert f'<img src="{url}" alt="A red square">' in response.content.decode()
    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert s3_endpoint in policy["img-src"].split()


def test_an_image_url_from_elsewhere_is_still_dropped(media_on_s3, writer, s3_endpoint):
    """Only the bucket is trusted: another path on the same server, or another host, is not."""
    media_on_s3(AWS_DEFAULT_ACL="public-read")
    member, _ = writer
    body = f"![a]({s3_endpoint}/other-bucket/x.png)\n\n![b](https://elsewhere.example/x.png)\n"
    post = PostFactory(course=member.course, author=member.user, body=body)
    assert post.body_html.count("<img") == 2
    assert "src=" not in post.body_html  # the pipeline keeps the alt text, never the address


def test_with_querystring_auth_the_url_is_signed_and_only_the_signed_one_works(
    media_on_s3, writer, s3_client, bucket
):
    media_on_s3(AWS_QUERYSTRING_AUTH="true")  # and no ACL: the objects are private
    _, client = writer

    signed = upload_through_the_editor(client)["image_url"]

    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=3600" in signed
    status, _, body = fetch(signed)
    assert status == 200
    assert Image.open(io.BytesIO(body)).size == (120, 80)
    unsigned = signed.partition("?")[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(unsigned)
    assert refused.value.code == 403
    # And start-up says what that means for posts.
    assert [problem.id for problem in checks.check_media_urls()] == ["ops.W001"]


def test_a_custom_domain_is_used_for_urls_and_the_policy(media_on_s3, writer, s3_endpoint, bucket):
    """A CDN in front of the bucket; here the moto server itself, reached by the name given."""
    host = s3_endpoint.removeprefix("http://")
    made = media_on_s3(
        AWS_DEFAULT_ACL="public-read", AWS_S3_CUSTOM_DOMAIN=f"{host}/{bucket}", AWS_S3_URL_PROTOCOL="http:"
    )
    assert made["MEDIA_URL"] == f"{s3_endpoint}/{bucket}/"
    assert made["MEDIA_HOST"] == s3_endpoint
    _, client = writer
    url = upload_through_the_editor(client)["image_url"]
    assert url.startswith(f"{s3_endpoint}/{bucket}/posts/")
    assert fetch(url)[0] == 200
    assert checks.check_media_urls() == []


def test_the_settings_refuse_s3_without_a_bucket(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        settings_from_env(monkeypatch, MEDIA_STORAGE="s3")


@pytest.mark.parametrize(
    ("env", "media_url", "origin"),
    [
        ({}, "https://course-media.s3.amazonaws.com/", "https://course-media.s3.amazonaws.com"),
        (
            {"AWS_S3_REGION_NAME": "us-east-1"},
            "https://course-media.s3.amazonaws.com/",
            "https://course-media.s3.amazonaws.com",
        ),
        (
            {"AWS_S3_REGION_NAME": "eu-west-1"},
            "https://course-media.s3.eu-west-1.amazonaws.com/",
            "https://course-media.s3.eu-west-1.amazonaws.com",
        ),
        (
            {"AWS_S3_ENDPOINT_URL": "https://minio.example.edu:9000/"},
            "https://minio.example.edu:9000/course-media/",
            "https://minio.example.edu:9000",
        ),
        (
            {"AWS_S3_CUSTOM_DOMAIN": "media.example.edu"},
            "https://media.example.edu/",
            "https://media.example.edu",
        ),
        (
            {"AWS_S3_CUSTOM_DOMAIN": "media.example.edu", "MEDIA_HOST": "https://*.example.edu"},
            "https://media.example.edu/",
            "https://*.example.edu",
        ),
    ],
)
def test_media_url_is_where_the_storage_puts_its_files(monkeypatch, settings, env, media_url, origin):
    """Made without the network: the storage's own URLs must start with MEDIA_URL, or posts drop images."""
    made = settings_from_env(monkeypatch, MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="course-media", **env)
    assert made["MEDIA_URL"] == media_url
    assert made["MEDIA_HOST"] == origin
    assert made["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'", "data:", origin]
    settings.STORAGES = {**settings.STORAGES, "default": made["STORAGES"]["default"]}
    settings.MEDIA_URL = made["MEDIA_URL"]
    assert checks.check_media_urls() == []


def test_a_media_url_that_does_not_match_the_storage_is_an_error(monkeypatch, settings):
    made = settings_from_env(
        monkeypatch,
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="course-media",
        MEDIA_URL="https://cdn.example.edu/",
    )
    settings.STORAGES = {**settings.STORAGES, "default": made["STORAGES"]["default"]}
    settings.MEDIA_URL = made["MEDIA_URL"]
    assert [problem.id for problem in checks.check_media_urls()] == ["ops.E002"]


def test_the_file_system_stays_the_default_and_the_old_variable_still_works(monkeypatch):
    default = settings_from_env(monkeypatch)
    assert default["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert default["MEDIA_URL"] == "/media/"
    assert default["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'", "data:"]
    legacy = settings_from_env(
        monkeypatch, MEDIA_STORAGE="storages.backends.s3.S3Storage", AWS_STORAGE_BUCKET_NAME="course-media"
    )
    assert legacy["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert legacy["MEDIA_URL"] == "https://course-media.s3.amazonaws.com/"


def test_production_checks_pass_with_media_on_s3():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="blog.example.edu",
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="course-media",
        AWS_S3_REGION_NAME="eu-west-1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
