"""Pages travel compressed to browsers that ask; images and readers who do not ask are left alone."""

import gzip

import pytest
from django.urls import reverse

from tests.factories import PostFactory


@pytest.mark.django_db
def test_a_page_is_compressed_for_a_browser_that_asks_and_reads_the_same(client, course, student):
    post = PostFactory(course=course, author=student, body="A long essay. " * 200)
    plain = client.get(post.get_absolute_url())
    packed = client.get(post.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content) / 2
    assert b"A long essay." in gzip.decompress(packed.content)


@pytest.mark.django_db
def test_cached_pages_are_compressed_too(client, settings, course, student):
    settings.ANONYMOUS_PAGE_CACHE = True
    PostFactory(course=course, author=student)
    url = reverse("posts:front", kwargs={"course_slug": course.slug})
    client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    hit = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert hit["X-Page-Cache"] == "hit" and hit["Content-Encoding"] == "gzip"
    assert client.get(url)["X-Page-Cache"] == "hit"  # one stored copy serves both kinds of reader
    assert "Content-Encoding" not in client.get(url)


def test_images_are_not_compressed_again(rf):
    from django.http import HttpResponse

    from core.compression import TextGZipMiddleware

    image = HttpResponse(b"\xff\xd8" + b"\x00" * 5000, content_type="image/jpeg")
    answer = TextGZipMiddleware(lambda request: image)(rf.get("/media/x.jpg", HTTP_ACCEPT_ENCODING="gzip"))
    assert "Content-Encoding" not in answer and len(answer.content) == 5002
