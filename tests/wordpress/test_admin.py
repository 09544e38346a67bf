"""The course page's WordPress tools in the instructors' admin: export (a download) and import (an upload)."""

import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.services import instructor_grant
from posts.models import Post
from tests.factories import CourseFactory, InstructorFactory, MembershipFactory, PostFactory, UserFactory
from wordpress import admin_views

# Our own small export, as WordPress writes one: an author, a category, a post with a reply thread.
WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Old blog</title><link>https://old.example.org</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://old.example.org</wp:base_site_url>
  <wp:base_blog_url>https://old.example.org</wp:base_blog_url>
  <wp:author><wp:author_id>7</wp:author_id><wp:author_login><![CDATA[olga]]></wp:author_login>
    <wp:author_email><![CDATA[olga@old.example.org]]></wp:author_email>
    <wp:author_display_name><![CDATA[Olga]]></wp:author_display_name></wp:author>
  <wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>essays</wp:category_nicename>
    <wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Essays]]></wp:cat_name></wp:category>
  <item>
    <title>On the Thaw</title>
    <dc:creator><![CDATA[olga]]></dc:creator>
    <guid isPermaLink="false">https://old.example.org/?p=11</guid>
    <content:encoded><![CDATA[<p>The <em>Thaw</em> began in 1956.</p>]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>11</wp:post_id>
    <wp:post_date>2014-03-02 10:00:00</wp:post_date>
    <wp:post_date_gmt>2014-03-02 15:00:00</wp:post_date_gmt>
    <wp:post_name>on-the-thaw</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
    <category domain="category" nicename="essays"><![CDATA[Essays]]></category>
    <wp:comment>
      <wp:comment_id>1</wp:comment_id><wp:comment_author><![CDATA[A reader]]></wp:comment_author>
      <wp:comment_author_email>reader@example.org</wp:comment_author_email>
      <wp:comment_date_gmt>2014-03-03 09:00:00</wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Well put.]]></wp:comment_content>
      <wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
  </item>
