"""What a search finds, and in which order: the same tests on SQLite (FTS5) and PostgreSQL."""

import pytest

from comments import services as comment_services
from posts import services as post_services
from posts.models import Tag
from tests.factories import CommentFactory, CourseFactory, DraftFactory, MembershipFactory, PostFactory

from .helpers import found, search, snippets

pytestmark = pytest.mark.django_db


def test_a_title_match_ranks_above_a_body_match(client, course):
    PostFactory(course=course, title="Letters home", body="The amnesty of 1953 freed many prisoners.")
    PostFactory(course=course, title="The amnesty of 1953", body="Who was freed, and who was not.")
    assert found(search(client, course, "amnesty")) == ["The amnesty of 1953", "Letters home"]


def test_a_post_ranks_above_a_comment_saying_the_same(client, course, post):
    CommentFactory(post=post, body="Freeze on the amnesty of 1953.")
    PostFactory(course=course, title="Week 5", body="Freeze on the amnesty of 1953.")
    assert found(search(client, course, "amnesty")) == ["Week 5", f"Comment on {post.title}"]


def test_every_word_must_appear(client, course):
    PostFactory(course=course, title="Gulag letters", body="Prisoners wrote home.")
    PostFactory(course=course, title="Gulag amnesty", body="Prisoners were released.")
    assert found(search(client, course, "gulag released")) == ["Gulag amnesty"]


def test_a_phrase_in_quotes_must_appear_as_written(client, course):
    PostFactory(course=course, title="One", body="The gulag amnesty of 1953.")
    PostFactory(course=course, title="Two", body="An amnesty, and then the gulag emptied.")
    assert found(search(client, course, '"gulag amnesty"')) == ["One"]
    assert sorted(found(search(client, course, "gulag amnesty"))) == ["One", "Two"]


def test_the_last_word_finds_the_words_it_begins(client, course):
    PostFactory(course=course, title="Soviet prisoners released", body="Under the 1953 amnesty.")
    assert found(search(client, course, "amnest")) == ["Soviet prisoners released"]
    assert found(search(client, course, "sovi amnest")) == []  # only the last word is a prefix
    assert found(search(client, course, "amnesty sovi")) == ["Soviet prisoners released"]


def test_word_forms_and_accents_are_found(client, course):
    PostFactory(course=course, title="Amnesties compared", body="Khrushchëv's speech, and the studies since.")
    assert found(search(client, course, "amnesty")) == ["Amnesties compared"]
    assert found(search(client, course, "khrushchev")) == ["Amnesties compared"]
    assert found(search(client, course, "study")) == ["Amnesties compared"]


def test_tags_are_searched(client, course):
    post = PostFactory(course=course, title="A week of sources", body="Nothing about it here.")
    post.tags.add(Tag.objects.create(course=course, name="Newspapers", slug="newspapers"))
    response = search(client, course, "newspapers")
    assert found(response) == ["A week of sources"]
    assert "<mark>Newspapers</mark>" in response.content.decode()


def test_approved_comments_are_found_and_link_to_their_anchor(client, course, post):
    comment = CommentFactory(post=post, body="Check out Caitlin's post on the thaw.")
    response = search(client, course, "caitlin")
    assert found(response) == [f"Comment on {post.title}"]
    assert f'href="{post.get_absolute_url()}#comment-{comment.pk}"' in response.content.decode()


def test_comments_awaiting_moderation_spam_or_removed_are_never_found(client, course, post, instructor):
    pending = CommentFactory(post=post, body="A held remark about samizdat.", status="pending")
    CommentFactory(post=post, body="Spam about samizdat.", status="spam")
    removed = CommentFactory(post=post, body="A removed samizdat comment.")
    comment_services.comment_remove(comment=removed, by=instructor)
    assert found(search(client, course, "samizdat")) == []
    comment_services.comment_approve(comment=pending, by=instructor)
    assert found(search(client, course, "samizdat")) == [f"Comment on {post.title}"]


def test_drafts_are_never_found_not_even_by_their_author(client, course, student):
    DraftFactory(course=course, author=student, title="My unfinished amnesty essay")
    client.force_login(student)
    assert found(search(client, course, "amnesty")) == []


def test_unpublishing_removes_a_post_and_its_comments_and_publishing_again_restores_them(
    client, course, post
):
    post.title = "The thaw in print"
    post.save()
    CommentFactory(post=post, body="The thaw reached the provinces late.")
    assert len(found(search(client, course, "thaw"))) == 2
    post_services.post_unpublish(post=post)
    assert found(search(client, course, "thaw")) == []
    post_services.post_publish(post=post)
    assert len(found(search(client, course, "thaw"))) == 2


def test_an_edit_is_found_at_once_and_the_old_words_are_gone(client, course, student):
    post = post_services.post_save(
        course=course, author=student, title="Sputnik", body="A satellite.", category=None, publish=True
    )
    post_services.post_save(
        post=post, course=course, author=student, title="Sputnik", body="A beeping sphere.", category=None
    )
    assert found(search(client, course, "satellite")) == []
    assert found(search(client, course, "beeping")) == ["Sputnik"]


def test_another_courses_posts_are_never_returned(client, course):
    other = CourseFactory()
    PostFactory(course=other, title="Amnesty elsewhere")
    PostFactory(course=course, title="Amnesty here")
    assert found(search(client, course, "amnesty")) == ["Amnesty here"]


def test_a_members_only_course_is_a_404_to_outsiders_and_found_by_members(
    client, members_only_course, outsider
):
    PostFactory(course=members_only_course, title="Closed amnesty")
    assert search(client, members_only_course, "amnesty").status_code == 404
    client.force_login(outsider)
    assert search(client, members_only_course, "amnesty").status_code == 404
    client.force_login(MembershipFactory(course=members_only_course).user)
    assert found(search(client, members_only_course, "amnesty")) == ["Closed amnesty"]


def test_html_in_the_text_is_shown_escaped(client, course):
    PostFactory(
        course=course,
        title="On <script>alert(1)</script> tags",
        body="Writers type `<script>alert(1)</script>` into essays about scripts.",
    )
    response = search(client, course, "alert")
    page = response.content.decode()
    assert found(response) == ["On <script>alert(1)</script> tags"]
    assert "<script>alert" not in page
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;<mark>alert</mark>" in snippets(response)[0]


def test_results_are_paginated_ten_a_page_with_a_count(client, course):
    for n in range(23):
        PostFactory(course=course, title=f"Kolkhoz report {n}")
    first = search(client, course, "kolkhoz")
    assert len(found(first)) == 10
    assert "23 results for" in " ".join(first.content.decode().split())
    third = search(client, course, "kolkhoz", page=3)
    assert len(found(third)) == 3
    assert set(found(first)).isdisjoint(found(third))
    pages = [found(search(client, course, "kolkhoz", page=n)) for n in (1, 2, 3)]
    assert len({title for page in pages for title in page}) == 23


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1e3", "٣", " 2", "9999999999999999999999"])
def test_a_bad_page_number_is_a_page_of_results_not_an_error(client, course, page):
    for n in range(12):
        PostFactory(course=course, title=f"Kolkhoz report {n}")
    assert len(found(search(client, course, "kolkhoz", page=page))) in (10, 2)


def test_a_page_past_the_last_shows_the_last(client, course):
    for n in range(12):
        PostFactory(course=course, title=f"Kolkhoz report {n}")
    assert len(found(search(client, course, "kolkhoz", page=50))) == 2
