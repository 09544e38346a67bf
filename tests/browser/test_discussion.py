"""Classmates answer a post: a comment and a nested reply, moderation of a first comment in the admin."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from courses import services as course_services
from tests.factories import CommentFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.browser


def open_as(new_context, log_in, user):
    context = new_context()
    if user is not None:
        log_in(user, into=context)
    return context.new_page()


def test_comment_reply_nested_moderated_then_approved_in_the_admin(
    page, new_context, log_in, course, post, instructor
):
    regular = MembershipFactory(course=course, display_name="Caitlin M.").user
    CommentFactory(post=PostFactory(course=course), author=regular)  # approved before: not held again
    newcomer = MembershipFactory(course=course, display_name="Dima M.").user

    # A classmate with approved comments behind her answers at once.
    log_in(regular)
    page.goto(post.get_absolute_url())
    expect(page.get_by_role("heading", name="Leave a Reply")).to_be_visible()
    page.get_by_role("textbox", name="Comment").fill("Check out my post on the same source.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_role("heading", name=f"1 Response to {post.title}")).to_be_visible()
    first = Comment.objects.get(post=post, author=regular)

    # A newcomer replies to her; the form moves under her comment.
    newcomer_page = open_as(new_context, log_in, newcomer)
    newcomer_page.goto(post.get_absolute_url())
    newcomer_page.get_by_role("link", name="Reply to Caitlin M.").click()
    expect(newcomer_page.get_by_role("heading", name="Reply to Caitlin M.")).to_be_visible()
    expect(newcomer_page.get_by_role("textbox", name="Comment")).to_be_focused()
    newcomer_page.keyboard.type("Which source do you mean?")
    newcomer_page.get_by_role("button", name="Post Comment").click()
    reply_item = newcomer_page.locator(f"#comment-{first.pk} > ol.children > li").filter(
        has_text="Which source do you mean?"
    )
    expect(reply_item).to_contain_text("Your comment is awaiting moderation.")

    # Held: nobody but its author sees it, not the classmate, not a visitor.
    for reader in (page, open_as(new_context, log_in, None)):
        reader.goto(post.get_absolute_url())
        expect(reader.get_by_text("Check out my post on the same source.")).to_be_visible()
        expect(reader.get_by_text("Which source do you mean?")).to_have_count(0)

    # The instructor approves it in the admin.
    course_services.instructor_grant(user=instructor)
    admin = open_as(new_context, log_in, instructor)
    admin.goto(reverse("admin:comments_comment_changelist"))
    reply = Comment.objects.get(post=post, author=newcomer)
    row = admin.locator("#result_list tr").filter(has_text="Which source do you mean?")
    row.get_by_role("checkbox").check()
    admin.locator("select[name=action]").select_option(label="Approve selected comments")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("1")
    reply.refresh_from_db()
    assert reply.is_approved

    # Everyone now sees the thread, the reply nested under the comment it answers.
    visitor = open_as(new_context, log_in, None)
    visitor.goto(post.get_absolute_url())
    expect(visitor.get_by_role("heading", name=f"2 Responses to {post.title}")).to_be_visible()
    thread = visitor.locator("ol.comment-list")
    top = thread.locator(":scope > li")
    expect(top).to_have_count(1)
    expect(top.locator(".comment-content").first).to_have_text("Check out my post on the same source.")
    nested = top.locator(":scope > ol.children > li")
    expect(nested).to_have_count(1)
    expect(nested).to_contain_text("Dima M.")
    expect(nested).to_contain_text("Which source do you mean?")
    expect(visitor.get_by_text("awaiting moderation")).to_have_count(0)
