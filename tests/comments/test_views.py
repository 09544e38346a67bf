"""What a reader sees under a post, and who may comment."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from comments import services
from comments.models import Comment
from tests.factories import (
    CommentFactory,
    CourseFactory,
    DraftFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
)

from .conftest import create_url

pytestmark = pytest.mark.django_db


def section(response):
    return BeautifulSoup(response.content, "html.parser").find(id="comments")


def top_level_items(response):
    return section(response).find("ol", class_="comment-list").find_all("li", recursive=False)


# --- order, numbering, nesting, count ---------------------------------------------


def test_top_level_comments_are_a_numbered_list_in_order_with_name_says_date_and_reply(client, post):
    first = CommentFactory(post=post, body="First thoughts.")
    second = CommentFactory(post=post, body="Second thoughts.")
    services.recount(post=post)
    response = client.get(post.get_absolute_url())
    items = top_level_items(response)
    assert [li["id"] for li in items] == [f"comment-{first.pk}", f"comment-{second.pk}"]
    text = items[0].get_text(" ", strip=True)
    assert f"{first.author.memberships.get().display_name} says:" in text
    assert "First thoughts." in text
    permalink = items[0].find("a", href=f"#comment-{first.pk}")
    assert permalink is not None and permalink.find("time")


def test_heading_counts_approved_comments_and_says_response_for_one(client, post):
    CommentFactory(post=post)
    CommentFactory(post=post, status=Comment.Status.PENDING)
    CommentFactory(post=post, status=Comment.Status.SPAM)
    services.recount(post=post)
    response = client.get(post.get_absolute_url())
    assert section(response).find("h2").get_text(strip=True) == f"1 Response to {post.title}"


def test_replies_nest_under_their_parent(client, post):
    parent = CommentFactory(post=post, body="Parent")
    reply = CommentFactory(post=post, parent=parent, body="Reply")
    reply_to_reply = CommentFactory(post=post, parent=reply, body="Reply to reply")
    later_top = CommentFactory(post=post, body="Later top")
    response = client.get(post.get_absolute_url())
    items = top_level_items(response)
    assert [li["id"] for li in items] == [f"comment-{parent.pk}", f"comment-{later_top.pk}"]
    children = items[0].find("ol", class_="children").find_all("li", recursive=False)
    assert [li["id"] for li in children] == [f"comment-{reply.pk}"]
    grandchildren = children[0].find("ol", class_="children").find_all("li", recursive=False)
    assert [li["id"] for li in grandchildren] == [f"comment-{reply_to_reply.pk}"]


def test_lists_show_the_count_of_approved_comments(client, post, trusted_member):
    services.comment_create(post=post, author=trusted_member, body="A second one")
    response = client.get(reverse("posts:front", kwargs={"course_slug": post.course.slug}))
    assert "2 Responses" in response.content.decode()


def test_instructor_comments_are_marked(client, post, instructor):
    comment = CommentFactory(post=post, author=instructor, body="From the front of the room.")
    response = client.get(post.get_absolute_url())
    item = section(response).find(id=f"comment-{comment.pk}")
    assert "by-instructor" in item["class"]
    assert item.find(class_="badge-instructor").get_text(strip=True) == "Instructor"


def test_reply_link_without_javascript_renders_the_form_under_that_comment(client, post, member):
    target = CommentFactory(post=post)
    client.force_login(member)
    plain = client.get(post.get_absolute_url())
    link = section(plain).find(id=f"comment-{target.pk}").find("a", class_="comment-reply-link")
    assert link["href"] == f"?replyto={target.pk}#respond"
    response = client.get(post.get_absolute_url() + link["href"].split("#")[0])
    form_place = section(response).find(id=f"comment-{target.pk}").find(id="respond")
    assert form_place is not None
    assert form_place.find("input", attrs={"name": "parent"})["value"] == str(target.pk)
    assert "Reply to" in form_place.find("h2").get_text()


def test_leave_a_reply_form_is_at_the_end(client, post, member):
    client.force_login(member)
    response = client.get(post.get_absolute_url())
    respond = section(response).find(id="respond-home").find(id="respond")
    assert respond.find("h2").get_text(strip=True) == "Leave a Reply"
    assert respond.find("form")["action"] == create_url(post)


def test_page_has_no_inline_script(client, post, member):
    CommentFactory(post=post)
    client.force_login(member)
    soup = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    for script in soup.find_all("script"):
        assert script.get("src"), "inline scripts break the strict CSP"
    assert not [tag for tag in soup.find_all(True) if any(a.startswith("on") for a in tag.attrs)]


# --- who sees what ----------------------------------------------------------------


def test_pending_comment_is_shown_only_to_its_author_and_instructors(client, post, member, instructor):
    pending = CommentFactory(post=post, author=member, status=Comment.Status.PENDING, body="Held text")
    other = MembershipFactory(course=post.course).user
    client.force_login(member)
    mine = section(client.get(post.get_absolute_url())).find(id=f"comment-{pending.pk}")
    assert "Your comment is awaiting moderation." in mine.get_text()
    client.force_login(other)
    assert "Held text" not in client.get(post.get_absolute_url()).content.decode()
    client.logout()
    assert "Held text" not in client.get(post.get_absolute_url()).content.decode()
    client.force_login(instructor)
    item = section(client.get(post.get_absolute_url())).find(id=f"comment-{pending.pk}")
    assert item.find("button", attrs={"value": "approve"}) is not None


def test_removed_comment_with_replies_leaves_a_placeholder_and_spam_is_never_shown(client, post):
    removed = CommentFactory(post=post, status=Comment.Status.REMOVED, body="Rude words")
    CommentFactory(post=post, parent=removed, body="A reply that stays")
    CommentFactory(post=post, status=Comment.Status.REMOVED, body="Removed leaf")
    spam = CommentFactory(post=post, status=Comment.Status.SPAM, body="Buy cheap essays")
    CommentFactory(post=post, parent=spam, body="Reply to spam")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "This comment was removed." in html
    assert "A reply that stays" in html
    assert "Rude words" not in html
    assert "Removed leaf" not in html
    assert "Buy cheap essays" not in html


# --- who may comment: the matrix ------------------------------------------------------


@pytest.fixture
def members_post(members_only_course):
    return PostFactory(course=members_only_course)


@pytest.mark.parametrize(
    ("who", "public_status", "members_status"),
    [
        ("anonymous", 403, 404),
        ("outsider", 403, 404),
        ("member", 302, 302),
        ("author", 302, 302),
        ("instructor", 302, 302),
        ("other_instructor", 403, 404),
    ],
)
def test_who_may_comment(client, course, members_only_course, who, public_status, members_status):
    for target_course, expected in ((course, public_status), (members_only_course, members_status)):
        post = PostFactory(course=target_course)
        users = {
            "anonymous": None,
            "outsider": MembershipFactory(course=CourseFactory()).user,
            "member": MembershipFactory(course=target_course).user,
            "author": post.author,
            "instructor": InstructorFactory(course=target_course).user,
            "other_instructor": InstructorFactory(course=CourseFactory()).user,
        }
        client.logout()
        if users[who] is not None:
            client.force_login(users[who])
        response = client.post(create_url(post), {"body": f"Comment by {who}"})
        assert response.status_code == expected, (who, target_course.visibility)
        assert Comment.objects.filter(post=post).exists() == (expected == 302)


def test_refusal_says_why(client, post, outsider):
    client.force_login(outsider)
    response = client.post(create_url(post), {"body": "hello"})
    assert response.status_code == 403
    assert "Only members of this course can comment" in response.content.decode()


@pytest.mark.parametrize("who", ["author", "instructor", "member"])
def test_nobody_comments_on_a_draft(client, course, who):
    draft = DraftFactory(course=course)
    users = {
        "author": draft.author,
        "instructor": InstructorFactory(course=course).user,
        "member": MembershipFactory(course=course).user,
    }
    client.force_login(users[who])
    response = client.post(create_url(draft), {"body": "On a draft"})
    # The member cannot even see the draft (404); the others see it but may not comment (403).
    assert response.status_code == (404 if who == "member" else 403)
    assert not Comment.objects.exists()


def test_draft_page_shows_no_comment_form(client, course):
    draft = DraftFactory(course=course)
    client.force_login(draft.author)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "Comments open when the post is published." in html
    assert 'class="comment-form"' not in html


def test_anonymous_reader_is_invited_to_log_in(client, post):
    respond = section(client.get(post.get_absolute_url())).find(id="respond")
    assert respond.find("a", string="Log in") is not None
    assert respond.find("form") is None


def test_guest_may_comment_when_the_course_allows_it_and_is_always_held(client, course, post):
    course.allow_guest_comments = True
    course.save()
    form = section(client.get(post.get_absolute_url())).find("form", class_="comment-form")
    assert form.find("input", attrs={"name": "guest_name"}) is not None
    response = client.post(
        create_url(post), {"guest_name": "Visiting Vera", "guest_email": "vera@example.org", "body": "Hello!"}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.is_guest and comment.status == Comment.Status.PENDING
    assert comment.author_name == "Visiting Vera"


def test_guest_comments_never_on_a_members_only_course(client, members_only_course):
    members_only_course.allow_guest_comments = True
    members_only_course.save()
    post = PostFactory(course=members_only_course)
    response = client.post(
        create_url(post), {"guest_name": "V", "guest_email": "v@example.org", "body": "Hi"}
    )
    assert response.status_code == 404


def test_guest_needs_name_and_email_and_keeps_the_text(client, course, post):
    course.allow_guest_comments = True
    course.save()
    response = client.post(create_url(post), {"body": "My guest words"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give a name to show with your comment." in html
    assert "My guest words" in html


# --- posting and failing ------------------------------------------------------------


def test_member_comment_redirects_to_its_anchor(client, post, trusted_member):
    client.force_login(trusted_member)
    response = client.post(create_url(post), {"body": "Nice *work*"})
    comment = Comment.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()
    assert comment.status == Comment.Status.APPROVED


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Write something before you send your comment."),
        ("x" * 10_001, "A comment can be at most 10000 characters"),
    ],
)
def test_failed_submission_shows_the_error_on_the_post_page_and_keeps_the_text(
    client, post, member, body, message
):
    client.force_login(member)
    response = client.post(create_url(post), {"body": body})
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("h1").get_text(strip=True) == post.title
    field = soup.find("textarea", attrs={"name": "body"})
    assert message in soup.find(id="id_body_error").get_text()
    assert "id_body_error" in field["aria-describedby"]
    assert field.get_text().strip() == body.strip()
    assert not Comment.objects.exists()


def test_failed_reply_keeps_the_form_under_the_comment(client, post, member):
    target = CommentFactory(post=post)
    client.force_login(member)
    response = client.post(create_url(post), {"body": "", "parent": target.pk})
    assert response.status_code == 400
    place = section(response).find(id=f"comment-{target.pk}").find(id="respond")
    assert place is not None


def test_get_is_not_allowed_on_the_create_url(client, post, member):
    client.force_login(member)
    assert client.get(create_url(post)).status_code == 405


# --- depth limit -------------------------------------------------------------------------


def test_reply_to_the_deepest_level_attaches_at_that_level(client, course, post, trusted_member):
    course.max_comment_depth = 2
    course.save()
    top = CommentFactory(post=post)
    second = CommentFactory(post=post, parent=top)
    client.force_login(trusted_member)
    client.post(create_url(post), {"body": "Reply to the deepest", "parent": second.pk})
    reply = Comment.objects.get(body="Reply to the deepest")
    assert (reply.parent_id, reply.depth) == (top.pk, 2)
    html = section(client.get(post.get_absolute_url()))
    children = html.find(id=f"comment-{top.pk}").find("ol", class_="children").find_all("li", recursive=False)
    assert [li["id"] for li in children] == [f"comment-{second.pk}", f"comment-{reply.pk}"]


def test_with_depth_one_every_reply_is_top_level(course, post, trusted_member):
    course.max_comment_depth = 1
    course.save()
    top = CommentFactory(post=post)
    reply = services.comment_create(post=post, author=trusted_member, body="flat", parent=top)
    assert reply.parent is None and reply.depth == 1


# --- speed: the thread is one query ------------------------------------------------------


def _thread(post, n):
    """n approved comments: a third top-level, the rest replies up to five deep."""
    course = post.course
    authors = [MembershipFactory(course=course).user for _ in range(5)]
    made = []
    for i in range(n):
        parent = made[i // 3] if i % 3 and made and made[i // 3].depth < 5 else None
        made.append(CommentFactory(post=post, author=authors[i % 5], parent=parent))
    services.recount(post=post)


def _count_queries(client, post):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("as_instructor", [False, True])
def test_post_page_queries_do_not_grow_with_the_thread(
    client, course, instructor, as_instructor, django_assert_num_queries
):
    small, large = PostFactory(course=course), PostFactory(course=course)
    _thread(small, 5)
    _thread(large, 200)
    viewer = instructor if as_instructor else MembershipFactory(course=course).user
    client.force_login(viewer)
    small_count = _count_queries(client, small)
    with django_assert_num_queries(small_count):
        response = client.get(large.get_absolute_url())
    assert f"200 Responses to {large.title}" in response.content.decode()
    assert len(section(response).find_all("li", class_="comment")) == 200
