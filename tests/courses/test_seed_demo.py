"""`manage.py seed_demo`: the seed's course and post as a visitor sees them, safely repeatable."""

import io

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from courses.models import Course, Membership
from posts.demo import SEED_SLUG, SEED_TITLE
from posts.demo_texts import POSTS
from posts.models import Post

User = get_user_model()
SEED_PEOPLE = ["nelson", "kpeters", "cpurvis2", "rkw15", "jslattery"]
# Django's own bookkeeping changes on every run (sessions, log entries); the demo's data must not.
BOOKKEEPING = {"contenttypes", "sessions", "admin", "auth.Permission"}


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in BOOKKEEPING and model._meta.label not in BOOKKEEPING
    }


def test_seed_demo_twice_changes_nothing(db, debug_on):
    seed()
    first = row_counts()
    assert first["posts.Post"] >= 13
    # The seed post's two photographs and one each for the classmates' posts that have one.
    assert first["posts.PostImage"] == 2 + sum(1 for post in POSTS if post.image) >= 7
    seed()
    assert row_counts() == first


def test_seed_demo_builds_the_course_and_its_people(db, debug_on):
    output = seed()
    course = Course.objects.get(slug="soviet-history")
    assert course.title == "Soviet History"
    assert course.is_public
    roles = dict(Membership.objects.filter(course=course).values_list("user__username", "role"))
    for username in SEED_PEOPLE:
        assert username in roles
        assert username in output
    assert roles["nelson"] == Membership.Role.INSTRUCTOR
    assert roles["kpeters"] == Membership.Role.STUDENT
    published = Post.objects.published().filter(course=course)
    assert published.count() >= 13
    assert published.values("author").distinct().count() >= 4


def test_seed_post_page_shows_title_text_images_credits_sources_and_category(client, db, debug_on):
    seed()
    post = Post.objects.get(course__slug="soviet-history", slug=SEED_SLUG)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("h1").text == SEED_TITLE == "Soviet Prisoners Released . . . Not All Necessarily Free"
    body = page.find(class_="post-body")
    text = body.get_text(" ", strip=True)
    assert "After Stalin’s death on March 1953, a process known as de-stalinization occurred" in text
    assert "to release the tsunami-like wave of prisoners" in text
    assert "they had difficulty integrating into the new society and world" in text

    figures = body.find_all("figure")
    assert len(figures) == 2
    captions = [f.find("figcaption").get_text(" ", strip=True) for f in figures]
    assert captions == [
        "Fence at the old Gulag Gulag Image retrieved from: Seventeen Moments in Soviet History",
        "Nikita Khrushchev Khrushchev Image retrieved from: Wikimedia Commons",
    ]
    assert [f.find(class_="credit").text for f in figures] == [
        "Gulag Image retrieved from: Seventeen Moments in Soviet History",
        "Khrushchev Image retrieved from: Wikimedia Commons",
    ]
    for figure in figures:
        img = figure.find("img")
        assert img["alt"]
        assert img["src"].startswith("/media/posts/")
        assert default_storage.exists(img["src"].removeprefix("/media/"))

    sources = body.find("h2", string="Sources")
    assert sources is not None
    items = [li.get_text(" ", strip=True) for li in sources.find_next("ul").find_all("li")]
    assert len(items) == 3
    assert items[0].startswith("“De-Stalinization.” Wikipedia.")
    assert "Prisoners Return" in items[1]
    assert "To an Honest Soviet Life" in items[2]

    footer = page.find(class_="post-footer")
    assert "This entry was posted in Uncategorized" in footer.get_text(" ", strip=True)
    assert "K. Peters" in page.find(class_="post-meta").text


def test_seed_front_page_looks_lived_in_and_hides_the_draft(client, db, debug_on):
    seed()
    course = Course.objects.get(slug="soviet-history")
    page = client.get(reverse("posts:front", kwargs={"course_slug": course.slug})).content.decode()
    assert SEED_TITLE in page
    assert page.count('class="post-summary"') == 10
    assert "Notes for next week (draft)" not in page
    summary = next(
        s for s in BeautifulSoup(page, "html.parser").find_all(class_="post-summary") if SEED_TITLE in s.text
    )
    assert summary.find(class_="excerpt").text.startswith("After Stalin’s death on March 1953")
    assert Post.objects.filter(course=course, status=Post.Status.DRAFT).exists()


def test_seed_members_only_course_stays_hidden(client, db, debug_on):
    seed()
    china = Course.objects.get(slug="modern-china")
    assert not china.is_public
    post = Post.objects.get(course=china)
    assert client.get(post.get_absolute_url()).status_code == 404
    client.force_login(User.objects.get(username="liwei"))
    assert client.get(post.get_absolute_url()).status_code == 200


def test_seed_sets_every_password_from_the_option(db, debug_on):
    seed("--password", "red-star-1956")
    for username in SEED_PEOPLE:
        user = User.objects.get(username=username)
        assert user.check_password("red-star-1956"), username
        assert not user.check_password("coursesite")
    # Running again with another password changes them all.
    seed("--password", "thaw-1962")
    assert all(User.objects.get(username=u).check_password("thaw-1962") for u in SEED_PEOPLE)


def test_seed_default_password(db, debug_on):
    output = seed()
    assert "coursesite" in output
    assert User.objects.get(username="nelson").check_password("coursesite")


def test_seed_refuses_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert not Course.objects.exists()
    assert not User.objects.exists()
    seed("--force")
    assert Post.objects.filter(course__slug="soviet-history", slug=SEED_SLUG).exists()
