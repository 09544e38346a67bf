"""Every place a user writes, fed every payload: the rendered pages hold nothing executable."""

import pytest
from django.urls import reverse

from comments import services as comment_services
from comments.models import Comment
from courses.models import Course
from posts.models import Tag
from tests.factories import AwardFactory, CategoryFactory, CourseFactory, MembershipFactory, PostFactory
from tests.hardening.executable import executable_parts
from tests.hardening.payloads import all_payloads

PAYLOADS = all_payloads()


def test_the_table_is_big_enough_and_the_checker_catches_what_it_should():
    assert len(PAYLOADS) >= 150
    assert executable_parts('<img src=x onerror="alert(1)">')
    assert executable_parts('<a href=" jav&#x09;ascript:alert(1)">x</a>')
    assert executable_parts("<script>alert(1)</script>")
    assert executable_parts('<iframe src="https://x"></iframe>')
    assert not executable_parts('<script src="/static/js/editor.js"></script><a href="/c/x/">ok</a>')


@pytest.mark.django_db
def test_course_list_author_and_archive_pages_escape_names(client):
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    course = CourseFactory(title=payload, description=payload)
    author = MembershipFactory(course=course, display_name=payload).user
    category = CategoryFactory(course=course, name=payload, slug="hostile")
    tag = Tag.objects.create(course=course, name=payload[:50], slug="hostile-tag")
    post = PostFactory(course=course, author=author, title=payload, category=category)
    post.tags.add(tag)
    for url in [
        reverse("courses:list"),
        author.memberships.get(course=course).get_absolute_url(),
        tag.get_absolute_url(),
        category.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert executable_parts(response.content.decode()) == [], url
        assert "&lt;img src=x onerror=alert(1)&gt;" in response.content.decode(), url


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_payload_is_inert_everywhere_a_user_writes(client, payload):
    course = CourseFactory(title=payload[:200], description=payload, visibility=Course.Visibility.PUBLIC)
    author = MembershipFactory(course=course, display_name=payload[:80]).user
    reader = MembershipFactory(course=course, display_name=payload[:80])
    category = CategoryFactory(course=course, name=payload[:80], slug="hostile")
    tag = Tag.objects.create(course=course, name=payload[:50], slug="hostile-tag")
    body = f'{payload}\n\n![{payload}](/media/posts/x.png "{payload} | {payload}")\n\n{payload}'
    post = PostFactory(course=course, author=author, title=payload[:200], body=body, category=category)
    post.tags.add(tag)
    Comment.objects.create(
        post=post, author=reader.user, body=payload, status=Comment.Status.APPROVED, depth=1
    )
    comment_services.recount(post=post)
    AwardFactory(post=post, note=payload, note_public=True)

    # The front page shows the course's title and description, and each post's title,
    # excerpt, author name and category; the post page shows the body with its images,
    # captions and credits, tags, category, author, the award banner with its note, and
    # comments with their authors.
    pages = [course.get_absolute_url(), post.get_absolute_url()]
    client.force_login(reader.user)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert executable_parts(response.content.decode()) == [], url
    # The places really were on the page (escaped), so the check above saw them.
    post_page = client.get(post.get_absolute_url()).content.decode()
    assert 'class="award-note"' in post_page
    assert "1 Response" in post_page
