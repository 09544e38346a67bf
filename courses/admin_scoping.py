"""Instructors see only their own courses in the admin: one mixin for every model admin.

A staff user who is not a superuser sees, in every admin entry point, only the
objects of courses where they are an instructor (`Course.objects.taught_by`):

- change lists, raw-id lookups and autocomplete (all read `get_queryset`; the
  autocomplete view reads the *target* model's admin, which is scoped too);
- change, delete and history pages: an object outside the scope is a 404
  (Django's own answer would be a redirect saying it "doesn't exist");
- bulk actions: a selection that names an object outside the scope is refused
  whole, with a message, and nothing is touched;
- the choices of every foreign-key and many-to-many field, so an instructor
  cannot move a post into a course they do not teach.

Which admin pages a user may open at all stays Django's model permissions
(the "Instructors" group, see courses/services.py).
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.widgets import AutocompleteMixin
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.forms.widgets import Select
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _

from .models import Course


def is_scoped(user) -> bool:
    """Everyone but superusers is limited to the courses they teach."""
    return not (user.is_active and user.is_superuser)


def taught_course_ids(user):
    """A subquery (not a list): scoping adds no query of its own."""
    return Course.objects.taught_by(user).values("pk")


def course_path_for(model) -> str | None:
    """How `model` reaches its course, as a lookup path ("" is the course itself), or None.

    Each scoped admin declares it (`course_path`); a model without an admin is
    found by a `course` field. Anything else is shown to a scoped user as no
    choices at all (deny by default).
    """
    if admin.site.is_registered(model):
        declared = getattr(admin.site.get_model_admin(model), "course_path", None)
        if declared is not None:
            return declared
    try:
        model._meta.get_field("course")
    except FieldDoesNotExist:
        return None
    return "course"


def scope_queryset(queryset, user):
    """The rows of `queryset` that belong to courses `user` teaches (all of them for superusers)."""
    if not is_scoped(user):
        return queryset
    model = queryset.model
    courses = taught_course_ids(user)
    if model is get_user_model():
        # People of one's courses: the choices for an author or a member.
        members = model._default_manager.filter(memberships__course__in=courses).values("pk")
        return queryset.filter(pk__in=members)
    path = course_path_for(model)
    if path is None:
        return queryset.none()
    lookup = f"{path}__in" if path else "pk__in"
    return queryset.filter(**{lookup: courses})


def course_of_object(obj, path: str | None):
    """The course `obj` belongs to, following `path` ("" is the course itself), or None."""
    if path is None:
        return None
    for name in filter(None, path.split("__")):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj if isinstance(obj, Course) else None


def writable_choices(queryset):
    """Choices a new or changed object may point at: nothing of an archived course (read only)."""
    path = course_path_for(queryset.model)
    if path is None:
        return queryset
    return queryset.filter(**{f"{path}__archived_at__isnull" if path else "archived_at__isnull": True})


class CourseScopedAdminMixin:
    """Put first in the bases of a ModelAdmin or an inline; set `course_path` to the model's course."""

    course_path = "course"

    def _in_archived_course(self, obj) -> bool:
        """Objects of an archived course are shown read only; the course itself stays editable (unarchive)."""
        if obj is None or self.course_path == "":
            return False
        if isinstance(self, InlineModelAdmin):  # an inline is asked about its parent object
            course = obj if isinstance(obj, Course) else getattr(obj, "course", None)
        else:
            course = course_of_object(obj, self.course_path)
        return course is not None and course.archived_at is not None

    def has_change_permission(self, request, obj=None):
        return not self._in_archived_course(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, *args):
        obj = args[0] if args else None  # inlines are given the parent object
        return not self._in_archived_course(obj) and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None):
        return not self._in_archived_course(obj) and super().has_delete_permission(request, obj)

    def is_scoped(self, request) -> bool:
        return is_scoped(request.user)

    def scope(self, request, queryset):
        if not self.is_scoped(request):
            return queryset
        courses = taught_course_ids(request.user)
        lookup = f"{self.course_path}__in" if self.course_path else "pk__in"
        return queryset.filter(**{lookup: courses})

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete passes get_queryset() here already; scoping again keeps
        # any other caller of the search honest.
        return super().get_search_results(request, self.scope(request, queryset), search_term)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and self.is_scoped(request):
            # Out of scope and nonexistent look the same: a 404, never a hint.
            raise Http404(_("No such object in your courses."))
        return obj

    def get_autocomplete_fields(self, request):
        """Autocomplete only towards course-scoped admins: a user search would list the whole site."""
        fields = list(super().get_autocomplete_fields(request))
        if not self.is_scoped(request):
            return fields
        user_model = get_user_model()
        kept = []
        for name in fields:
            remote = self.model._meta.get_field(name).remote_field.model
            if remote is not user_model:
                kept.append(name)
        return kept

    def _choices(self, request, db_field, queryset):
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.all()
        return scope_queryset(queryset, request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if self.course_path != "" and not isinstance(self, InlineModelAdmin):
            queryset = kwargs.get("queryset")
            if queryset is None:
                queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
            if queryset is None:
                queryset = db_field.remote_field.model._default_manager.all()
            kwargs["queryset"] = writable_choices(queryset)
        if self.is_scoped(request):
            queryset = kwargs.get("queryset")
            if queryset is None:
                queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
            kwargs["queryset"] = self._choices(request, db_field, queryset)
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if (
            isinstance(self, InlineModelAdmin)
            and db_field.remote_field.model is get_user_model()
            and isinstance(getattr(formfield, "widget", None), Select)
            # An autocomplete widget reads its choices' queryset to draw the one selected: keep it.
            and not isinstance(formfield.widget, AutocompleteMixin)
        ):
            # A people select is drawn once per inline row: read its options once, not per row
            # (a user's label needs no other row). Validation still reads the scoped queryset.
            formfield.choices = list(formfield.choices)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if self.is_scoped(request):
            queryset = kwargs.get("queryset")
            if queryset is None:
                queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
            kwargs["queryset"] = self._choices(request, db_field, queryset)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def response_action(self, request, queryset):
        """Refuse a bulk action whose selection names anything outside the user's courses."""
        if self.is_scoped(request) and request.POST.get("select_across") != "1":
            selected = set(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
            if selected:
                try:
                    found = queryset.filter(pk__in=selected).count()
                except (ValueError, TypeError, ValidationError):
                    found = -1
                if found != len(selected):
                    self.message_user(
                        request,
                        _("Some of the selected items are not in your courses. Nothing was changed."),
                        messages.ERROR,
                    )
                    return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" redirect, limited to objects the user may see in the admin.

    Django's own view redirects for any object, which would tell an instructor
    the address (course and post slugs) of another course's posts.
    """
    from django.contrib.admin.exceptions import NotRegistered
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.contenttypes.views import shortcut

    if is_scoped(request.user):
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404(_("No such object.")) from None
        try:
            model_admin = admin.site.get_model_admin(model)
        except NotRegistered:
            raise Http404(_("No such object in your courses.")) from None
        try:
            visible = model_admin.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, TypeError, ValidationError):  # "/admin/r/12/abc/": not a key of that model
            visible = False
        if not visible:
            raise Http404(_("No such object in your courses."))
    return shortcut(request, content_type_id, object_id)
