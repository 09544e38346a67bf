"""The post page's "Mentioned in": what links to the post, as its readers may see it, newest first.

Most tests run twice, with caching off and on: with it on the list is kept under
the course's version, and every change a reader would notice must still show
on the next request.
"""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments import services as comment_services
from comments.models import Comment
from mentions.models import Mention
from posts import services as post_services
from tests.factories import CommentFactory, CourseFactory, DraftFactory, MembershipFactory, PostFactory

# After the fixtures' posts (made at the real time): the test then travels forward to it.
NOW = datetime.datetime(2030, 10, 14, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(params=[False, True], ids=["cache-off", "cache-on"])
def caching(request, settings):
    settings.ANONYMOUS_PAGE_CACHE = request.param
    return request.param


@pytest.fixture
def target(course):
    author = MembershipFactory(course=course, display_name="Caitlin M.").user
    return PostFactory(course=course, author=author, title="The Thaw in Print", slug="the-thaw-in-print")


def link_to(post, text="Caitlin's post"):
    return f"Check out [{text}]({post.get_absolute_url()})."


def mentioned_in(post, user=None):
    """(link text, href) of each entry of the post page's "Mentioned in", or None without the section."""
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    section = BeautifulSoup(response.content, "html.parser").find("section", class_="mentioned-in")
    if section is None:
        return None
    assert section.find("h2").get_text(strip=True) == "Mentioned in"
    return [(" ".join(a.get_text().split()), a["href"]) for a in section.find_all("a")]


def test_a_post_linking_to_a_classmates_post_is_listed_on_it(caching, course, target):
    assert mentioned_in(target) is None
    source = PostFactory(course=course, title="Sputnik at Home", body=link_to(target))
    assert mentioned_in(target) == [("Sputnik at Home", source.get_absolute_url())]
    assert mentioned_in(source) is None  # a mention goes one way


def test_an_approved_comment_linking_to_it_is_listed_by_its_authors_course_name(caching, course, target):
    seed = PostFactory(course=course, title="Soviet Prisoners Released")
    rkw = MembershipFactory(course=course, display_name="rkw15").user
    comment = CommentFactory(post=seed, author=rkw, body=link_to(target))
    assert mentioned_in(target) == [
        ("A comment by rkw15 on Soviet Prisoners Released", f"{seed.get_absolute_url()}#comment-{comment.pk}")
    ]


def test_the_link_goes_to_the_comments_anchor_in_the_thread(course, target):
    seed = PostFactory(course=course)
    comment = CommentFactory(post=seed, body=link_to(target))
    [(_text, href)] = mentioned_in(target)
    page = Client().get(href.split("#")[0]).content.decode()
    assert f'id="comment-{comment.pk}"' in page


def test_newest_first(caching, course, target):
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        PostFactory(
            course=course,
            title="Oldest post",
            body=link_to(target),
            published_at=NOW - datetime.timedelta(days=3),
        )
    other = PostFactory(course=course, title="Other post", published_at=NOW - datetime.timedelta(days=4))
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        CommentFactory(
            post=other,
            body=link_to(target),
            author=MembershipFactory(course=course, display_name="Dima").user,
        )
    with time_machine.travel(NOW - datetime.timedelta(days=2), tick=False):
        PostFactory(
            course=course,
            title="Middle post",
            body=link_to(target),
            published_at=NOW - datetime.timedelta(days=2),
        )
    with time_machine.travel(NOW, tick=False):
        texts = [text for text, _href in mentioned_in(target)]
    assert texts == ["A comment by Dima on Other post", "Middle post", "Oldest post"]


def test_relative_and_absolute_links_and_any_date_in_the_address_count(settings, course, target):
    settings.SITE_URL = "https://blogs.example.edu"
    absolute = f"https://blogs.example.edu{target.get_absolute_url()}"
    other_date = f"/c/{course.slug}/1999/1/1/{target.slug}/"
    PostFactory(course=course, title="Absolute", body=f"[a]({absolute})")
    PostFactory(course=course, title="Other date", body=f"[b]({other_date})")
    assert sorted(text for text, _ in mentioned_in(target)) == ["Absolute", "Other date"]


def test_links_to_another_course_or_to_itself_are_no_mention(course, target):
    elsewhere = CourseFactory()
    twin = PostFactory(course=elsewhere, slug=target.slug)  # the same slug in another course
    PostFactory(
        course=elsewhere, body=f"[x](/c/{course.slug}/2014/1/1/{target.slug}/)"
    )  # from the other course
    post_services.post_save(
        post=target,
        course=course,
        author=target.author,
        title=target.title,
        body=f"See [myself]({target.get_absolute_url()}).",
        category=target.category,
        publish=True,
    )
    CommentFactory(post=target, body=link_to(target))  # a comment on the post it links to
    assert Mention.objects.count() == 0
    assert mentioned_in(target) is None
    assert mentioned_in(twin) is None


def test_a_draft_shows_nothing_until_published_and_nothing_again_once_unpublished(caching, course, target):
    author = MembershipFactory(course=course).user
    draft = post_services.post_save(
        course=course, author=author, title="Work in progress", body=link_to(target), category=None
    )
    assert mentioned_in(target) is None
    assert mentioned_in(target, user=author) is None  # not even to its own author: the draft is not out
    post_services.post_publish(post=draft)
    assert [text for text, _ in mentioned_in(target)] == ["Work in progress"]
    post_services.post_unpublish(post=draft)
    assert mentioned_in(target) is None


def test_a_post_scheduled_for_later_is_not_listed_before_its_time(course, target):
    PostFactory(
        course=course, title="Tomorrow's", body=link_to(target), published_at=NOW + datetime.timedelta(days=1)
    )
    with time_machine.travel(NOW, tick=False):
        assert mentioned_in(target) is None


def test_moderation_decides_whether_a_comment_shows(caching, course, target, instructor):
    seed = PostFactory(course=course, title="Seed")
    held = CommentFactory(post=seed, status="pending", body=link_to(target))
    assert mentioned_in(target) is None
    assert mentioned_in(target, user=held.author) is None
    comment_services.comment_approve(comment=held, by=instructor)
    assert [text for text, _ in mentioned_in(target)] == [f"A comment by {held.author_name} on Seed"]
    comment_services.comment_mark_spam(comment=held, by=instructor)
    assert mentioned_in(target) is None
    comment_services.comment_approve(comment=held, by=instructor)
    comment_services.comment_remove(comment=held, by=instructor)
    assert mentioned_in(target) is None


def test_an_approved_comment_on_a_post_gone_back_to_draft_is_not_listed(caching, course, target):
    seed = PostFactory(course=course, title="Seed")
    CommentFactory(post=seed, body=link_to(target))
    assert mentioned_in(target) is not None
    post_services.post_unpublish(post=seed)
    assert mentioned_in(target) is None


def test_editing_the_link_away_removes_the_mention(caching, course, target):
    seed = PostFactory(course=course)
    comment = CommentFactory(post=seed, body=link_to(target))
    assert mentioned_in(target) is not None
    comment_services.comment_edit(comment=comment, body="Never mind, no link.", by=comment.author)
    assert mentioned_in(target) is None
    assert not Mention.objects.exists()


def test_editing_a_post_moves_its_mention_to_the_post_it_links_to_now(caching, course, target):
    other = PostFactory(course=course, title="Corn, Corn Everywhere")
    source = PostFactory(course=course, title="Source", body=link_to(target))
    assert mentioned_in(target) is not None
    post_services.post_save(
        post=source,
        course=course,
        author=source.author,
        title=source.title,
        body=link_to(other),
        category=source.category,
        publish=True,
    )
    assert mentioned_in(target) is None
    assert [text for text, _ in mentioned_in(other)] == ["Source"]


def test_deleting_the_source_removes_the_mention(caching, course, target):
    seed = PostFactory(course=course)
    comment = CommentFactory(post=seed, body=link_to(target))
    source = PostFactory(course=course, title="Source", body=link_to(target))
    assert len(mentioned_in(target)) == 2
    comment.delete()
    assert [text for text, _ in mentioned_in(target)] == ["Source"]
    source.delete()
    assert mentioned_in(target) is None


def test_a_commenter_renamed_in_the_course_shows_the_new_name(caching, course, target):
    seed = PostFactory(course=course, title="Seed")
    membership = MembershipFactory(course=course, display_name="Old Name")
    CommentFactory(post=seed, author=membership.user, body=link_to(target))
    assert mentioned_in(target)[0][0] == "A comment by Old Name on Seed"
    membership.display_name = "New Name"
    membership.save()
    assert mentioned_in(target)[0][0] == "A comment by New Name on Seed"


def test_a_guest_comment_shows_the_guests_name(course, target):
    seed = PostFactory(course=course, title="Seed")
    CommentFactory(post=seed, author=None, guest_name="A Visitor", body=link_to(target))
    assert mentioned_in(target)[0][0] == "A comment by A Visitor on Seed"


def test_titles_and_names_are_escaped(course, target):
    hostile = '<script>alert("x")</script> & "quotes"'
    PostFactory(course=course, title=hostile, body=link_to(target))
    seed = PostFactory(course=course, title="Seed")
    CommentFactory(
        post=seed, author=MembershipFactory(course=course, display_name=hostile).user, body=link_to(target)
    )
    html = Client().get(target.get_absolute_url()).content.decode()
    section = html[html.index('class="mentioned-in"') :]
    assert "<script>alert" not in section
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in section
    # The comment is newer than the post (published an hour ago by the factory).
    assert [text for text, _ in mentioned_in(target)] == [f"A comment by {hostile} on Seed", hostile]


def test_a_members_only_course_shows_its_mentions_to_members_only(members_only_course):
    course = members_only_course
    target = PostFactory(course=course, title="Target")
    member = MembershipFactory(course=course).user
    PostFactory(course=course, title="Source", body=link_to(target))
    assert [text for text, _ in mentioned_in(target, user=member)] == ["Source"]
    assert Client().get(target.get_absolute_url()).status_code == 404


def test_a_long_list_says_only_the_newest_are_listed(monkeypatch, course, target):
    from mentions.templatetags import mentions as tags

    monkeypatch.setattr(tags, "MAX_SHOWN", 3)
    for n in range(4):
        PostFactory(course=course, title=f"Source {n}", body=link_to(target))
    assert len(mentioned_in(target)) == 3
    assert "The 3 most recent are listed." in Client().get(target.get_absolute_url()).content.decode()


# --- queries ---


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _add_mentions(course, target, n):
    seed = PostFactory(course=course)
    for i in range(n):
        PostFactory(course=course, body=link_to(target))
        CommentFactory(
            post=seed,
            author=MembershipFactory(course=course, display_name=f"Reader {i}").user,
            body=link_to(target),
        )


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_post_page_runs_the_same_queries_for_1_and_50_mentions(course, target, who):
    client = Client()
    if who == "member":
        client.force_login(MembershipFactory(course=course).user)
    url = target.get_absolute_url()
    _add_mentions(course, target, 1)
    few = _page_queries(client, url)
    _add_mentions(course, target, 49)
    many = _page_queries(client, url)
    assert len(few) == len(many), "\n\n".join(["1:", *few, "50:", *many])
    assert len([q for q in many if "mentions_mention" in q]) == 1
    assert len(mentioned_in(target)) == 50


def test_with_caching_on_a_rendered_list_costs_no_query(settings, course, target):
    settings.ANONYMOUS_PAGE_CACHE = True
    _add_mentions(course, target, 3)
    member = MembershipFactory(course=course).user
    client = Client()
    client.force_login(member)
    url = target.get_absolute_url()
    client.get(url)
    assert not [q for q in _page_queries(client, url) if "mentions_mention" in q]
    anonymous = Client()
    anonymous.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert anonymous.get(url).status_code == 200
    assert len(captured.captured_queries) == 0  # the whole page came from the cache


def test_saving_a_post_or_comment_without_links_reads_no_mentions(course, target):
    seed = PostFactory(course=course)
    with CaptureQueriesContext(connection) as captured:
        CommentFactory(post=seed, body="No links here.")
        PostFactory(course=course, author=seed.author, category=seed.category, body="Nor here.")
    assert not [q for q in captured.captured_queries if "mentions_mention" in q["sql"]]


def test_moderating_a_comment_does_not_recompute_its_links(course, target, instructor):
    comment = CommentFactory(post=PostFactory(course=course), status="pending", body=link_to(target))
    with CaptureQueriesContext(connection) as captured:
        comment_services.comment_approve(comment=comment, by=instructor)
    assert not [q for q in captured.captured_queries if "mentions_mention" in q["sql"]]
    assert Comment.objects.get(pk=comment.pk).is_approved


def test_a_draft_target_shows_its_mentions_to_those_who_may_read_it(course):
    author = MembershipFactory(course=course).user
    target = DraftFactory(course=course, author=author, title="Draft target")
    PostFactory(course=course, title="Source", body=f"[x](/c/{course.slug}/2026/1/1/{target.slug}/)")
    assert [text for text, _ in mentioned_in(target, user=author)] == ["Source"]
