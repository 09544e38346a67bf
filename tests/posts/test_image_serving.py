"""Private images (issue 18): an image is served to whoever may read its post, and is a 404 to anyone else.

The audience matrix (anonymous, outsider, member, author, instructor, another course's
instructor) × (public, members-only course) × (live, draft post), the headers of each
answer, the web server's X-Accel-Redirect, and S3's short-lived signed URLs against the
moto server tests/ops/ starts.
"""

import io
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from posts import services
from posts.images import clean_image, image_store
from posts.models import PostImage
from tests.factories import CourseFactory, InstructorFactory, MembershipFactory, UserFactory
from tests.ops.conftest import bucket, media_on_s3, s3_client, s3_endpoint  # noqa: F401  (fixtures)

AUDIENCE = ["anonymous", "outsider", "member", "author", "instructor", "other_instructor"]

# Who gets the image, by course and post: everyone who may read the post, nobody else.
READERS = {
    ("public", "live"): set(AUDIENCE),
    ("public", "draft"): {"author", "instructor"},
    ("members", "live"): {"member", "author", "instructor"},
    ("members", "draft"): {"author", "instructor"},
}


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 20, 20)).save(out, "PNG")
    return out.getvalue()


def store_image(uploader) -> PostImage:
    upload = SimpleUploadedFile("fence.png", png_bytes(), content_type="image/png")
    return image_store(uploader=uploader, cleaned=clean_image(upload), details={"alt": "A fence"})


def build(visibility: str, state: str):
    course = CourseFactory(visibility=visibility)
    people = {
        "author": MembershipFactory(course=course).user,
        "member": MembershipFactory(course=course).user,
        "instructor": InstructorFactory(course=course).user,
        "other_instructor": InstructorFactory(course=CourseFactory()).user,
        "outsider": UserFactory(),
    }
    image = store_image(people["author"])
    services.post_save(
        course=course,
        author=people["author"],
        title="Letters home",
        body=f"![A fence]({image.get_absolute_url()})",
        category=None,
        publish=state == "live",
    )
    image.refresh_from_db()
    assert image.post is not None
    return image, people


def fetch(url, user=None, method="get"):
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url)


@pytest.mark.parametrize(("visibility", "state"), list(READERS))
def test_an_image_is_served_to_the_readers_of_its_post_only(db, visibility, state):
    image, people = build(visibility, state)
    url = image.get_absolute_url()
    public = visibility == "public" and state == "live"
    for who in AUDIENCE:
        response = fetch(url, people.get(who))
        if who in READERS[(visibility, state)]:
            assert response.status_code == 200, (who, visibility, state)
            assert b"".join(response.streaming_content) == default_storage.open(image.file.name).read()
            assert response["Content-Type"] == "image/png"
            expected = "public, max-age=300" if public else "private, max-age=300"
            assert response["Cache-Control"] == expected, (who, visibility, state)
        else:
            assert response.status_code == 404, (who, visibility, state)
            assert response["Cache-Control"] == "private, no-store"
            assert not response.content.startswith(b"\x89PNG")


def test_an_anonymous_request_for_a_members_only_image_is_a_404_and_a_member_gets_it(db):
    image, people = build("members", "live")
    assert fetch(image.get_absolute_url()).status_code == 404
    response = fetch(image.get_absolute_url(), people["member"])
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def test_a_public_image_is_served_without_looking_at_the_session(db, django_assert_num_queries):
    """The fast path: one query for the image, its post and course; no session, no Vary: Cookie."""
    image, _ = build("public", "live")
    client = Client()
    with django_assert_num_queries(2):  # the image with its post and course; the author's consent
        response = client.get(image.get_absolute_url())
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")


def test_unpublishing_a_post_makes_its_image_a_404_for_the_world(db):
    image, people = build("public", "live")
    assert fetch(image.get_absolute_url()).status_code == 200
    services.post_unpublish(post=image.post)
    assert fetch(image.get_absolute_url()).status_code == 404
    assert fetch(image.get_absolute_url(), people["author"]).status_code == 200


def test_an_image_in_no_post_yet_is_its_uploaders_alone(db):
    course = CourseFactory()
    uploader = MembershipFactory(course=course).user
    classmate = MembershipFactory(course=course).user
    image = store_image(uploader)
    assert fetch(image.get_absolute_url()).status_code == 404
    assert fetch(image.get_absolute_url(), classmate).status_code == 404
    response = fetch(image.get_absolute_url(), uploader)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=300"


