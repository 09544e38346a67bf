"""The course as a static website: a zip that opens from disk, with the sanitised HTML and its images."""

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from courses.models import Membership
from tests.factories import (
    AwardFactory,
    CategoryFactory,
    CommentFactory,
    CourseFactory,
    DraftFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
)

pytestmark = pytest.mark.django_db


def download(client, course):
    return client.get(reverse("privacy:static-site", kwargs={"course_slug": course.slug}))


def open_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def site(course, stored_png):
    """A public course with a consenting author's post that shows an image and has comments."""
    teacher = InstructorFactory(course=course, display_name="Prof Nelson")
    author = MembershipFactory(course=course, display_name="Kim Peters")  # consenting: the default
    classmate = MembershipFactory(course=course, display_name="Cal Purvis")
    name = stored_png()
    post = PostFactory(
        course=course,
        author=author.user,
        title="Magnitogorsk",
        slug="magnitogorsk",
        body=f"A *steel* town.\n\n![Blast furnaces]({settings.MEDIA_URL}{name})\n\n<script>alert(1)</script>",
        category=CategoryFactory(course=course, name="Industry", slug="industry"),
    )
    post.tags.create(course=course, name="Steel", slug="steel")
    CommentFactory(post=post, author=classmate.user, body="Check out the *furnace* photo.")
    CommentFactory(post=post, author=classmate.user, body="Held comment", status="pending")
    AwardFactory(post=post, given_by=teacher.user)
    DraftFactory(course=course, author=author.user, title="Unfinished draft")
    return {"course": course, "teacher": teacher.user, "author": author, "post": post, "image": name}


def test_the_instructor_downloads_a_site_that_has_every_page(client, site):
    client.force_login(site["teacher"])
    archive = open_zip(download(client, site["course"]))
    names = set(archive.namelist())
    author_slug = site["author"].author_slug
    assert {
        "index.html",
        "style.css",
        "hall-of-fame.html",
        "posts/magnitogorsk.html",
        "categories/industry.html",
        "tags/steel.html",
        f"authors/{author_slug}.html",
        f"images/{site['image']}",
    } <= names
    front = archive.read("index.html").decode()
    assert "Magnitogorsk" in front
    assert "Unfinished draft" not in front and not any("unfinished" in n for n in names)
    assert "Magnitogorsk" in archive.read("hall-of-fame.html").decode()
    assert "Kim Peters" in archive.read(f"authors/{author_slug}.html").decode()


def test_the_post_page_is_the_sanitised_html_with_its_approved_comments(client, site):
    client.force_login(site["teacher"])
    page = open_zip(download(client, site["course"])).read("posts/magnitogorsk.html").decode()
    post = site["post"]
    # The stored body, byte for byte, except that the image points at its copy in the zip.
    local = post.body_html.replace(f"{settings.MEDIA_URL}{site['image']}", f"../images/{site['image']}")
    assert local in page
    assert "<script" not in page.lower()
    assert "Check out the <em>furnace</em> photo." in page
    assert "Cal Purvis" in page
    assert "Held comment" not in page
    assert post.author.username not in page


def test_every_link_is_relative_and_points_inside_the_zip(client, site):
    client.force_login(site["teacher"])
    archive = open_zip(download(client, site["course"]))
    names = set(archive.namelist())
    for name in names:
        if not name.endswith(".html"):
            continue
        html = archive.read(name).decode()
        folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
        for link in re.findall(r'(?:href|src)="([^"]+)"', html):
            if link.startswith(("http://", "https://", "#", "mailto:")):
                continue
            assert not link.startswith("/"), f"{name} links to {link}, which needs a server"
            import posixpath

            target = posixpath.normpath(folder + link.split("#")[0])
            assert target in names, f"{name} links to {link}, which is not in the zip"


def test_the_image_is_the_stored_file(client, site):
    from django.core.files.storage import default_storage

    client.force_login(site["teacher"])
    archive = open_zip(download(client, site["course"]))
    with default_storage.open(site["image"], "rb") as stored:
        assert archive.read(f"images/{site['image']}") == stored.read()


def test_a_members_only_course_carries_the_warning_on_every_page(client, members_only_course):
    teacher = InstructorFactory(course=members_only_course)
    PostFactory(course=members_only_course, title="For us only", slug="for-us-only")
    client.force_login(teacher.user)
    archive = open_zip(download(client, members_only_course))
    pages = [n for n in archive.namelist() if n.endswith(".html")]
    assert pages
    for name in pages:
        assert "Members only: do not share" in archive.read(name).decode()
    assert "For us only" in archive.read("index.html").decode()


def test_a_public_course_leaves_out_posts_of_students_without_consent(client, site):
    """The same audience as the course: the world reads consenting authors' posts only."""
    shy = MembershipFactory(course=site["course"], display_name="Shy One", consented=False)
    PostFactory(course=site["course"], author=shy.user, title="Not for the world", slug="not-for-the-world")
    client.force_login(site["teacher"])
    archive = open_zip(download(client, site["course"]))
    assert "posts/not-for-the-world.html" not in archive.namelist()
    assert "Public course" in archive.read("index.html").decode()


def test_no_page_has_a_script(client, site):
    client.force_login(site["teacher"])
    archive = open_zip(download(client, site["course"]))
    for name in archive.namelist():
        if name.endswith(".html"):
            assert "<script" not in archive.read(name).decode().lower()


@pytest.mark.parametrize("who", ["student", "outsider", "other_instructor"])
def test_only_the_courses_instructors_download(client, course, who, request):
    client.force_login(request.getfixturevalue(who))
    assert download(client, course).status_code == 403


def test_a_members_only_course_is_a_404_to_outsiders(client, members_only_course, outsider):
    client.force_login(outsider)
    assert download(client, members_only_course).status_code == 404


def test_anonymous_is_sent_to_log_in(client, course):
    assert download(client, course).status_code == 302


def test_the_command_writes_the_same_site(site, tmp_path):
    out = tmp_path / "site.zip"
    stdout = io.StringIO()
    call_command("export_static_site", "--course", site["course"].slug, str(out), stdout=stdout)
    assert "1 posts, 1 images" in stdout.getvalue()
    with zipfile.ZipFile(out) as archive:
        assert "posts/magnitogorsk.html" in archive.namelist()


def test_the_command_refuses_an_unknown_course(tmp_path):
    with pytest.raises(CommandError, match="No course"):
        call_command("export_static_site", "--course", "nope", str(tmp_path / "x.zip"))


def test_the_export_reads_posts_in_chunks_not_one_query_each(site, django_assert_max_num_queries, tmp_path):
    from privacy.static_site import export_course

    for n in range(30):
        post = PostFactory(course=site["course"], author=site["author"].user, slug=f"more-{n}")
        CommentFactory(post=post)
    with django_assert_max_num_queries(20):
        export_course(site["course"], tmp_path / "site.zip")


def test_a_former_members_post_shows_no_username(client, course):
    teacher = InstructorFactory(course=course)
    gone = MembershipFactory(course=course)
    post = PostFactory(course=course, author=gone.user, slug="left-behind")
    Membership.objects.filter(pk=gone.pk).update(display_name="a former member")
    CommentFactory(post=post)
    client.force_login(teacher.user)
    archive = open_zip(download(client, course))
    assert gone.user.username not in archive.read("posts/left-behind.html").decode()


def test_other_courses_stay_out(client, site):
    other = CourseFactory()
    PostFactory(course=other, title="Someone else's post")
    client.force_login(site["teacher"])
    archive = open_zip(download(client, site["course"]))
    assert "Someone else's post" not in archive.read("index.html").decode()
