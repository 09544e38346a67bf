"""Deleting an account: no username, email or display name left anywhere; threads stay readable."""

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse

from comments.models import Comment
from courses.models import Course, Membership
from posts.models import Post
from search.models import SearchEntry
from tests.factories import (
    AwardFactory,
    CommentFactory,
    CourseFactory,
    FeedTokenFactory,
    InstructorFactory,
    MembershipFactory,
    NoticeFactory,
    PostFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "pass-for-tests-1"  # UserFactory's
TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField, models.SlugField, models.URLField)


def rows_naming(needle: str) -> list[str]:
    """Every row of every model whose text (or JSON) holds `needle`, as "app.Model.field"."""
    found = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS):
                hits = model._base_manager.filter(**{f"{field.name}__icontains": needle})
            elif isinstance(field, models.JSONField):
                hits = model._base_manager.annotate(as_text=Cast(field.name, models.TextField())).filter(
                    as_text__icontains=needle
                )
            else:
                continue
            if hits.exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


@pytest.fixture
def leaving(course):
    """A student with a kept post, comments, a notice, a feed link, an admin log entry, a queued email."""
    user = UserFactory(username="kpeters2026", email="kim.peters@example.edu", first_name="Kimberly")
    membership = MembershipFactory(course=course, user=user, display_name="Kimberly Peters")
    post = PostFactory(course=course, author=user, slug="magnitogorsk", title="Magnitogorsk")
    classmate = MembershipFactory(course=course, display_name="Cal Purvis")
    theirs = PostFactory(course=course, author=classmate.user, slug="theirs")
    mine = CommentFactory(post=theirs, author=user, body="I agree about the steel quotas.")
    CommentFactory(post=theirs, author=classmate.user, parent=mine, body="A reply to it.")
    CommentFactory(post=post, author=classmate.user, body="A comment on the leaver's post.")
    NoticeFactory(post=post)
    FeedTokenFactory(membership=membership)
    AwardFactory(post=post)
    LogEntry.objects.create(
        user=InstructorFactory(course=course).user,
        content_type=ContentType.objects.get_for_model(Membership),
        object_id=str(membership.pk),
        object_repr=str(membership),
        action_flag=ADDITION,
    )
    _queued_email_to(user.email)
    from search import index

    index.rebuild()
    return {"user": user, "membership": membership, "post": post, "comment": mine, "course": course}


