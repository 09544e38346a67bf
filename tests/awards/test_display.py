"""What readers see: the banner, symbols in every list, the hall of fame, an author's awards."""

import datetime
import html

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import Award
from posts.models import Post
from tests.factories import AwardFactory, AwardTypeFactory, InstructorFactory, PostFactory

pytestmark = pytest.mark.django_db


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_banner_uses_the_types_wording_with_the_name_escaped(client, post):
    award_type = AwardTypeFactory(course=post.course, name="<b>Best</b> essay")
    AwardFactory(post=post, award_type=award_type)
    response = client.get(post.get_absolute_url())
    banner = soup(response).select_one(".award-banner-text")
    assert banner.get_text() == "This post was awarded a “<b>Best</b> essay” from the editorial team."
    assert "<b>Best</b>" not in response.content.decode()  # escaped, not markup


def test_banner_wording_is_not_a_format_string(client, post):
    award_type = AwardTypeFactory(
        course=post.course, name="Star", banner_wording="{name.__class__} and {name}!"
    )
    AwardFactory(post=post, award_type=award_type)
    banner = soup(client.get(post.get_absolute_url())).select_one(".award-banner-text")
    assert banner.get_text() == "{name.__class__} and Star!"


def test_the_banner_carries_the_public_note(client, post):
    AwardFactory(post=post, note="Read the second source closely.", note_public=True)
    page = soup(client.get(post.get_absolute_url()))
    assert page.select_one(".award-note").get_text() == "Read the second source closely."


def test_a_revoked_award_shows_no_banner_or_symbol(client, post, instructor):
    award = AwardFactory(post=post)
    Award.objects.filter(pk=award.pk).update(revoked_at=timezone.now(), revoked_by=instructor)
    assert not soup(client.get(post.get_absolute_url())).select(".award-banner")
    assert not soup(client.get(post.course.get_absolute_url())).select(".award-symbols")


def _list_urls(post):
    slug = post.course.slug
    date = timezone.localtime(post.published_at)
    return [
        reverse("posts:front", kwargs={"course_slug": slug}),
        post.category.get_absolute_url(),
        post.tags.first().get_absolute_url(),
        reverse("posts:archive-month", kwargs={"course_slug": slug, "year": date.year, "month": date.month}),
        post.author.memberships.get(course=post.course).get_absolute_url(),
    ]


def test_the_symbol_sits_beside_the_title_in_every_list(client, course, post):
    tag = course.tags.create(name="Thaw", slug="thaw")
    post.tags.add(tag)
    plain = PostFactory(course=course, author=post.author)
    plain.tags.add(tag)
    AwardFactory(post=post, award_type=AwardTypeFactory(course=course, colour="#123abc"))
    for url in _list_urls(post):
        page = soup(client.get(url))
        titles = {h.a.get_text(): h for h in page.select(".post-summary .post-title")}
        symbol = titles[post.title].select_one("svg.award-symbol")
        assert symbol["aria-label"] == "Awarded a Red star", url
        assert symbol.path["fill"] == "#123abc"
        assert titles[plain.title].select_one("svg") is None, url


def test_front_page_queries_do_not_grow_with_awarded_posts(
    client, course, student, instructor, django_assert_num_queries
):
    red_star = AwardTypeFactory(course=course)
    flame = AwardTypeFactory(course=course, name="Flame", symbol="flame")
    posts = [PostFactory(course=course, author=student) for _ in range(30)]
    url = reverse("posts:front", kwargs={"course_slug": course.slug})
    AwardFactory(post=posts[-1], award_type=red_star, given_by=instructor)
    with CaptureQueriesContext(connection) as one:
        one_page = client.get(url)
    AwardFactory(post=posts[-1], award_type=flame, given_by=instructor)
    for post in posts[:-1]:
        AwardFactory(post=post, award_type=red_star, given_by=instructor)
        AwardFactory(post=post, award_type=flame, given_by=instructor)
    with django_assert_num_queries(len(one.captured_queries)):
        many_page = client.get(url)
    assert len(soup(one_page).select(".award-symbols")) == 1
    assert len(soup(many_page).select(".post-title svg.award-symbol")) == 20  # ten posts a page, two each


def test_author_page_lists_the_awards_received(client, course, post):
    AwardFactory(post=post, award_type=AwardTypeFactory(course=course, name="Laurel", symbol="laurel"))
    url = post.author.memberships.get(course=course).get_absolute_url()
    section = soup(client.get(url)).select_one(".awards-received")
    assert "Laurel for " + post.title in " ".join(section.get_text().split())