</channel>
</rss>
"""


def wxr_upload(content: str = WXR, name: str = "old-blog.WordPress.2014-03-05.xml"):
    return SimpleUploadedFile(name, content.encode(), content_type="text/xml")


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.fixture
def course(db):
    return CourseFactory(title="Soviet History", slug="soviet", visibility="members")


def _staff_instructor(course, username):
    user = InstructorFactory(course=course, user=UserFactory(username=username)).user
    instructor_grant(user=user)  # staff, in the Instructors group: what the admin lets in
    return user


@pytest.fixture
def instructor(course):
    return _staff_instructor(course, "nelson")


@pytest.fixture
def other_instructor(db):
    return _staff_instructor(CourseFactory(slug="china"), "chen")


def export_url(course):
    return reverse("wordpress:export", args=[course.pk])


def import_url(course):
    return reverse("wordpress:import", args=[course.pk])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


# --- The course page links to both -----------------------------------------------------------------


def test_the_course_page_links_to_export_and_import(course, instructor):
    page = logged_in(instructor).get(reverse("admin:courses_course_change", args=[course.pk]))
    assert page.status_code == 200
    links = {a.get_text(strip=True): a["href"] for a in soup(page).select(".object-tools a")}
    assert links["Export as WordPress (WXR)"] == export_url(course)
    assert links["Import from WordPress"] == import_url(course)


# --- Export ------------------------------------------------------------------------------------------


def test_the_instructor_downloads_the_course_as_a_wxr_file(course, instructor):
    post = PostFactory(course=course, title="Khrushchev's Secret Speech")
    PostFactory(course=CourseFactory(), title="Another course's post")

    response = logged_in(instructor).get(export_url(course))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="soviet.wordpress.')
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))  # it names members' emails
    channel = ET.fromstring(b"".join(response.streaming_content)).find("channel")
    assert [item.findtext("title") for item in channel.findall("item")] == [post.title]


def test_the_export_is_a_download_only(course, instructor):
    client = logged_in(instructor)
    assert client.post(export_url(course)).status_code == 405
    assert client.head(export_url(course)).status_code == 200


# --- Import ------------------------------------------------------------------------------------------


def test_the_import_page_explains_the_file_and_offers_a_dry_run(course, instructor):
    page = logged_in(instructor).get(import_url(course))
    assert page.status_code == 200
    form = soup(page).find("form", enctype="multipart/form-data")
    assert form.find("input", type="file", attrs={"name": "file"})
    assert form.find("input", type="checkbox", attrs={"name": "dry_run"})
    assert "Tools › Export" in page.content.decode()


def test_the_instructor_imports_a_file_and_sees_the_report(course, instructor):
    response = logged_in(instructor).post(import_url(course), {"file": wxr_upload()})

    assert response.status_code == 200
    report = soup(response).select_one(".wxr-report pre").get_text()
    assert "Imported into Soviet History" in report
    assert "posts: 1" in report and "comments: 1" in report
    post = Post.objects.get(course=course)
    assert post.title == "On the Thaw"
    assert post.comments.get().guest_name == "A reader"


def test_a_dry_run_shows_the_report_and_imports_nothing(course, instructor):
    response = logged_in(instructor).post(import_url(course), {"file": wxr_upload(), "dry_run": "on"})

    assert response.status_code == 200
    page = soup(response)
    assert "nothing was imported" in page.select_one(".wxr-report h2").get_text()
    assert "posts: 1" in page.select_one(".wxr-report pre").get_text()
    assert not Post.objects.filter(course=course).exists()
    assert not course.memberships.filter(user__email="olga@old.example.org").exists()
    assert page.find("input", attrs={"name": "dry_run"}).has_attr("checked")  # the choice is kept


def test_a_refused_file_shows_why_and_imports_nothing(course, instructor):
    broken = WXR.replace("</item>", "</itme>")
    response = logged_in(instructor).post(import_url(course), {"file": wxr_upload(broken), "dry_run": "on"})

    assert response.status_code == 400
    message = soup(response).select_one(".errornote .wxr-refused").get_text()
    assert "not well-formed" in message and "line" in message and "column" in message
    assert not Post.objects.filter(course=course).exists()
    assert soup(response).find("input", attrs={"name": "dry_run"}).has_attr("checked")


def test_a_file_that_is_no_wordpress_export_is_refused(course, instructor):
    response = logged_in(instructor).post(
        import_url(course), {"file": wxr_upload("<rss><channel><item/></channel></rss>")}
    )
    assert response.status_code == 400
    assert "wxr_version" in soup(response).select_one(".wxr-refused").get_text()
    assert not Post.objects.filter(course=course).exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Choose the WordPress export file (.xml) to upload."),
        ("notes.docx", "Upload the .xml file WordPress makes under Tools › Export › All content."),
    ],
)
def test_a_missing_or_wrong_kind_of_file_is_a_form_error(course, instructor, upload, message):
    data = {"file": wxr_upload(name=upload)} if upload else {}
    response = logged_in(instructor).post(import_url(course), data)
    assert response.status_code == 400
    assert soup(response).select_one(".errornote").get_text(strip=True) == message
    assert not Post.objects.filter(course=course).exists()


@pytest.fixture
def small_limit(monkeypatch):
    """A 4 KB limit, so the tests need not send 10 MB: the same checks, the same messages."""
    limit = 4 * 1024
    monkeypatch.setattr(admin_views, "WXR_UPLOAD_MAX_BYTES", limit)
    monkeypatch.setattr(admin_views.import_view, "upload_max_bytes", limit)
    return limit


def test_a_file_over_the_limit_is_stopped_while_it_arrives_with_a_clear_message(
    course, instructor, small_limit
):
    padded = WXR.replace("<channel>", "<channel><!--" + "x" * small_limit + "-->")

    response = logged_in(instructor).post(import_url(course), {"file": wxr_upload(padded)})

    assert response.status_code == 400
    error = soup(response).select_one(".errornote").get_text(strip=True).replace("\xa0", " ")
    assert error == "The file is larger than 4.0 KB. Make it smaller and try again."
    assert not Post.objects.filter(course=course).exists()


def test_a_body_declared_far_over_the_limit_is_refused_before_it_is_read(course, instructor, small_limit):
    padded = WXR.replace("<channel>", "<channel><!--" + "x" * (100 * 1024) + "-->")

    response = logged_in(instructor).post(import_url(course), {"file": wxr_upload(padded)})

    assert response.status_code == 413
    message = soup(response).select_one(".error-detail").get_text().replace("\xa0", " ")
    assert message.startswith("The file is larger than 4.0 KB, the most this page takes.")
    assert "manage.py import_wxr FILE --course SLUG" in message
    assert not Post.objects.filter(course=course).exists()


def test_the_real_limit_is_10_mb():
    assert admin_views.WXR_UPLOAD_MAX_BYTES == 10 * 1024 * 1024
    assert admin_views.import_view.upload_max_bytes == admin_views.WXR_UPLOAD_MAX_BYTES


def test_an_import_needs_the_csrf_token(course, instructor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    response = client.post(import_url(course), {"file": wxr_upload()})
    assert response.status_code == 403
    assert not Post.objects.filter(course=course).exists()


# --- Who may -------------------------------------------------------------------------------------------


def _admin_login(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("who", ["anonymous", "student"])
def test_people_outside_the_admin_are_sent_to_its_log_in(course, who):
    client = Client()
    if who == "student":
        client.force_login(MembershipFactory(course=course).user)
    assert _admin_login(client.get(export_url(course)))
    assert _admin_login(client.get(import_url(course)))
    assert _admin_login(client.post(import_url(course), {"file": wxr_upload()}))
    assert not Post.objects.filter(course=course).exists()


def test_an_instructor_of_another_course_finds_nothing_there(course, other_instructor):
    PostFactory(course=course, title="Not yours")
    client = logged_in(other_instructor)
    assert client.get(export_url(course)).status_code == 404
    assert client.get(import_url(course)).status_code == 404
    assert client.post(import_url(course), {"file": wxr_upload()}).status_code == 404
    assert list(Post.objects.filter(course=course).values_list("title", flat=True)) == ["Not yours"]


def test_a_course_that_does_not_exist_is_a_404(instructor):
    client = logged_in(instructor)
    assert client.get(reverse("wordpress:export", args=[999999])).status_code == 404
    assert client.get(reverse("wordpress:import", args=[999999])).status_code == 404


def test_staff_without_the_instructors_rights_may_not_import(course):
    # Staff and teaching the course, but outside the Instructors group: the admin's permissions decide.
    user = InstructorFactory(course=course, user=UserFactory(username="staffonly", is_staff=True)).user
    client = logged_in(user)
    assert client.get(export_url(course)).status_code == 403
    response = client.post(import_url(course), {"file": wxr_upload()})
    assert response.status_code == 403
    assert not Post.objects.filter(course=course).exists()


def test_a_superuser_may_export_and_import_any_course(course):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = logged_in(root)
    assert client.get(export_url(course)).status_code == 200
    response = client.post(import_url(course), {"file": wxr_upload()})
    assert response.status_code == 200
    assert Post.objects.filter(course=course).count() == 1


def test_an_archived_course_takes_no_import(course, instructor):
    course.archived_at = timezone.now()
    course.save()
    response = logged_in(instructor).post(import_url(course), {"file": wxr_upload()})
    assert response.status_code == 403
    assert "archived" in response.content.decode()
    assert not Post.objects.filter(course=course).exists()
