"""Media on an S3 API (moto's server over HTTP): uploads land in the bucket; readers reach them
through the app (posts/media.py), which checks who asks and redirects to a signed URL of the bucket.

The settings are the ones coursesite/settings.py makes from the AWS_* variables, so these tests
check the configuration an operator writes, not a hand-made STORAGES dict.
"""

import io
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from ops import checks
from posts.models import PostImage
from tests.coursesite.test_settings import GOOD_KEY, _manage
from tests.factories import CourseFactory, MembershipFactory, PostFactory, UserFactory

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


def refusal_code(url: str) -> int:
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(url)
    return refused.value.code


def signed_location(client, url: str) -> str:
    """Where the app sends this reader for the image: a signed URL of the object in the bucket."""
    response = client.get(url)
    assert response.status_code == 302, response.content
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert "X-Amz-Signature" in query and "X-Amz-Expires" in query
    return location


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def img_sources(response) -> list[str]:
    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
    )
    return policy["img-src"].split()


def assert_the_red_square(body: bytes):
    decoded = Image.open(io.BytesIO(body))
    assert (decoded.format, decoded.size) == ("PNG", (120, 80))
    assert decoded.getpixel((5, 5)) == (200, 30, 30)


def test_an_upload_lands_in_the_bucket_and_readers_are_sent_to_a_signed_url(
    media_on_s3, writer, s3_client, bucket, s3_endpoint
):
    made = media_on_s3()  # no ACL: the bucket serves nobody by itself
    assert made["MEDIA_URL"] == f"{s3_endpoint}/{bucket}/"  # what posts written before hold
    member, client = writer

    payload = upload_through_the_editor(client)

    image = PostImage.objects.get()
    keys = [item["Key"] for item in s3_client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [image.file.name]
    assert image.file.name.startswith("posts/") and image.file.name.endswith(".png")
    assert (image.width, image.height) == (120, 80)
    # The editor gets the app's address, whatever the storage: the app checks each reader.
    url = payload["image_url"]
    assert url == reverse("posts:image", kwargs={"name": image.file.name})
    assert payload["image_code"] == f"![]({url})"

    # In no post yet: its writer's preview gets it.
    location = signed_location(client, url)
    assert location.startswith(f"{s3_endpoint}/{bucket}/{image.file.name}?")
    status, headers, body = fetch(location)
    assert status == 200
    assert headers["Content-Type"] == "image/png"  # served as an image, not as a download
    assert "immutable" in headers["Cache-Control"]
    assert_the_red_square(body)

    # Once a live post of the public course shows it, so does anyone.
    PostFactory(course=member.course, author=member.user, body=f"![A red square]({url})\n")
    status, _, body = fetch(signed_location(Client(), url))
    assert status == 200
    assert_the_red_square(body)


def test_a_post_shows_the_image_through_the_app_and_the_policy_allows_it(media_on_s3, writer, s3_endpoint):
    media_on_s3()
    member, client = writer
    url = upload_through_the_editor(client)["image_url"]
    post = PostFactory(course=member.course, author=member.user, body=f"Before.\n\n![A red square]({url})\n")

    response = Client().get(post.get_absolute_url())

    assert response.status_code == 200
    assert url.startswith("/media/posts/")
    assert f'<img src="{url}" alt="A red square"' in response.content.decode()
    # The browser checks the policy at each hop: the page's own /media/ address, then the bucket.
    sources = img_sources(response)
    assert "'self'" in sources
    assert origin_of(signed_location(Client(), url)) == s3_endpoint
    assert s3_endpoint in sources


def test_an_image_url_from_elsewhere_is_still_dropped(media_on_s3, writer, s3_endpoint, bucket):
    """Only the app's /media/ address and the bucket's own URLs (older posts) are kept: another
    bucket on the same server, another host or another path of ours are not."""
    media_on_s3()
    member, _ = writer
    kept = ["/media/posts/2026/12/kept.png", f"{s3_endpoint}/{bucket}/posts/2026/11/older.png"]
    dropped = [f"{s3_endpoint}/other-bucket/x.png", "https://elsewhere.example/x.png", "/static/x.png"]
    body = "\n\n".join(f"![picture {n}]({src})" for n, src in enumerate(kept + dropped))
    post = PostFactory(course=member.course, author=member.user, body=body)
    assert post.body_html.count("<img") == 5
    for src in kept:
        assert f'src="{src}"' in post.body_html
    assert post.body_html.count("src=") == 2  # the pipeline keeps the alt text, never the address


@pytest.mark.parametrize("querystring_auth", ["false", "true"], ids=["default", "querystring-auth"])
def test_a_private_bucket_refuses_the_unsigned_url_and_the_app_signs_for_members_only(
    media_on_s3, s3_endpoint, bucket, querystring_auth
):
    """AWS_QUERYSTRING_AUTH changes nothing a reader sees: the app signs its redirects either way."""
    media_on_s3(AWS_QUERYSTRING_AUTH=querystring_auth)  # and no ACL: the objects are private
    member = MembershipFactory(course=CourseFactory(visibility="members"))
    client = Client()
    client.force_login(member.user)
    url = upload_through_the_editor(client)["image_url"]
    assert url.startswith("/media/posts/")
    PostFactory(course=member.course, author=member.user, body=f"![A red square]({url})\n")
    image = PostImage.objects.get()
    assert image.post is not None

    assert refusal_code(f"{s3_endpoint}/{bucket}/{image.file.name}") == 403  # the bare bucket URL
    location = signed_location(client, url)
    assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["60"]
    status, _, body = fetch(location)
    assert status == 200
    assert_the_red_square(body)
    outsider = Client()
    outsider.force_login(UserFactory())
    for stranger in (Client(), outsider):  # anonymous, and logged in but not a member
        refused = stranger.get(url)
        assert refused.status_code == 404
        assert "Location" not in refused  # no signature handed out
        assert not refused.content.startswith(b"\x89PNG")
    # And start-up has nothing to warn about.
    assert checks.check_media_urls() == []


def test_with_a_custom_domain_readers_are_still_redirected_to_the_bucket_itself(
    media_on_s3, writer, s3_endpoint, bucket
):
    """A CDN named in AWS_S3_CUSTOM_DOMAIN cannot check S3's signatures, so the app's signed
    redirects go to the bucket's endpoint; the domain stays in MEDIA_URL for posts written before
    (which need the bucket public). The page's policy must allow both."""
    cdn = "media.example.test"
    made = media_on_s3(AWS_S3_CUSTOM_DOMAIN=cdn)
    assert made["MEDIA_URL"] == f"https://{cdn}/"
    assert made["MEDIA_HOST"] == f"https://{cdn}"
    member, client = writer
    url = upload_through_the_editor(client)["image_url"]
    assert url.startswith("/media/posts/")  # not the CDN's URL
    post = PostFactory(course=member.course, author=member.user, body=f"![A red square]({url})\n")

    location = signed_location(Client(), url)
    assert location.startswith(f"{s3_endpoint}/{bucket}/posts/")
    assert cdn not in location
    status, _, body = fetch(location)
    assert status == 200
    assert_the_red_square(body)

    page = Client().get(post.get_absolute_url())
    assert f'<img src="{url}" alt="A red square"' in page.content.decode()
    sources = img_sources(page)
    assert s3_endpoint in sources  # where the redirect goes: without it browsers block the image
    assert f"https://{cdn}" in sources  # older posts' images
    assert checks.check_media_urls() == []


def test_start_up_warns_when_the_policy_would_block_the_buckets_redirects(monkeypatch, settings):
    """A hand-written policy without the bucket's host: every image in a post would be blocked."""
    made = settings_from_env(
        monkeypatch,
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="course-media",
        AWS_S3_REGION_NAME="eu-west-1",
    )
    settings.STORAGES = {**settings.STORAGES, "default": made["STORAGES"]["default"]}
    settings.MEDIA_URL = made["MEDIA_URL"]
    settings.CONTENT_SECURITY_POLICY = made["CONTENT_SECURITY_POLICY"]
    assert checks.check_media_urls() == []

    directives = made["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    for img_src in (["'self'", "data:"], ["'self'", "https://*.amazonaws.com:8443"], ["http:"]):
        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "img-src": img_src}}
        problems = checks.check_media_urls()
        assert [problem.id for problem in problems] == ["ops.W002"], img_src
        assert "https://course-media.s3.eu-west-1.amazonaws.com" in problems[0].msg
    for img_src in (["'self'", "https://*.amazonaws.com"], ["https:"], ["*"]):
        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "img-src": img_src}}
        assert checks.check_media_urls() == [], img_src


