"""The term's end: an archived course is read only for everyone, and readable by the same audience."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from comments.models import Comment
from courses.permissions import ARCHIVED_MESSAGE, can_write
from coursework import weeks
from coursework.reports import moderation_summary
from posts.models import Post, PostImage
from privacy import services
from tests.factories import (
    AwardFactory,
    AwardTypeFactory,
    CommentFactory,
    CourseFactory,
    EditorialTermFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    PromptFactory,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
BANNER = "This course is archived: read only."


def archived(course):
    return services.course_archive(course=course)


def assert_refused(response):
    assert response.status_code == 403
    assert ARCHIVED_MESSAGE in response.content.decode()


@pytest.fixture
def world(course):
    """A public course with a post, a classmate, a comment, an award type and an instructor; archived."""
    author = MembershipFactory(course=course, display_name="Kim Peters")
    classmate = MembershipFactory(course=course, display_name="Cal Purvis")
    teacher = InstructorFactory(course=course, display_name="Prof Nelson")
    post = PostFactory(course=course, author=author.user, title="On the Five-Year Plan")
    comment = CommentFactory(post=post, author=classmate.user)
    award_type = AwardTypeFactory(course=course)
    archived(course)
    course.refresh_from_db()
    return {
        "course": course,
        "author": author.user,
        "classmate": classmate.user,
        "teacher": teacher.user,
        "post": post,
        "comment": comment,
        "award_type": award_type,
    }


def test_readers_keep_reading_an_archived_public_course_with_the_banner(client, world, settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    front = client.get(world["course"].get_absolute_url())
    assert front.status_code == 200
    assert BANNER in front.content.decode()
    page = client.get(world["post"].get_absolute_url())
    assert page.status_code == 200
    assert "On the Five-Year Plan" in page.content.decode()
    assert BANNER in page.content.decode()


def test_an_archived_members_only_course_stays_members_only(client, members_only_course):
    member = MembershipFactory(course=members_only_course)
    post = PostFactory(course=members_only_course, author=member.user)
    archived(members_only_course)
    assert client.get(post.get_absolute_url()).status_code == 404
    client.force_login(member.user)
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert BANNER in page.content.decode()


def test_members_see_no_write_link_in_an_archived_course(client, world):
    client.force_login(world["author"])
    page = client.get(world["course"].get_absolute_url()).content.decode()
    assert reverse("posts:write", kwargs={"course_slug": world["course"].slug}) not in page
    assert not can_write(world["author"], world["course"])


def test_writing_a_post_is_refused(client, world):
    client.force_login(world["author"])
    url = reverse("posts:write", kwargs={"course_slug": world["course"].slug})
    assert_refused(client.get(url))
    assert_refused(client.post(url, {"title": "New", "body": "Text", "action": "publish"}))
    assert not Post.objects.filter(title="New").exists()


def test_editing_and_unpublishing_are_refused(client, world):
    post = world["post"]
    client.force_login(world["author"])
    assert_refused(client.post(post.get_edit_url(), {"title": "Changed", "body": "Changed"}))
    unpublish = reverse("posts:unpublish", kwargs={"course_slug": post.course.slug, "slug": post.slug})
    assert_refused(client.post(unpublish))
    post.refresh_from_db()
    assert post.title == "On the Five-Year Plan" and post.is_published


def test_uploading_an_image_is_refused_to_a_member_of_archived_courses_only(client, world):
    data = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(data, "PNG")
    data.seek(0)
    data.name = "red.png"
    client.force_login(world["author"])
    response = client.post(reverse("posts:upload"), {"image": data})
    assert response.status_code == 403
    assert "not archived" in response.content.decode()
    assert not PostImage.objects.exists()


def test_commenting_is_refused_with_the_reason(client, world):
    post = world["post"]
    client.force_login(world["classmate"])
    url = reverse("comments:create", kwargs={"course_slug": post.course.slug, "post_slug": post.slug})
    assert_refused(client.post(url, {"body": "A late thought."}))
    assert not Comment.objects.filter(body="A late thought.").exists()
    # The post page says why there is no comment form.
    assert ARCHIVED_MESSAGE in client.get(post.get_absolute_url()).content.decode()


def test_editing_removing_and_moderating_comments_are_refused(client, world):
    comment, slug = world["comment"], world["course"].slug
    client.force_login(world["classmate"])
    assert_refused(
        client.post(reverse("comments:edit", kwargs={"course_slug": slug, "pk": comment.pk}), {"body": "x"})
    )
    assert_refused(client.post(reverse("comments:remove", kwargs={"course_slug": slug, "pk": comment.pk})))
    client.force_login(world["teacher"])
    moderate = reverse("comments:moderate", kwargs={"course_slug": slug, "pk": comment.pk})
    assert_refused(client.post(moderate, {"action": "remove"}))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_giving_and_revoking_awards_are_refused(client, world):
    post = world["post"]
    client.force_login(world["teacher"])
    give = reverse("awards:give", kwargs={"course_slug": post.course.slug, "slug": post.slug})
    assert_refused(client.post(give, {"award_type": world["award_type"].pk, "note": "Good"}))
    assert not post.awards.exists()


def test_revoking_an_award_is_refused(client, course):
    post = PostFactory(course=course)
    award = AwardFactory(post=post)
    archived(course)
    client.force_login(award.given_by)
    assert_refused(client.post(reverse("awards:revoke", kwargs={"course_slug": course.slug, "pk": award.pk})))
    award.refresh_from_db()
    assert award.revoked_at is None


def test_votes_and_closing_the_week_are_refused(client, world):
    course = world["course"]
    week = weeks.monday_of(timezone.localdate()).isoformat()
    client.force_login(world["classmate"])
    vote = reverse("coursework:vote", kwargs={"course_slug": course.slug, "week": week})
    assert_refused(client.post(vote, {"post": world["post"].pk}))
    client.force_login(world["teacher"])
    close = reverse("coursework:choice-close", kwargs={"course_slug": course.slug, "week": week})
    assert_refused(client.post(close))


def test_the_digest_and_accommodations_are_refused(client, course):
    teacher = InstructorFactory(course=course).user
    student = MembershipFactory(course=course)
    EditorialTermFactory(member=student)
    prompt = PromptFactory(course=course)
    archived(course)
    week = weeks.monday_of(timezone.localdate()).isoformat()
    client.force_login(student.user)
    assert_refused(
        client.get(reverse("coursework:digest-edit", kwargs={"course_slug": course.slug, "week": week}))
    )
    client.force_login(teacher)
    url = reverse("coursework:accommodation", kwargs={"course_slug": course.slug, "slug": prompt.slug})
    assert_refused(client.post(url, {"member": student.pk, "action": "excuse"}))


def test_prompt_responses_go_through_the_refused_editor(client, course):
    student = MembershipFactory(course=course).user
    prompt = PromptFactory(course=course)
    archived(course)
    client.force_login(student)
    url = reverse("posts:write", kwargs={"course_slug": course.slug}) + f"?prompt={prompt.slug}"
    assert_refused(client.get(url))


def test_reopening_lets_members_write_again(client, world):
    services.course_unarchive(course=world["course"])
    client.force_login(world["author"])
    assert client.get(reverse("posts:write", kwargs={"course_slug": world["course"].slug})).status_code == 200


# --- Archiving, by the course's instructors only ---------------------------------------------


def test_an_instructor_archives_after_a_confirmation(client, course, settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    teacher = InstructorFactory(course=course).user
    client.force_login(teacher)
    url = reverse("privacy:course-archive", kwargs={"course_slug": course.slug})
    page = client.get(url)
    assert page.status_code == 200
    assert "Archiving makes" in page.content.decode()
    course.refresh_from_db()
    assert course.archived_at is None  # the page alone changes nothing
    from django.test import Client

    anonymous = Client()
    assert BANNER not in anonymous.get(course.get_absolute_url()).content.decode()  # now cached
    response = client.post(url, {"action": "archive"})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.archived_at is not None
    assert BANNER in client.get(course.get_absolute_url()).content.decode()
    assert BANNER in anonymous.get(course.get_absolute_url()).content.decode()
    client.post(url, {"action": "unarchive"})
    course.refresh_from_db()
    assert course.archived_at is None


def test_a_bad_action_is_a_400_with_the_page(client, course):
    client.force_login(InstructorFactory(course=course).user)
    response = client.post(
        reverse("privacy:course-archive", kwargs={"course_slug": course.slug}), {"action": "x"}
    )
    assert response.status_code == 400
    course.refresh_from_db()
    assert course.archived_at is None


@pytest.mark.parametrize("who", ["student", "outsider", "other_instructor"])
def test_others_cannot_archive(client, course, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("privacy:course-archive", kwargs={"course_slug": course.slug}), {"action": "archive"}
    )
    assert response.status_code == 403
    course.refresh_from_db()
    assert course.archived_at is None


def test_a_members_only_course_is_a_404_to_other_instructors(client, members_only_course, other_instructor):
    client.force_login(other_instructor)
    url = reverse("privacy:course-archive", kwargs={"course_slug": members_only_course.slug})
    assert client.post(url, {"action": "archive"}).status_code == 404


def test_anonymous_is_sent_to_log_in(client, course):
    response = client.post(
        reverse("privacy:course-archive", kwargs={"course_slug": course.slug}), {"action": "archive"}
    )
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- The admin ---------------------------------------------------------------------------------


def test_the_admin_summary_leaves_archived_courses_out(client):
    teacher = User.objects.create_user("teach", password="pw-for-tests-1", is_staff=True)
    open_course, done_course = CourseFactory(title="Open course"), CourseFactory(title="Done course")
    for c in (open_course, done_course):
        InstructorFactory(course=c, user=teacher)
    archived(done_course)
    assert [s.course for s in moderation_summary(user=teacher)] == [open_course]
    from courses.services import instructor_access_sync

    instructor_access_sync(user=teacher)
    client.force_login(teacher)
    page = client.get(reverse("admin:index")).content.decode()
    assert f'data-course="{open_course.slug}"' in page
    assert f'data-course="{done_course.slug}"' not in page


def test_the_admin_shows_an_archived_courses_posts_read_only(client, world):
    admin_user = User.objects.create_superuser("root", "root@example.edu", "pw-for-tests-1")
    client.force_login(admin_user)
    post = world["post"]
    url = reverse("admin:posts_post_change", args=[post.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(url, {"title": "Changed by the admin"})
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.title == "On the Five-Year Plan"
    # No new post can be put in the archived course: it is not among the choices.
    add = client.get(reverse("admin:posts_post_add")).content.decode()
    assert f'value="{world["course"].pk}"' not in add


def test_the_admin_course_page_links_to_archiving_and_the_download(client, course):
    admin_user = User.objects.create_superuser("root", "root@example.edu", "pw-for-tests-1")
    client.force_login(admin_user)
    page = client.get(reverse("admin:courses_course_change", args=[course.pk])).content.decode()
    assert reverse("privacy:course-archive", kwargs={"course_slug": course.slug}) in page
    assert reverse("privacy:static-site", kwargs={"course_slug": course.slug}) in page


def test_archived_at_is_stamped_once(course):
    archived(course)
    first = course.archived_at
    course.refresh_from_db()
    services.course_archive(course=course)
    course.refresh_from_db()
    assert course.archived_at == first
    assert isinstance(first, datetime.datetime)
