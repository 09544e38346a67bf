"""Writing a post in the browser: drafts, publishing, editing, permalinks, refusals that lose nothing."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse

from posts.models import Category, Post
from tests.factories import CategoryFactory, CourseFactory, MembershipFactory, PostFactory

BODY = "The amnesty of **March 1953** released many.\n\nFreeze says so[^1].\n\n[^1]: Gregory Freeze, 415."


def write_url(course):
    return reverse("posts:write", kwargs={"course_slug": course.slug})


def form_values(response):
    """What the re-shown form holds, as the writer sees it."""
    page = BeautifulSoup(response.content, "html.parser")
    textarea = page.find("textarea", attrs={"name": "body"})
    selected = page.find("select", attrs={"name": "category"}).find("option", selected=True)
    return {
        "title": page.find("input", attrs={"name": "title"}).get("value", ""),
        "body": (textarea.string or "").removeprefix("\n").replace("\r\n", "\n"),
        "tags_text": page.find("input", attrs={"name": "tags_text"}).get("value", ""),
        "category": selected["value"] if selected else "",
    }


def errors_of(response):
    page = BeautifulSoup(response.content, "html.parser")
    return " ".join(ul.get_text(" ", strip=True) for ul in page.find_all("ul", class_="errorlist"))


def test_write_page_shows_the_editor(member_client, course):
    response = member_client.get(write_url(course))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("h1").text == "Write a post"
    assert page.find("textarea", attrs={"name": "body"}) is not None
    buttons = {b["value"]: b.text for b in page.find_all("button", attrs={"name": "action"})}
    assert buttons == {"publish": "Publish", "schedule": "Schedule", "draft": "Save draft"}
    assert page.find(attrs={"data-upload-url": reverse("posts:upload")}) is not None


def test_write_and_edit_pages_keep_the_course_navigation(member_client, course, member):
    post = PostFactory(course=course, author=member)
    for url in (write_url(course), post.get_edit_url()):
        nav = BeautifulSoup(member_client.get(url).content, "html.parser").find(
            "nav", attrs={"aria-label": "Course"}
        )
        links = {a.get_text(strip=True): a["href"] for a in nav.find_all("a")}
        assert links["Write a post"] == write_url(course)
        assert links["Drafts"] == reverse("posts:drafts", kwargs={"course_slug": course.slug})


def test_save_draft(member_client, course, member):
    response = member_client.post(
        write_url(course), {"title": "Half an idea", "body": BODY, "tags_text": "", "action": "draft"}
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == post.get_edit_url()
    assert post.status == Post.Status.DRAFT
    assert post.published_at is None
    assert post.author == member
    page = member_client.get(response["Location"])
    assert "Draft saved." in page.content.decode()
    assert form_values(page)["title"] == "Half an idea"
    assert form_values(page)["body"] == BODY
    # Nobody else sees it on the front page.
    member_client.logout()
    front = member_client.get(reverse("posts:front", kwargs={"course_slug": course.slug}))
    assert "Half an idea" not in front.content.decode()


def test_publish(member_client, course):
    response = member_client.post(
        write_url(course), {"title": "Prisoners Released", "body": BODY, "action": "publish"}
    )
    post = Post.objects.get()
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at is not None
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    page = member_client.get(response["Location"])
    body = page.content.decode()
    assert "Your post is published." in body
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.find("h1").text == "Prisoners Released"
    assert soup.find(class_="post-body").find("strong").text == "March 1953"
    assert "Kim Writer" in soup.find(class_="post-meta").text
    assert soup.find("section", class_="footnotes") is not None
    member_client.logout()
    front = member_client.get(reverse("posts:front", kwargs={"course_slug": course.slug}))
    assert "Prisoners Released" in front.content.decode()


def test_edit_own_post_keeps_its_permalink(member_client, course, member):
    post = PostFactory(course=course, author=member, title="First title", body="First body.")
    post.tags.set([])
    url = post.get_absolute_url()
    page = member_client.get(post.get_edit_url())
    assert form_values(page)["title"] == "First title"
    assert form_values(page)["body"] == "First body."
    response = member_client.post(
        post.get_edit_url(),
        {"title": "Better title", "body": "Better *body*.", "tags_text": "Thaw", "action": "publish"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Better title"
    assert post.is_published
    assert post.get_absolute_url() == url
    shown = member_client.get(url).content.decode()
    assert "Better title" in shown
    assert "<em>body</em>" in shown
    assert "First body" not in shown


def test_edit_page_shows_the_existing_tags(member_client, course, member):
    member_client.post(
        write_url(course), {"title": "Tagged", "body": "Text.", "tags_text": "Gulag, Thaw", "action": "draft"}
    )
    post = Post.objects.get()
    assert form_values(member_client.get(post.get_edit_url()))["tags_text"] == "Gulag, Thaw"


def test_unpublish_own_post(member_client, course, member):
    post = PostFactory(course=course, author=member, title="Second thoughts")
    edit = member_client.get(post.get_edit_url()).content.decode()
    unpublish = reverse("posts:unpublish", kwargs={"course_slug": course.slug, "slug": post.slug})
    assert f'action="{unpublish}"' in edit
    response = member_client.post(unpublish, follow=True)
    assert "The post is a draft again." in response.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    member_client.logout()
    assert member_client.get(post.get_absolute_url()).status_code == 404


def test_same_title_gets_a_different_slug_in_the_same_course(member_client, course):
    for _ in range(3):
        member_client.post(write_url(course), {"title": "The Thaw", "body": "Text.", "action": "publish"})
    posts = Post.objects.filter(course=course).order_by("pk")
    assert [p.slug for p in posts] == ["the-thaw", "the-thaw-2", "the-thaw-3"]
    for post in posts:
        assert member_client.get(post.get_absolute_url()).status_code == 200


def test_same_title_keeps_its_slug_in_another_course(client, course):
    other = CourseFactory()
    for each in (course, other):
        writer = MembershipFactory(course=each).user
        client.force_login(writer)
        client.post(write_url(each), {"title": "The Thaw", "body": "Text.", "action": "publish"})
    assert sorted(Post.objects.values_list("course__slug", "slug")) == sorted(
        [(course.slug, "the-thaw"), (other.slug, "the-thaw")]
    )


def test_title_without_latin_letters_still_gets_a_slug(member_client, course):
    member_client.post(write_url(course), {"title": "Оттепель", "body": "Text.", "action": "publish"})
    post = Post.objects.get()
    assert post.slug
    page = member_client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert "Оттепель" in page.content.decode()


def test_default_category_is_uncategorized(member_client, course):
    member_client.post(write_url(course), {"title": "No category", "body": "Text.", "action": "publish"})
    post = Post.objects.get()
    assert post.category.name == "Uncategorized"
    assert post.category.course == course
    page = BeautifulSoup(member_client.get(post.get_absolute_url()).content, "html.parser")
    footer = page.find(class_="post-footer")
    assert "This entry was posted in Uncategorized" in footer.get_text(" ", strip=True)
    assert footer.find("a", string="Uncategorized")["href"] == post.category.get_absolute_url()


def test_chosen_category(member_client, course):
    culture = CategoryFactory(course=course, name="Culture", slug="culture")
    page = BeautifulSoup(member_client.get(write_url(course)).content, "html.parser")
    options = [o.text for o in page.find("select", attrs={"name": "category"}).find_all("option")]
    assert options == ["Uncategorized", "Culture"]
    member_client.post(
        write_url(course), {"title": "Novy Mir", "body": "Text.", "category": culture.pk, "action": "publish"}
    )
    post = Post.objects.get()
    assert post.category == culture
    listing = member_client.get(culture.get_absolute_url()).content.decode()
    assert "Novy Mir" in listing


def test_uncategorized_is_offered_once_and_kept_on_edit(member_client, course, member):
    CategoryFactory(course=course, name="Culture", slug="culture")
    member_client.post(write_url(course), {"title": "First", "body": "Text.", "action": "publish"})
    post = Post.objects.get()
    assert post.category.name == "Uncategorized"

    def options(url):
        page = BeautifulSoup(member_client.get(url).content, "html.parser")
        select = page.find("select", attrs={"name": "category"})
        chosen = select.find("option", selected=True)
        return [o.text for o in select.find_all("option")], chosen.text if chosen else None

    assert options(write_url(course))[0] == ["Uncategorized", "Culture"]
    labels, chosen = options(post.get_edit_url())
    assert labels == ["Uncategorized", "Culture"]
    assert chosen in (None, "Uncategorized")  # nothing selected shows the first option
    member_client.post(
        post.get_edit_url(), {"title": "First", "body": "Edited.", "category": "", "action": "publish"}
    )
    post.refresh_from_db()
    assert post.category.name == "Uncategorized"
    assert Category.objects.filter(course=course, name="Uncategorized").count() == 1


def test_another_courses_category_is_refused(member_client, course):
    foreign = CategoryFactory(course=CourseFactory(), name="Elsewhere", slug="elsewhere")
    response = member_client.post(
        write_url(course), {"title": "Sneaky", "body": "Text.", "category": foreign.pk, "action": "publish"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in errors_of(response)
    assert form_values(response)["body"] == "Text."
    assert not Post.objects.exists()


def test_tags_from_comma_separated_text(member_client, course):
    member_client.post(
        write_url(course),
        {
            "title": "Tags",
            "body": "Text.",
            "tags_text": "Gulag, Khrushchev,gulag, ,  Thaw  ",
            "action": "publish",
        },
    )
    post = Post.objects.get()
    assert sorted(t.name for t in post.tags.all()) == ["Gulag", "Khrushchev", "Thaw"]
    page = BeautifulSoup(member_client.get(post.get_absolute_url()).content, "html.parser")
    tag_links = {a.text: a["href"] for a in page.find_all("a", rel="tag")}
    assert set(tag_links) == {"Gulag", "Khrushchev", "Thaw"}
    archive = member_client.get(tag_links["Khrushchev"])
    assert archive.status_code == 200
    assert "Tags" in archive.content.decode()
    # Editing the tag text replaces the tags.
    member_client.post(
        post.get_edit_url(), {"title": "Tags", "body": "Text.", "tags_text": "Thaw", "action": "publish"}
    )
    assert [t.name for t in post.tags.all()] == ["Thaw"]


def test_title_is_required_and_the_body_is_kept(member_client, course):
    response = member_client.post(
        write_url(course), {"title": "", "body": BODY, "tags_text": "Gulag", "action": "publish"}
    )
    assert response.status_code == 400
    assert "This field is required." in errors_of(response)
    assert form_values(response)["body"] == BODY
    assert form_values(response)["tags_text"] == "Gulag"
    assert not Post.objects.exists()


def test_title_is_shown_as_text(member_client, course):
    member_client.post(
        write_url(course), {"title": "<script>alert(1)</script>", "body": "Text.", "action": "publish"}
    )
    post = Post.objects.get()
    page = member_client.get(post.get_absolute_url())
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.find("h1").text == "<script>alert(1)</script>"
    assert not [s for s in soup.find_all("script") if "alert(1)" in (s.string or "")]


# --- Images without alt text -----------------------------------------------------------

NO_ALT_BODY = (
    "A photograph:\n\n"
    '![A wooden fence](/media/posts/2026/11/fence.jpg "Fence | Credit")\n\n'
    "And a second one:\n\n"
    "![](/media/posts/2026/11/Kx3-portrait_q.jpg)\n"
)


def test_publishing_an_image_without_alt_text_is_refused(member_client, course):
    culture = CategoryFactory(course=course, name="Culture", slug="culture")
    data = {
        "title": "With pictures",
        "body": NO_ALT_BODY,
        "tags_text": "Gulag, Thaw",
        "category": culture.pk,
        "action": "publish",
    }
    response = member_client.post(write_url(course), data)
    assert response.status_code == 400
    message = errors_of(response)
    assert "Kx3-portrait_q.jpg has none." in message
    assert "fence.jpg" not in message
    assert "alt text" in message
    # Nothing the writer typed is lost.
    assert form_values(response) == {
        "title": "With pictures",
        "body": NO_ALT_BODY,
        "tags_text": "Gulag, Thaw",
        "category": str(culture.pk),
    }
    assert not Post.objects.exists()


def test_the_refusal_names_every_image_without_alt_text(member_client, course):
    body = "\n\n".join(
        [
            "![](/media/posts/a1.png)",
            "![ok](/media/posts/b2.png)",
            "![](/media/posts/c3.gif)",
            "![ ](/media/posts/d4.jpg)",
        ]
    )
    response = member_client.post(write_url(course), {"title": "Three", "body": body, "action": "publish"})
    assert response.status_code == 400
    assert "a1.png, c3.gif and d4.jpg have none." in errors_of(response)
    assert "b2.png" not in errors_of(response)


def test_a_draft_may_have_images_without_alt_text(member_client, course):
    response = member_client.post(
        write_url(course), {"title": "Later", "body": NO_ALT_BODY, "action": "draft"}
    )
    assert response.status_code == 302
    assert Post.objects.get().status == Post.Status.DRAFT


def test_publishing_a_draft_with_an_image_without_alt_text_keeps_it_a_draft(member_client, course, member):
    member_client.post(write_url(course), {"title": "Later", "body": "Fine so far.", "action": "draft"})
    post = Post.objects.get()
    response = member_client.post(
        post.get_edit_url(), {"title": "Later", "body": NO_ALT_BODY, "tags_text": "Thaw", "action": "publish"}
    )
    assert response.status_code == 400
    assert "Kx3-portrait_q.jpg" in errors_of(response)
    assert form_values(response)["body"] == NO_ALT_BODY
    assert form_values(response)["tags_text"] == "Thaw"
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert post.body == "Fine so far."


def test_updating_a_published_post_with_an_image_without_alt_text_is_refused(member_client, course, member):
    post = PostFactory(course=course, author=member, title="Published", body="Fine.")
    response = member_client.post(
        post.get_edit_url(), {"title": "Published, changed", "body": NO_ALT_BODY, "action": "publish"}
    )
    assert response.status_code == 400
    assert "Kx3-portrait_q.jpg" in errors_of(response)
    assert form_values(response)["title"] == "Published, changed"
    post.refresh_from_db()
    assert (post.title, post.body, post.is_published) == ("Published", "Fine.", True)


def test_body_too_long_is_refused_with_a_message(member_client, course, settings):
    settings.POST_BODY_MAX_CHARS = 200
    body = "word " * 60
    response = member_client.post(write_url(course), {"title": "Long", "body": body, "action": "publish"})
    assert response.status_code == 400
    assert "the limit is 200" in errors_of(response)
    assert form_values(response)["body"] == body
    assert not Post.objects.exists()


# --- Permalinks ----------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 3, 5, 14, 30, tzinfo=datetime.UTC), tick=False)
def test_permalink_has_the_course_and_the_date(member_client, course):
    member_client.post(write_url(course), {"title": "Dated post", "body": "Text.", "action": "publish"})
    post = Post.objects.get()
    assert post.get_absolute_url() == f"/c/{course.slug}/2026/3/5/dated-post/"
    page = BeautifulSoup(member_client.get(post.get_absolute_url()).content, "html.parser")
    assert page.find("a", rel="bookmark")["href"] == post.get_absolute_url()
    assert page.find("time")["datetime"].startswith("2026-03-05")
    assert page.find("time").text == "March 5, 2026"


@pytest.mark.parametrize("wrong", [(2025, 3, 5), (2026, 4, 5), (2026, 3, 6), (2026, 3, 99)])
def test_wrong_date_in_the_url_redirects_to_the_permalink(client, course, wrong):
    post = PostFactory(course=course, published_at=datetime.datetime(2026, 3, 5, 14, 30, tzinfo=datetime.UTC))
    year, month, day = wrong
    url = reverse(
        "posts:detail",
        kwargs={"course_slug": course.slug, "year": year, "month": month, "day": day, "slug": post.slug},
    )
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_unknown_slug_is_404(client, course):
    url = reverse(
        "posts:detail",
        kwargs={"course_slug": course.slug, "year": 2026, "month": 3, "day": 5, "slug": "nothing"},
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(("year", "month"), [(2026, 13), (2026, 0), (0, 5), (10000, 1), (9999, 12)])
def test_impossible_month_archive_is_404(client, course, year, month):
    url = reverse("posts:archive-month", kwargs={"course_slug": course.slug, "year": year, "month": month})
    assert client.get(url).status_code == 404


def test_month_archive_lists_that_months_posts(client, course):
    march = PostFactory(
        course=course,
        title="In March",
        published_at=datetime.datetime(2026, 3, 31, 23, 0, tzinfo=datetime.UTC),
    )
    april = PostFactory(
        course=course,
        title="In April",
        published_at=datetime.datetime(2026, 4, 1, 0, 30, tzinfo=datetime.UTC),
    )
    url = reverse("posts:archive-month", kwargs={"course_slug": course.slug, "year": 2026, "month": 3})
    body = client.get(url).content.decode()
    assert "Posts from March 2026" in body
    assert march.title in body
    assert april.title not in body


def test_front_page_shows_ten_newest_first_and_pages(client, course):
    now = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    for n in range(12):
        PostFactory(course=course, title=f"Week {n:02d}", published_at=now + datetime.timedelta(days=n))
    front = reverse("posts:front", kwargs={"course_slug": course.slug})
    page = BeautifulSoup(client.get(front).content, "html.parser")
    titles = [h.text.strip() for h in page.find_all(class_="post-title")]
    assert titles == [f"Week {n:02d}" for n in range(11, 1, -1)]
    assert page.find("a", rel="next")["href"] == "?page=2"
    page2 = BeautifulSoup(client.get(front, {"page": 2}).content, "html.parser")
    assert [h.text.strip() for h in page2.find_all(class_="post-title")] == ["Week 01", "Week 00"]


def test_front_page_summary_shows_author_date_excerpt_and_category(client, course):
    writer = MembershipFactory(course=course, display_name="Comrade Pseudonym").user
    culture = CategoryFactory(course=course, name="Culture", slug="culture")
    PostFactory(
        course=course,
        author=writer,
        category=culture,
        title="Summary post",
        body="An **opening** sentence about the Thaw.",
        published_at=datetime.datetime(2026, 3, 5, 12, tzinfo=datetime.UTC),
    )
    page = BeautifulSoup(
        client.get(reverse("posts:front", kwargs={"course_slug": course.slug})).content, "html.parser"
    )
    summary = page.find(class_="post-summary")
    text = summary.get_text(" ", strip=True)
    assert "Comrade Pseudonym" in text
    assert writer.username not in text
    assert "March 5, 2026" in text
    assert "Culture" in text
    assert summary.find(class_="excerpt").text == "An opening sentence about the Thaw."


def test_excerpt_is_the_opening_prose_without_captions_or_footnotes(client, course):
    PostFactory(
        course=course,
        title="Illustrated",
        body=(
            '![A fence](/media/posts/fence.jpg "Fence at the old Gulag | Gulag Image retrieved from: X")\n\n'
            "After Stalin’s death, reforms began[^1] & the camps emptied.\n\n"
            "[^1]: Gregory Freeze, *Russia: A History*, 415."
        ),
    )
    page = BeautifulSoup(
        client.get(reverse("posts:front", kwargs={"course_slug": course.slug})).content, "html.parser"
    )
    assert page.find(class_="excerpt").text == "After Stalin’s death, reforms began & the camps emptied."


def test_category_list_in_the_sidebar_links_to_its_archive(client, course):
    culture = CategoryFactory(course=course, name="Culture", slug="culture")
    page = BeautifulSoup(
        client.get(reverse("posts:front", kwargs={"course_slug": course.slug})).content, "html.parser"
    )
    assert page.find("aside").find("a", string="Culture")["href"] == culture.get_absolute_url()
    assert client.get(culture.get_absolute_url()).status_code == 200
    assert Category.objects.filter(course=course).count() == 1


def test_a_post_published_again_keeps_its_date_and_permalink(client, db):
    from posts import services as post_services
    from tests.factories import MembershipFactory

    member = MembershipFactory()
    post = post_services.post_save(
        course=member.course, author=member.user, title="Back again", body="Text", category=None, publish=True
    )
    first_url, first_date = post.get_absolute_url(), post.published_at
    post_services.post_unpublish(post=post)
    client.force_login(member.user)
    response = client.post(post.get_edit_url(), {"title": "Back again", "body": "Text", "action": "publish"})
    post.refresh_from_db()
    assert response.status_code == 302
    assert post.is_published
    assert post.published_at == first_date
    assert post.get_absolute_url() == first_url
