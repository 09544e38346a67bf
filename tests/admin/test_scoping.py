"""The scoping matrix: instructor A against course B at every admin entry point."""

import json

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from courses.admin_scoping import CourseScopedAdminMixin, course_path_for
from courses.models import Membership
from tests.admin.conftest import soup

# Every model of a course that has an admin; the matrix runs over those registered.
COURSE_MODELS = [
    "courses.course",
    "courses.membership",
    "posts.post",
    "posts.category",
    "posts.tag",
    "comments.comment",
    "awards.awardtype",
    "awards.award",
    "awards.editorialterm",
]
REGISTERED = [label for label in COURSE_MODELS if apps.get_model(label) in admin.site._registry]


def admin_url(label, view, *args):
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def listed_pks(response, label):
    """The primary keys of the rows of a change list (the action checkboxes)."""
    return {int(box["value"]) for box in soup(response).select(f'input[name="{ACTION_CHECKBOX_NAME}"]')} or {
        int(a["href"].rstrip("/").split("/")[-2])
        for a in soup(response).select("#result_list th a, #result_list td a")
        if "/change/" in a.get("href", "")
    }


def test_every_course_model_admin_is_in_the_matrix():
    """A new admin for a course's model must join the matrix (and so be scoped)."""
    for model in admin.site._registry:
        if model._meta.app_label in ("courses", "posts", "comments", "awards") and course_path_for(model):
            assert model._meta.label_lower in COURSE_MODELS, f"{model} has an admin but no scoping test"


@pytest.mark.parametrize("label", REGISTERED)
def test_every_course_model_admin_uses_the_scoping_mixin(label):
    assert isinstance(admin.site._registry[apps.get_model(label)], CourseScopedAdminMixin)


def test_instructors_have_no_permission_on_users(course_a, client):
    client.force_login(course_a.instructor)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


@pytest.mark.parametrize("label", REGISTERED)
def test_change_list_shows_only_own_course(label, course_a, course_b, client):
    client.force_login(course_a.instructor)
    response = client.get(admin_url(label, "changelist"))
    assert response.status_code == 200
    pks = listed_pks(response, label)
    assert course_a.objects[label].pk in pks
    assert course_b.objects[label].pk not in pks


@pytest.mark.parametrize("label", REGISTERED)
def test_raw_id_lookup_popup_shows_only_own_course(label, course_a, course_b, client):
    client.force_login(course_a.instructor)
    response = client.get(admin_url(label, "changelist"), {"_to_field": "id", "_popup": "1"})
    assert response.status_code == 200
    text = response.content.decode()
    assert f'data-popup-opener="{course_a.objects[label].pk}"' in text
    assert f'data-popup-opener="{course_b.objects[label].pk}"' not in text


@pytest.mark.parametrize("label", REGISTERED)
def test_superuser_sees_both_courses(label, course_a, course_b, superuser, client):
    client.force_login(superuser)
    pks = listed_pks(client.get(admin_url(label, "changelist")), label)
    assert {course_a.objects[label].pk, course_b.objects[label].pk} <= pks


@pytest.mark.parametrize("view", ["change", "delete", "history"])
@pytest.mark.parametrize("label", REGISTERED)
def test_other_course_object_pages_are_404_or_403(label, view, course_a, course_b, client):
    client.force_login(course_a.instructor)
    own = client.get(admin_url(label, view, course_a.objects[label].pk))
    other = client.get(admin_url(label, view, course_b.objects[label].pk))
    # Their own object opens (or is refused by model permission: no deleting posts, say)...
    assert own.status_code in (200, 403)
    if view != "delete":
        assert own.status_code == 200
    # ...and the other course's object is never shown.
    assert other.status_code in (403, 404)
    assert str(course_b.objects[label]) not in other.content.decode()


@pytest.mark.parametrize("view", ["change", "delete"])
@pytest.mark.parametrize("label", REGISTERED)
def test_posting_to_other_course_object_changes_nothing(label, view, course_a, course_b, client):
    client.force_login(course_a.instructor)
    other = course_b.objects[label]
    before = {f.attname: getattr(other, f.attname) for f in other._meta.concrete_fields}
    response = client.post(admin_url(label, view, other.pk), {"post": "yes"})
    assert response.status_code in (403, 404)
    other.refresh_from_db()
    assert {f.attname: getattr(other, f.attname) for f in other._meta.concrete_fields} == before