def test_a_file_that_is_no_uploaded_image_is_a_404(db, settings):
    (settings.MEDIA_ROOT / "posts").mkdir(parents=True)
    (settings.MEDIA_ROOT / "posts" / "stray.png").write_bytes(png_bytes())  # on disk, in no row
    for name in ("posts/stray.png", "posts/../posts/stray.png", "../secret.txt", "nothing"):
        response = fetch(reverse("posts:image", kwargs={"name": name}))
        assert response.status_code == 404
        assert response["Cache-Control"] == "private, no-store"


def test_an_image_whose_file_is_gone_is_a_404_not_a_500(db):
    image, _ = build("public", "live")
    default_storage.delete(image.file.name)
    assert fetch(image.get_absolute_url()).status_code == 404


def test_a_state_change_verb_is_refused(db):
    image, people = build("public", "live")
    client = Client(enforce_csrf_checks=False)
    client.force_login(people["author"])
    assert client.post(image.get_absolute_url()).status_code == 405
    assert fetch(image.get_absolute_url(), method="head").status_code == 200


def test_with_x_accel_redirect_the_web_server_sends_the_file(db, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    image, people = build("members", "live")
    response = fetch(image.get_absolute_url(), people["member"])
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{image.file.name}"
    assert response.content == b""  # the bytes come from nginx, not from the app
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, max-age=300"  # nginx passes it on
    refused = fetch(image.get_absolute_url())
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


def test_the_upload_answers_with_the_checked_address(db, client):
    course = CourseFactory()
    student = MembershipFactory(course=course).user
    client.force_login(student)
    upload = SimpleUploadedFile("fence.png", png_bytes(), content_type="image/png")
    payload = client.post(reverse("posts:upload"), {"image": upload}).json()
    image = PostImage.objects.get()
    assert payload["image_url"] == reverse("posts:image", kwargs={"name": image.file.name})
    assert client.get(payload["image_url"]).status_code == 200


# --- S3: a redirect to a signed URL that expires soon -------------------------------------------


def _signed_query(response) -> dict:
    assert response.status_code == 302
    return {key: values[0] for key, values in parse_qs(urlsplit(response["Location"]).query).items()}


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refusal:
        return refusal.code, refusal.read()


def test_on_s3_a_private_image_is_a_short_lived_signed_redirect(db, media_on_s3, s3_endpoint):  # noqa: F811
    media_on_s3()
    image, people = build("members", "live")
    assert fetch(image.get_absolute_url()).status_code == 404  # anonymous: no signature handed out
    response = fetch(image.get_absolute_url(), people["member"])
    query = _signed_query(response)
    assert response["Location"].startswith(f"{s3_endpoint}/")
    assert query["X-Amz-Expires"] == "60"
    assert "X-Amz-Signature" in query
    assert response["Cache-Control"] == "private, max-age=30"  # never reused once the signature expires
    status, body = _get(response["Location"])
    assert status == 200 and body == png_bytes_of(image)
    unsigned = response["Location"].split("?")[0]
    assert _get(unsigned)[0] == 403  # the bucket itself serves nobody


def test_on_s3_a_signed_url_lasts_a_minute_from_the_request(db, media_on_s3):  # noqa: F811
    """Signed when asked for, valid 60 s. (moto checks neither expiry nor signature: S3 does both.)"""
    media_on_s3()
    image, people = build("members", "live")
    moment = timezone.now().replace(microsecond=0) + timezone.timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        location = fetch(image.get_absolute_url(), people["member"])["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Date"] == [moment.strftime("%Y%m%dT%H%M%SZ")]
    assert query["X-Amz-Expires"] == ["60"]


def test_on_s3_a_public_image_is_a_cacheable_signed_redirect(db, media_on_s3):  # noqa: F811
    media_on_s3()
    image, _ = build("public", "live")
    response = fetch(image.get_absolute_url())
    query = _signed_query(response)
    assert response["Cache-Control"] == "public, max-age=300"
    assert int(query["X-Amz-Expires"]) > 300  # outlives any cached copy of the redirect
    assert _get(response["Location"])[0] == 200


def png_bytes_of(image):
    with default_storage.open(image.file.name) as f:
        return f.read()
