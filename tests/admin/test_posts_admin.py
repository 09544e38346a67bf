"""Posts in the admin follow the site's rules: publishing checks alt text, categories stay in the course,
and only a post's author changes what it says and who wrote it."""

from django.urls import reverse
from django.utils import timezone

from posts import services
from posts.models import Post
from tests.admin.conftest import soup
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    DraftFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)

NO_ALT = "Look: ![](/media/posts/2026/11/fence.jpg)"


def form_data(post, **changes):
    data = {
        "course": post.course_id,
        "author": post.author_id,
        "title": post.title,
        "slug": post.slug,
        "body": post.body,
        "status": post.status,
        "published_at_0": "",
        "published_at_1": "",
        "category": post.category_id,
        # The read-only comments inline's management form, as the page sends it.
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "0",
    }
    data.update(changes)
    return data


def test_publishing_in_the_form_sets_the_date(course_a, client):
    draft = DraftFactory(
        course=course_a.course, author=course_a.student, category=course_a.objects["posts.category"]
    )
    client.force_login(course_a.instructor)
    response = client.post(
        reverse("admin:posts_post_change", args=[draft.pk]), form_data(draft, status="published")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None


def test_publishing_an_image_without_alt_text_is_refused_in_the_form(course_a, client):
    draft = DraftFactory(
        course=course_a.course,
        author=course_a.student,
        category=course_a.objects["posts.category"],
        body=NO_ALT,
    )
    client.force_login(course_a.instructor)
    response = client.post(
        reverse("admin:posts_post_change", args=[draft.pk]), form_data(draft, status="published")
    )
    assert response.status_code == 200
    assert "Add alt text to every image" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published


def test_publish_action_reports_refusals_and_publishes_the_rest(course_a, client):
    category = course_a.objects["posts.category"]
    good = DraftFactory(
        course=course_a.course, author=course_a.student, category=category, title="Good draft"
    )
    bad = DraftFactory(
        course=course_a.course, author=course_a.student, category=category, body=NO_ALT, title="No alt"
    )
    client.force_login(course_a.instructor)
    response = client.post(
        reverse("admin:posts_post_changelist"),
        {"action": "publish", "_selected_action": [good.pk, bad.pk], "index": "0"},
        follow=True,
    )
    text = response.content.decode()
    assert "1 post(s) published." in text
    assert "Not published: “No alt”" in text
    assert Post.objects.get(pk=good.pk).is_published
    assert not Post.objects.get(pk=bad.pk).is_published


def test_category_of_another_course_taught_by_the_same_instructor_is_refused(course_a, client):
    second = CourseFactory(title="Second section")
    InstructorFactory(course=second, user=course_a.instructor)
    other_category = CategoryFactory(course=second, name="Elsewhere", slug="elsewhere")
    post = course_a.objects["posts.post"]
    client.force_login(course_a.instructor)
    response = client.post(
        reverse("admin:posts_post_change", args=[post.pk]),
        form_data(post, category=other_category.pk, published_at_0="2026-11-20", published_at_1="10:00:00"),
    )
    assert response.status_code == 200
    assert "Choose a category of the post&#x27;s course." in response.content.decode()
    post.refresh_from_db()
    assert post.category == course_a.objects["posts.category"]


def test_a_post_written_in_the_admin_as_published_gets_its_date(course_a, client):
    client.force_login(course_a.instructor)
    post = course_a.objects["posts.post"]
    data = form_data(post, title="Written in the admin", slug="written-in-the-admin", status="published")
    response = client.post(reverse("admin:posts_post_add"), data)
    assert response.status_code == 302
    written = Post.objects.get(course=course_a.course, slug="written-in-the-admin")
    assert written.is_live and written.published_at is not None


def test_editing_a_published_post_in_the_admin_keeps_it_published_on_its_date(course_a, client):
    # The instructor's own post: a student's title is theirs alone (below).
    post = PostFactory(
        course=course_a.course, author=course_a.instructor, category=course_a.objects["posts.category"]
    )
    date = timezone.localtime(post.published_at)
    client.force_login(course_a.instructor)
    response = client.post(
        reverse("admin:posts_post_change", args=[post.pk]),
        form_data(
            post,
            title="Retitled",
            published_at_0=date.strftime("%Y-%m-%d"),
            published_at_1=date.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 302
    edited = Post.objects.get(pk=post.pk)
    assert (edited.title, edited.is_published) == ("Retitled", True)
    assert edited.published_at == post.published_at.replace(microsecond=0)


def test_a_draft_published_again_from_the_admin_keeps_its_date(course_a, client):
    """The rule of the site's Publish button: a post unpublished and published again keeps its permalink."""
    post = course_a.objects["posts.post"]
    first_date = post.published_at
    services.post_unpublish(post=post)
    client.force_login(course_a.instructor)
    response = client.post(
        reverse("admin:posts_post_changelist"),
        {"action": "publish", "_selected_action": [post.pk], "index": "0"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.is_published and post.published_at == first_date


def test_the_publish_action_leaves_a_published_post_as_it_is(course_a, client):
    post = course_a.objects["posts.post"]
    client.force_login(course_a.instructor)
    client.post(
        reverse("admin:posts_post_changelist"),
        {"action": "publish", "_selected_action": [post.pk], "index": "0"},
    )
    assert Post.objects.get(pk=post.pk).updated_at == post.updated_at


def test_an_instructor_cannot_change_what_a_student_wrote_nor_who_wrote_it(course_a, client):
    """The site lets only the author edit a post; the admin let an instructor rewrite it and re-sign it."""
    post = course_a.objects["posts.post"]  # by course_a.student
    before = Post.objects.get(pk=post.pk)
    second = CourseFactory(title="Second section")
    InstructorFactory(course=second, user=course_a.instructor)
    new_category = CategoryFactory(course=course_a.course, name="Primary sources", slug="primary-sources")
    client.force_login(course_a.instructor)
    url = reverse("admin:posts_post_change", args=[post.pk])

    page = soup(client.get(url))
    for name in ("course", "author", "title", "slug", "body", "published_at_0"):
        assert page.find(attrs={"name": name}) is None, f"{name} is editable"
    assert post.title in page.get_text()  # shown, read-only
    for name in ("status", "category", "tags"):
        assert page.find(attrs={"name": name}) is not None, f"{name} is not editable"

    response = client.post(
        url,
        form_data(
            post,
            course=second.pk,
            author=course_a.instructor.pk,
            title="Words put in her mouth",
            slug="moved",
            body="Not what she wrote.",
            category=new_category.pk,
            published_at_0="2020-01-01",
            published_at_1="10:00:00",
        ),
    )
    assert response.status_code == 302
    after = Post.objects.get(pk=post.pk)
    assert (after.course, after.author, after.title, after.slug, after.body, after.published_at) == (
        before.course,
        before.author,
        before.title,
        before.slug,
        before.body,
        before.published_at,
    )
    assert after.category == new_category and after.is_published  # what an instructor may do


def test_an_instructor_unpublishes_a_students_post_from_its_form(course_a, client):
    post = course_a.objects["posts.post"]
    client.force_login(course_a.instructor)
    response = client.post(
        reverse("admin:posts_post_change", args=[post.pk]), form_data(post, status="draft")
    )
    assert response.status_code == 302
    assert not Post.objects.get(pk=post.pk).is_published


def test_an_instructor_edits_their_own_post(course_a, client):
    post = DraftFactory(
        course=course_a.course, author=course_a.instructor, category=course_a.objects["posts.category"]
    )
    client.force_login(course_a.instructor)
    response = client.post(
        reverse("admin:posts_post_change", args=[post.pk]), form_data(post, title="Mine", body="My words.")
    )
    assert response.status_code == 302
    assert Post.objects.filter(pk=post.pk, title="Mine", body="My words.").exists()


def test_a_superuser_keeps_every_field(course_a, superuser, client):
    post = course_a.objects["posts.post"]
    date = timezone.localtime(post.published_at)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:posts_post_change", args=[post.pk]),
        form_data(
            post,
            body="Corrected by the site's administrator.",
            published_at_0=date.strftime("%Y-%m-%d"),
            published_at_1=date.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=post.pk).body == "Corrected by the site's administrator."


def test_author_choices_are_the_members_of_the_posts_own_course(course_a, client):
    """An instructor of two courses was offered, and could choose, a student of the other one."""
    second = CourseFactory(title="Second section")
    InstructorFactory(course=second, user=course_a.instructor)
    other_student = MembershipFactory(course=second, user=UserFactory(username="elsewhere")).user
    own = PostFactory(
        course=course_a.course, author=course_a.instructor, category=course_a.objects["posts.category"]
    )
    client.force_login(course_a.instructor)
    url = reverse("admin:posts_post_change", args=[own.pk])
    options = {o["value"] for o in soup(client.get(url)).select('select[name="author"] option') if o["value"]}
    assert options == {str(course_a.instructor.pk), str(course_a.student.pk)}

    response = client.post(url, form_data(own, author=other_student.pk))
    assert response.status_code == 200
    assert "Choose a member of the post&#x27;s course as its author." in response.content.decode()
    assert Post.objects.get(pk=own.pk).author == course_a.instructor


def test_a_new_post_needs_an_author_from_its_course(course_a, client):
    second = CourseFactory(title="Second section")
    InstructorFactory(course=second, user=course_a.instructor)
    other_student = MembershipFactory(course=second, user=UserFactory(username="elsewhere")).user
    client.force_login(course_a.instructor)
    post = course_a.objects["posts.post"]
    data = form_data(post, author=other_student.pk, title="Placed", slug="placed", status="draft")
    response = client.post(reverse("admin:posts_post_add"), data)
    assert response.status_code == 200
    assert "Choose a member of the post&#x27;s course as its author." in response.content.decode()
    assert not Post.objects.filter(slug="placed").exists()
    # With the course named in the address, the add page offers its members only.
    page = soup(client.get(reverse("admin:posts_post_add"), {"course": course_a.course.pk}))
    options = {o["value"] for o in page.select('select[name="author"] option') if o["value"]}
    assert str(other_student.pk) not in options and str(course_a.student.pk) in options