def _hall_url(course, **params):
    url = reverse("awards:hall-of-fame", kwargs={"course_slug": course.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_hall_of_fame_groups_by_week_newest_first_and_filters_by_type(client, course):
    tz = timezone.get_current_timezone()
    red_star = AwardTypeFactory(course=course, name="Red star", slug="red-star")
    flame = AwardTypeFactory(course=course, name="Flame", slug="flame", symbol="flame")
    dates = {
        "Early": datetime.datetime(2026, 10, 5, 10, tzinfo=tz),  # Monday of the week of Oct 5
        "Same week": datetime.datetime(2026, 10, 11, 20, tzinfo=tz),  # its Sunday
        "Later": datetime.datetime(2026, 10, 14, 9, tzinfo=tz),  # week of Oct 12
    }
    posts = {
        title: PostFactory(course=course, title=title, published_at=when) for title, when in dates.items()
    }
    AwardFactory(post=posts["Early"], award_type=red_star)
    AwardFactory(post=posts["Same week"], award_type=flame)
    AwardFactory(post=posts["Later"], award_type=red_star)
    PostFactory(course=course, title="Never awarded")
    with time_machine.travel(datetime.datetime(2026, 10, 20, tzinfo=tz)):
        page = soup(client.get(_hall_url(course)))
        weeks = [
            (s.h2.get_text(), [a.get_text() for a in s.select(".post-title > a")])
            for s in page.select(".hall-week")
        ]
        assert weeks == [
            ("Week of October 12, 2026", ["Later"]),
            ("Week of October 5, 2026", ["Same week", "Early"]),
        ]
        filtered = soup(client.get(_hall_url(course, type="flame")))
        assert [a.get_text() for a in filtered.select(".post-title > a")] == ["Same week"]
        assert client.get(_hall_url(course, type="nope")).status_code == 404


def test_hall_of_fame_query_count_is_the_same_for_3_and_60_awards(
    client, course, student, instructor, django_assert_num_queries
):
    types = [AwardTypeFactory(course=course, name=f"Type {n}", slug=f"type-{n}") for n in range(3)]
    url = _hall_url(course)

    def add_awarded_posts(count, start):
        for n in range(count):
            post = PostFactory(
                course=course,
                author=student,
                published_at=timezone.now() - datetime.timedelta(days=start + n),
            )
            AwardFactory(post=post, award_type=types[n % 3], given_by=instructor)

    add_awarded_posts(3, 0)
    with CaptureQueriesContext(connection) as few:
        few_page = client.get(url)
    add_awarded_posts(57, 3)
    with django_assert_num_queries(len(few.captured_queries)):
        many_page = client.get(url)
    assert len(soup(few_page).select(".post-summary")) == 3
    # Thirty a page, newest first; the rest a click away.
    assert len(soup(many_page).select(".post-summary")) == 30
    older = soup(many_page).select_one("a[rel=next]")
    assert older.get_text() == "Older awards"
    second = soup(client.get(url + older["href"]))
    assert len(second.select(".post-summary")) == 30
    assert second.select_one("a[rel=next]") is None


def test_hall_of_fame_leaves_out_drafts_and_revoked_awards(client, course, instructor):
    post = PostFactory(course=course, title="Unpublished later")
    AwardFactory(post=post)
    post.status = "draft"
    post.save()
    revoked = AwardFactory(post=PostFactory(course=course, title="Revoked one"))
    Award.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now(), revoked_by=instructor)
    text = html.unescape(client.get(_hall_url(course)).content.decode())
    assert "Unpublished later" not in text and "Revoked one" not in text
    assert "No awarded posts yet." in text


def test_post_page_queries_do_not_grow_with_its_awards(client, course, post, django_assert_num_queries):
    teacher = InstructorFactory(course=course).user
    client.force_login(teacher)
    AwardFactory(post=post, award_type=AwardTypeFactory(course=course, name="Type 0"), given_by=teacher)
    with CaptureQueriesContext(connection) as one:
        client.get(post.get_absolute_url())
    for n in range(1, 5):
        AwardFactory(
            post=post, award_type=AwardTypeFactory(course=course, name=f"Type {n}"), given_by=teacher
        )
    with django_assert_num_queries(len(one.captured_queries)):
        page = soup(client.get(post.get_absolute_url()))
    assert len(page.select(".award-banner")) == 5
    assert len(page.select(".award-revoke")) == 5  # the instructor may revoke each one


def test_a_list_fetches_its_posts_awards_in_one_query_before_its_loop(
    course, student, instructor, django_assert_num_queries
):
    red_star = AwardTypeFactory(course=course)
    flame = AwardTypeFactory(course=course, name="Flame", symbol="flame")
    posts = [PostFactory(course=course, author=student) for _ in range(5)]
    for post in posts[:3]:
        AwardFactory(post=post, award_type=red_star, given_by=instructor)
    AwardFactory(post=posts[0], award_type=flame, given_by=instructor)
    revoked = AwardFactory(post=posts[4], award_type=red_star, given_by=instructor)
    Award.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now(), revoked_by=instructor)
    template = Template(
        "{% load awards %}{% prefetch_awards posts %}"
        "{% for post in posts %}<p>{{ post.title }}{% award_symbols post %}</p>{% endfor %}"
    )
    listed = Post.objects.filter(course=course).select_related("course").order_by("pk")
    with django_assert_num_queries(2):  # the posts, then the awards of them all
        rendered = BeautifulSoup(template.render(Context({"posts": listed})), "html.parser")
    symbols = [len(p.select("svg.award-symbol")) for p in rendered.select("p")]
    assert symbols == [2, 1, 1, 0, 0]