def test_on_the_file_system_there_is_no_redirect_to_allow(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    assert checks.check_media_urls() == []


def test_the_settings_refuse_s3_without_a_bucket(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        settings_from_env(monkeypatch, MEDIA_STORAGE="s3")


AMAZON = "https://course-media.s3.amazonaws.com"


@pytest.mark.parametrize(
    ("env", "media_url", "origin", "redirect_origin"),
    [
        ({}, f"{AMAZON}/", AMAZON, AMAZON),
        ({"AWS_S3_REGION_NAME": "us-east-1"}, f"{AMAZON}/", AMAZON, AMAZON),
        (
            {"AWS_S3_REGION_NAME": "eu-west-1"},
            "https://course-media.s3.eu-west-1.amazonaws.com/",
            "https://course-media.s3.eu-west-1.amazonaws.com",
            "https://course-media.s3.eu-west-1.amazonaws.com",
        ),
        (
            {"AWS_S3_ENDPOINT_URL": "https://minio.example.edu:9000/"},
            "https://minio.example.edu:9000/course-media/",
            "https://minio.example.edu:9000",
            "https://minio.example.edu:9000",
        ),
        (
            {"AWS_S3_ENDPOINT_URL": "https://minio.example.edu:9000/", "AWS_S3_ADDRESSING_STYLE": "virtual"},
            "https://course-media.minio.example.edu:9000/",
            "https://course-media.minio.example.edu:9000",
            "https://course-media.minio.example.edu:9000",
        ),
        (
            {"AWS_S3_CUSTOM_DOMAIN": "media.example.edu"},
            "https://media.example.edu/",
            "https://media.example.edu",
            AMAZON,
        ),
        (
            {"AWS_S3_CUSTOM_DOMAIN": "media.example.edu", "MEDIA_HOST": "https://*.example.edu"},
            "https://media.example.edu/",
            "https://*.example.edu",
            AMAZON,
        ),
    ],
)
def test_media_url_is_where_the_storage_puts_its_files(
    monkeypatch, settings, env, media_url, origin, redirect_origin
):
    """Made without the network: the storage's own URLs must start with MEDIA_URL, or older posts drop
    their images, and the policy must allow where the app's signed redirects go (the bucket's own host,
    even behind a custom domain), or browsers block every image."""
    made = settings_from_env(monkeypatch, MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="course-media", **env)
    assert made["MEDIA_URL"] == media_url
    assert made["MEDIA_HOST"] == origin
    img_src = made["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert img_src == ["'self'", "data:", *dict.fromkeys([origin, redirect_origin])]
    settings.STORAGES = {**settings.STORAGES, "default": made["STORAGES"]["default"]}
    settings.MEDIA_URL = made["MEDIA_URL"]
    settings.CONTENT_SECURITY_POLICY = made["CONTENT_SECURITY_POLICY"]
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
    settings.CONTENT_SECURITY_POLICY = made["CONTENT_SECURITY_POLICY"]
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