def _post_action(client, label, action, pks):
    return client.post(
        admin_url(label, "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [str(pk) for pk in pks], "index": "0", "post": "yes"},
        follow=True,
    )


def test_unpublish_on_mixed_selection_is_refused_whole(course_a, course_b, client):
    post_a, post_b = course_a.objects["posts.post"], course_b.objects["posts.post"]
    client.force_login(course_a.instructor)
    response = _post_action(client, "posts.post", "unpublish", [post_a.pk, post_b.pk])
    assert "not in your courses" in response.content.decode()
    post_a.refresh_from_db()
    post_b.refresh_from_db()
    assert post_a.is_published and post_b.is_published


def test_unpublish_own_selection_works(course_a, client):
    post_a = course_a.objects["posts.post"]
    client.force_login(course_a.instructor)
    response = _post_action(client, "posts.post", "unpublish", [post_a.pk])
    assert response.status_code == 200
    post_a.refresh_from_db()
    assert not post_a.is_published


def test_delete_memberships_on_mixed_selection_keeps_both(course_a, course_b, client):
    own, other = course_a.objects["courses.membership"], course_b.objects["courses.membership"]
    client.force_login(course_a.instructor)
    _post_action(client, "courses.membership", "delete_selected", [own.pk, other.pk])
    assert Membership.objects.filter(pk__in=[own.pk, other.pk]).count() == 2


def test_rotate_join_codes_on_mixed_selection_leaves_other_course(course_a, course_b, client):
    code_a, code_b = course_a.course.join_code, course_b.course.join_code
    client.force_login(course_a.instructor)
    _post_action(client, "courses.course", "rotate_join_codes", [course_a.course.pk, course_b.course.pk])
    course_a.course.refresh_from_db()
    course_b.course.refresh_from_db()
    assert course_b.course.join_code == code_b
    assert course_a.course.join_code == code_a  # refused whole


def test_approve_comments_on_mixed_selection_is_refused_whole(course_a, course_b, client):
    comment_a, comment_b = course_a.objects["comments.comment"], course_b.objects["comments.comment"]
    client.force_login(course_a.instructor)
    response = _post_action(client, "comments.comment", "approve", [comment_a.pk, comment_b.pk])
    assert "not in your courses" in response.content.decode()
    comment_a.refresh_from_db()
    comment_b.refresh_from_db()
    assert comment_a.status == comment_b.status == "pending"


def _autocomplete_fields():
    """(source model label, field name, target model) of every autocomplete field in the matrix."""
    found = []
    for label in REGISTERED:
        model = apps.get_model(label)
        model_admin = admin.site._registry[model]
        for name in model_admin.autocomplete_fields:
            found.append((label, name, model._meta.get_field(name).remote_field.model._meta.label_lower))
    return found


@pytest.mark.parametrize(("label", "field", "target"), _autocomplete_fields())
def test_autocomplete_returns_nothing_of_other_course(label, field, target, course_a, course_b, client):
    client.force_login(course_a.instructor)
    app_label, model_name = label.split(".")
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field, "term": ""},
    )
    if target == "auth.user":
        # Instructors have no permission on accounts: no site-wide user search.
        assert response.status_code == 403
        return
    assert response.status_code == 200
    ids = {int(result["id"]) for result in json.loads(response.content)["results"]}
    assert course_a.objects[target].pk in ids
    assert course_b.objects[target].pk not in ids


def test_superuser_autocomplete_finds_both_courses(course_a, course_b, superuser, client):
    client.force_login(superuser)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "posts", "model_name": "post", "field_name": "course", "term": "Course"},
    )
    ids = {int(result["id"]) for result in json.loads(response.content)["results"]}
    assert {course_a.course.pk, course_b.course.pk} <= ids


def _choice_values(response):
    """Every option value of every select, by field name."""
    return {
        select["name"]: {option["value"] for option in select.find_all("option") if option.get("value")}
        for select in soup(response).find_all("select")
        if select.get("name")
    }


