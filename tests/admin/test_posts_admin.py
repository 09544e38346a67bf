"""Posts in the admin follow the site's rules: publishing checks alt text, categories stay in the course."""

from django.urls import reverse
from django.utils import timezone

from posts import services
from posts.models import Post
from tests.factories import CategoryFactory, CourseFactory, DraftFactory, InstructorFactory

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
    post = course_a.objects["posts.post"]
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
