"""Copies of a post that leave the site (feeds, the term's static site, a student's data) carry one
src per image: the smaller copies named in srcset stay on the server, and a browser would prefer them."""

import io
import zipfile

import pytest

from feeds.content import with_absolute_urls
from privacy.my_data import export_my_data
from privacy.static_site import export_course, post_path
from tests.factories import CourseFactory, MembershipFactory
from tests.posts.test_responsive_images import photograph, publish, store

pytestmark = pytest.mark.django_db


@pytest.fixture
def illustrated():
    course = CourseFactory()
    author = MembershipFactory(course=course).user
    image = store(author, photograph(1600, 900))
    post = publish(course, author, f"Before.\n\n![A fence]({image.file.url})\n\nAfter.")
    assert "srcset=" in post.body_html  # the site's own page offers the copies
    return post, image


def test_a_feed_entry_gives_the_one_absolute_src(illustrated):
    post, image = illustrated
    html = with_absolute_urls(post.body_html, "https://course.example/c/x/post/")
    assert f'src="https://course.example{image.file.url}"' in html
    assert "srcset" not in html and "sizes=" not in html


def test_the_static_site_shows_its_own_copy_of_the_image(illustrated):
    post, image = illustrated
    out = io.BytesIO()
    export_course(post.course, out)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        page = next(archive.read(n).decode() for n in names if n.endswith(post_path(post)))
    assert "srcset" not in page
    assert any(n.endswith(f"images/{image.file.name}") for n in names)


def test_a_students_data_has_the_post_without_copies_left_on_the_server(illustrated):
    post, _image = illustrated
    out = io.BytesIO()
    export_my_data(post.author, out)
    with zipfile.ZipFile(out) as archive:
        page = next(archive.read(n).decode() for n in archive.namelist() if n.endswith("post.html"))
    assert "<img" in page and "srcset" not in page
