"""What a request may carry: forms in another charset get a 400, files only where a view takes them."""

import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from comments.models import Comment
from posts.models import PostImage

pytestmark = pytest.mark.django_db


def csrf_client(url):
    """A browser-like client: it has the CSRF cookie from the form's page, and the check is on."""
    client = Client(enforce_csrf_checks=True)
    client.get(url)
    return client, client.cookies["csrftoken"].value


def create_url(post):
    return reverse("comments:create", kwargs={"course_slug": post.course.slug, "post_slug": post.slug})


@pytest.mark.parametrize("name", ["login", "password_reset"])
def test_a_form_in_another_charset_is_a_400_not_a_server_error(name):
    client, token = csrf_client(reverse(name))
    body = f"username=a&password=b&email=a%40example.edu&csrfmiddlewaretoken={token}".encode()
    content_type = "application/x-www-form-urlencoded; charset=latin-1"
    response = client.generic("POST", reverse(name), body, content_type=content_type)
    assert response.status_code == 400
    assert "character set other than UTF-8" in response.content.decode()


def test_a_comment_in_another_charset_is_a_400_and_nothing_is_stored(post, student):
    client, token = csrf_client(reverse("login"))
    client.force_login(student)
    body = f"body=caf%E9&parent=&website=&csrfmiddlewaretoken={token}".encode()
    content_type = "application/x-www-form-urlencoded; charset=iso-8859-1"
    response = client.generic("POST", create_url(post), body, content_type=content_type)
    assert response.status_code == 400
    assert not Comment.objects.filter(post=post).exists()


def test_utf8_spelled_without_the_dash_is_read_as_utf8(student):
    student.set_password("a long enough passphrase")
    student.save()
    client, token = csrf_client(reverse("login"))
    body = f"username={student.username}&password=a+long+enough+passphrase&csrfmiddlewaretoken={token}"
    response = client.generic(
        "POST",
        reverse("login"),
        body.encode(),
        content_type="application/x-www-form-urlencoded; charset=utf8",
    )
    assert response.status_code == 302  # logged in


def test_a_file_riding_along_on_a_comment_is_refused_and_the_comment_not_stored(client, post, student):
    client.force_login(student)
    attachment = io.BytesIO(b"x" * 20_000)
    attachment.name = "notes.pdf"
    response = client.post(
        create_url(post), {"body": "My answer.", "parent": "", "website": "", "file": attachment}
    )
    assert response.status_code == 400
    assert "could not be understood" in response.content.decode()
    assert not Comment.objects.filter(post=post).exists()


def test_a_body_declared_too_large_for_a_form_is_refused_before_it_is_read(client, post, student):
    client.force_login(student)
    declared = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10 * 1024 * 1024
    response = client.generic(
        "POST",
        create_url(post),
        b'--x\r\nContent-Disposition: form-data; name="body"\r\n\r\nhi\r\n--x--\r\n',
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(declared),  # more than the body: a worker would wait for the rest
    )
    assert response.status_code == 400
    assert not Comment.objects.filter(post=post).exists()


@pytest.fixture
def stored(monkeypatch):
    """The bytes of uploads written to temporary files on disk, chunk by chunk."""
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    stored = []
    receive = TemporaryFileUploadHandler.receive_data_chunk
    monkeypatch.setattr(
        TemporaryFileUploadHandler,
        "receive_data_chunk",
        lambda self, raw_data, start: stored.append(len(raw_data)) or receive(self, raw_data, start),
    )
    return stored


def big_png(extra_bytes: int):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "PNG")
    big = io.BytesIO(buffer.getvalue() + b"\0" * extra_bytes)
    big.name = "big.png"
    return big


def test_an_image_declared_too_large_is_refused_before_it_is_read(student, stored):
    """The CSRF check reads the body before the view could look at its size: it must not get to."""
    client, token = csrf_client(reverse("login"))
    client.force_login(student)
    big = big_png(settings.IMAGE_MAX_BYTES * 3)
    response = client.post(reverse("posts:upload"), {"image": big, "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert "larger than 10.0 MB" in response.json()["image"][0].replace("\xa0", " ")
    assert stored == []  # none of the 30 MB sent went to disk
    assert not PostImage.objects.exists()


def test_an_image_just_over_the_limit_is_not_stored_past_it_and_the_form_still_read(student, stored):
    """The file comes before the CSRF token in the editor's upload: the token is still found."""
    client, token = csrf_client(reverse("login"))
    client.force_login(student)
    big = big_png(settings.IMAGE_MAX_BYTES + 20 * 1024)  # within the declared-length margin
    response = client.post(reverse("posts:upload"), {"image": big, "csrfmiddlewaretoken": token})
    assert response.status_code == 400  # not a 403 for a token lost behind the file
    assert "larger than 10.0 MB" in response.json()["image"][0].replace("\xa0", " ")
    assert sum(stored) <= settings.IMAGE_MAX_BYTES
    assert not PostImage.objects.exists()
