"""The admin is ours: coursesite's name in the header and the title, and the instructors' index title."""

from tests.admin.conftest import soup


def test_admin_index_carries_our_name(client, course_a):
    client.force_login(course_a.instructor)
    response = client.get("/admin/")
    page = soup(response)
    assert page.select_one("#site-name").get_text(strip=True) == "coursesite"
    assert page.title.get_text(strip=True) == "Your courses | coursesite"
    assert page.select_one("#content h1").get_text(strip=True) == "Your courses"
    assert "Django administration" not in response.content.decode()


def test_admin_change_page_title_names_coursesite(client, course_a):
    client.force_login(course_a.instructor)
    response = client.get(f"/admin/courses/course/{course_a.course.pk}/change/")
    assert response.status_code == 200
    assert soup(response).title.get_text(strip=True).endswith("| coursesite")


def test_admin_log_in_page_carries_our_name(client, db):
    response = client.get("/admin/login/")
    page = soup(response)
    assert page.select_one("#site-name").get_text(strip=True) == "coursesite"
    assert "Django site admin" not in response.content.decode()


def test_moderation_list_shows_rendered_text_and_the_columns_that_matter(client, course_a):
    comment = course_a.objects["comments.comment"]
    comment.body = "A **bold** claim about [the Thaw](https://example.org)."
    comment.save()
    client.force_login(course_a.instructor)
    page = soup(client.get("/admin/comments/comment/"))
    headers = [th.get_text(" ", strip=True) for th in page.select("#result_list thead th")]
    assert [h for h in headers if h] == ["Comment", "Course", "Post", "Author", "Status", "Created at"]
    row = page.select_one("#result_list tbody tr")
    assert row.select_one(".field-excerpt").get_text(strip=True) == "A bold claim about the Thaw."
    assert row.select_one("td.field-post_title").get_text(strip=True) == "Post of A"