@pytest.mark.parametrize("label", REGISTERED)
def test_foreign_key_choices_exclude_other_course(label, course_a, course_b, client):
    client.force_login(course_a.instructor)
    response = client.get(admin_url(label, "change", course_a.objects[label].pk))
    assert response.status_code == 200
    b_people = {str(course_b.student.pk), str(course_b.instructor.pk)}
    b_labels = {str(obj) for obj in course_b.objects.values()}
    model = apps.get_model(label)
    models = [model] + [inline.model for inline in admin.site._registry[model].inlines]
    for name, values in _choice_values(response).items():
        field_name = name.split("-")[-1]  # inline selects are named prefix-0-field
        for candidate in models:
            field = next((f for f in candidate._meta.get_fields() if f.name == field_name), None)
            if field is not None and field.is_relation and field.concrete:
                break
        else:
            continue  # a list filter or a plain choice field: checked by label below
        target = field.remote_field.model._meta.label_lower
        others = {str(course_b.objects[target].pk)} if target in course_b.objects else b_people
        assert not values & others, f"{label}.{name} offers course B's {target}"
    for select in soup(response).find_all("select"):
        for option in select.find_all("option"):
            assert option.get_text(strip=True) not in b_labels


def test_post_form_offers_own_course_people_only(course_a, course_b, client):
    client.force_login(course_a.instructor)
    response = client.get(admin_url("posts.post", "add"))
    choices = _choice_values(response)
    assert str(course_a.student.pk) in choices["author"]
    assert str(course_b.student.pk) not in choices["author"]
    assert str(course_b.instructor.pk) not in choices["author"]


def test_instructor_cannot_move_a_post_into_another_course(course_a, course_b, client):
    post = course_a.objects["posts.post"]
    client.force_login(course_a.instructor)
    response = client.post(
        admin_url("posts.post", "change", post.pk),
        {
            "course": course_b.course.pk,
            "author": post.author_id,
            "title": post.title,
            "slug": post.slug,
            "body": post.body,
            "status": "published",
            "published_at_0": "2026-11-20",
            "published_at_1": "10:00:00",
            "category": course_b.objects["posts.category"].pk,
            "tags": [course_b.objects["posts.tag"].pk],
        },
    )
    assert response.status_code == 200  # the form again, with errors
    assert "Select a valid choice" in response.content.decode()
    post.refresh_from_db()
    assert post.course == course_a.course


def test_list_filters_name_no_other_course(course_a, course_b, client):
    client.force_login(course_a.instructor)
    for label in ("posts.post", "courses.membership", "posts.category", "comments.comment"):
        text = client.get(admin_url(label, "changelist")).content.decode()
        assert "Course A" in text
        assert "Course B" not in text, label


def test_revoke_awards_on_mixed_selection_is_refused_whole(course_a, course_b, client):
    award_a, award_b = course_a.objects["awards.award"], course_b.objects["awards.award"]
    client.force_login(course_a.instructor)
    response = _post_action(client, "awards.award", "revoke", [award_a.pk, award_b.pk])
    assert "not in your courses" in response.content.decode()
    award_a.refresh_from_db()
    award_b.refresh_from_db()
    assert award_a.revoked_at is None and award_b.revoked_at is None


def test_editorial_terms_inline_shows_and_offers_own_course_only(course_a, course_b, client):
    client.force_login(course_a.instructor)
    page = soup(client.get(admin_url("courses.course", "change", course_a.course.pk)))
    term_ids = {
        i["value"] for i in page.select('input[name^="editorial_terms-"][name$="-id"]') if i.get("value")
    }
    assert term_ids == {str(course_a.objects["awards.editorialterm"].pk)}
    members = {
        o["value"] for o in page.select('select[name="editorial_terms-0-member"] option') if o["value"]
    }
    assert str(course_a.objects["courses.membership"].pk) in members
    assert str(course_b.objects["courses.membership"].pk) not in members


@pytest.mark.parametrize("label", REGISTERED)
def test_instructor_who_teaches_nothing_any_more_sees_no_rows(label, course_a, client):
    Membership.objects.filter(user=course_a.instructor).update(role="student")
    client.force_login(course_a.instructor)
    response = client.get(admin_url(label, "changelist"))
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert listed_pks(response, label) == set()