def _queued_email_to(address):
    """A queued email as the database tasks backend keeps it: its arguments name the address."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"to": [address], "subject": "Someone commented on your post"}},
        task_path="core.mail.send",
        backend_name="default",
        run_after=timezone.now(),
    )


def delete(client, user, **data):
    client.force_login(user)
    return client.post(reverse("privacy:account-delete"), {"password": PASSWORD, "understood": "on", **data})


def test_nothing_names_the_person_afterwards(client, leaving):
    # The personal data is there before (the scan can find it) ...
    for needle in ("kpeters2026", "kim.peters@example.edu", "Kimberly Peters"):
        assert rows_naming(needle), needle
    response = delete(client, leaving["user"])
    assert response.status_code == 302
    # ... and nowhere after, in any table (search entries included).
    for needle in ("kpeters2026", "kim.peters@example.edu", "Kimberly Peters", "Kimberly"):
        assert rows_naming(needle) == [], needle


def test_the_search_index_names_nobody(client, leaving):
    from search import index

    index.sync_post(leaving["post"])
    delete(client, leaving["user"])
    for entry in SearchEntry.objects.all():
        for text in (entry.title, entry.body, entry.tags, entry.comment_body):
            assert "Kimberly" not in text and "kpeters2026" not in text


def test_comments_stay_signed_a_former_member(client, leaving):
    delete(client, leaving["user"])
    comment = Comment.objects.get(pk=leaving["comment"].pk)
    page = client.get(comment.post.get_absolute_url()).content.decode()
    assert "I agree about the steel quotas." in page
    assert "a former member" in page
    assert "A reply to it." in page  # the thread is whole


def test_a_course_that_keeps_posts_keeps_them_anonymised(client, leaving, settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    post_url = leaving["post"].get_absolute_url()
    assert "Kimberly Peters" in client.get(post_url).content.decode()  # cached with the name
    delete(client, leaving["user"])
    client.logout()
    post = Post.objects.get(pk=leaving["post"].pk)
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert "a former member" in page.content.decode()
    assert "Kimberly" not in page.content.decode()


def test_a_course_that_removes_posts_removes_them(client, leaving):
    Course.objects.filter(pk=leaving["course"].pk).update(on_member_deletion=Course.OnMemberDeletion.REMOVE)
    delete(client, leaving["user"])
    assert not Post.objects.filter(pk=leaving["post"].pk).exists()
    assert Comment.objects.filter(pk=leaving["comment"].pk).exists()  # comments on others' posts stay


def test_the_account_can_no_longer_log_in(client, leaving):
    delete(client, leaving["user"])
    user = User.objects.get(pk=leaving["user"].pk)
    assert user.username.startswith("former-member-")
    assert not user.is_active and not user.has_usable_password()
    assert not client.login(username="kpeters2026", password=PASSWORD)
    # The session that asked is over.
    assert client.get(reverse("privacy:my-data")).status_code == 302


def test_a_wrong_password_refuses_and_keeps_everything(client, leaving):
    response = delete(client, leaving["user"], password="wrong")
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert User.objects.get(pk=leaving["user"].pk).username == "kpeters2026"


def test_the_box_must_be_ticked(client, leaving):
    client.force_login(leaving["user"])
    response = client.post(reverse("privacy:account-delete"), {"password": PASSWORD})
    assert response.status_code == 400
    assert "cannot be undone" in response.content.decode()
    assert User.objects.get(pk=leaving["user"].pk).is_active


def test_guessing_the_password_is_rate_limited(client, leaving):
    for _ in range(5):
        delete(client, leaving["user"], password="wrong")
    response = delete(client, leaving["user"])
    assert response.status_code == 429
    assert User.objects.get(pk=leaving["user"].pk).is_active


def test_only_the_account_owner_can_delete_it(client, leaving):
    """There is no way to name another account: the form deletes the one logged in."""
    other = UserFactory()
    client.force_login(other)
    client.post(
        reverse("privacy:account-delete"),
        {"password": PASSWORD, "understood": "on", "user": leaving["user"].pk},
    )
    assert User.objects.get(pk=leaving["user"].pk).is_active
    assert not User.objects.get(pk=other.pk).is_active


def test_anonymous_is_sent_to_log_in(client):
    response = client.post(reverse("privacy:account-delete"), {"password": "x"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_get_shows_the_my_data_page(client, leaving):
    client.force_login(leaving["user"])
    assert client.get(reverse("privacy:account-delete")).status_code == 302


def test_the_page_tells_the_student_before(client, leaving):
    removing = CourseFactory(title="Strict course", on_member_deletion=Course.OnMemberDeletion.REMOVE)
    MembershipFactory(course=removing, user=leaving["user"])
    PostFactory(course=removing, author=leaving["user"])
    client.force_login(leaving["user"])
    page = client.get(reverse("privacy:my-data")).content.decode()
    assert "Strict course: your 1 post will be <strong>removed</strong>" in page
    assert "kept</strong>, signed “a former member”" in page


def test_other_sessions_of_the_person_end_too(client, leaving):
    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(leaving["user"])
    assert elsewhere.get(reverse("privacy:my-data")).status_code == 200
    delete(client, leaving["user"])
    assert elsewhere.get(reverse("privacy:my-data")).status_code == 302


def test_removed_posts_take_their_images_and_unused_uploads_go(
    client, leaving, stored_png, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from posts.models import PostImage

    Course.objects.filter(pk=leaving["course"].pk).update(on_member_deletion=Course.OnMemberDeletion.REMOVE)
    shown = stored_png("posts/2026/12/shown.png")
    unused = stored_png("posts/2026/12/unused.png")
    PostImage.objects.create(uploader=leaving["user"], post=leaving["post"], file=shown)
    PostImage.objects.create(uploader=leaving["user"], file=unused)
    with django_capture_on_commit_callbacks(execute=True):
        delete(client, leaving["user"])
    assert not PostImage.objects.filter(uploader=leaving["user"]).exists()
    assert not default_storage.exists(shown) and not default_storage.exists(unused)


def test_a_kept_posts_images_stay(client, leaving, stored_png, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    from posts.models import PostImage

    shown = stored_png("posts/2026/12/kept.png")
    PostImage.objects.create(uploader=leaving["user"], post=leaving["post"], file=shown)
    with django_capture_on_commit_callbacks(execute=True):
        delete(client, leaving["user"])
    assert PostImage.objects.filter(file=shown).exists() and default_storage.exists(shown)
