"""Courses in the admin: the course page with its roster import and join code.

Instructors see only the courses they teach (courses/admin_scoping.py). The
CourseAdmin defined here is registered by coursework/admin.py, together with
the parts the apps above add (the editorial team, the participation report).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import roster, services
from .admin_scoping import CourseScopedAdminMixin
from .models import Course, Membership


class MembershipInline(CourseScopedAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    course_path = "course"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("course", "user")


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Roster file (.csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a .csv file: a spreadsheet saved as CSV (UTF-8)."))
        if upload.size > roster.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(kb)s KB. Split the roster.") % {"kb": roster.MAX_BYTES // 1024}
            )
        return upload


class CourseAdmin(CourseScopedAdminMixin, admin.ModelAdmin):
    course_path = ""  # the course itself
    list_display = ["title", "term", "slug", "visibility", "join_code", "tools"]
    list_filter = ["visibility", "term"]
    search_fields = ["title", "slug", "term"]
    prepopulated_fields = {"slug": ["title"]}
    exclude = ["join_code"]  # shown above the form with its rotate button; never typed in
    inlines = [MembershipInline]
    actions = ["rotate_join_codes"]

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/roster/", view(self.roster_view), name=f"{prefix}_roster"),
            path(
                "<path:object_id>/rotate-join-code/",
                view(require_POST(self.rotate_join_code_view)),
                name=f"{prefix}_rotate_join_code",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("Tools"))
    def tools(self, course):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:courses_course_roster", args=[course.pk]),
            _("Roster import"),
        )

    @admin.action(
        description=gettext_lazy("Rotate the join code of the selected courses"), permissions=["change"]
    )
    def rotate_join_codes(self, request, queryset):
        courses = list(queryset)
        for course in courses:
            services.course_rotate_join_code(course=course)
        self.message_user(
            request,
            _("New join code for %(count)s course(s). The old codes no longer work.")
            % {"count": len(courses)},
            messages.SUCCESS,
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        touched = formset.new_objects + [o for o, _ in formset.changed_objects] + formset.deleted_objects
        for user in {obj.user for obj in touched if isinstance(obj, Membership)}:
            services.instructor_access_sync(user=user)

    # --- Custom pages ---------------------------------------------------------

    def _course(self, request, object_id) -> Course:
        course = self.get_object(request, unquote(object_id))
        if course is None:  # superusers only: scoped users got a 404 already
            raise Http404(_("No such course."))
        return course

    def _context(self, request, course, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": course,
            "title": title,
            "subtitle": str(course),
            **extra,
        }

    def roster_view(self, request, object_id):
        course = self._course(request, object_id)
        if not (
            self.has_change_permission(request, course) and request.user.has_perm("courses.add_membership")
        ):
            raise PermissionDenied(_("You may not enrol students in this course."))
        errors = []
        form = RosterUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = roster.roster_import(
                    course=course, data=form.cleaned_data["file"].read(), by=request.user
                )
            except roster.RosterInvalid as invalid:
                errors = invalid.errors
            else:
                self.message_user(
                    request, _("Roster imported: %(summary)s") % {"summary": result.summary}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:courses_course_change", args=[course.pk]))
        context = self._context(
            request,
            course,
            _("Import a roster"),
            form=form,
            errors=errors,
            columns=roster.COLUMNS,
            max_rows=roster.MAX_ROWS,
            max_kb=roster.MAX_BYTES // 1024,
        )
        status = 400 if errors or form.errors else 200
        return TemplateResponse(request, "admin/courses/course/roster.html", context, status=status)

    def rotate_join_code_view(self, request, object_id):
        course = self._course(request, object_id)
        if not self.has_change_permission(request, course):
            raise PermissionDenied(_("You may not change this course."))
        code = services.course_rotate_join_code(course=course)
        self.message_user(
            request,
            _("The new join code is %(code)s. The old code no longer works.") % {"code": code},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:courses_course_change", args=[course.pk]))


@admin.register(Membership)
class MembershipAdmin(CourseScopedAdminMixin, admin.ModelAdmin):
    course_path = "course"
    list_display = ["display_name", "user", "course", "role", "joined_at"]
    list_filter = ["role", ("course", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["display_name", "user__username", "user__email", "course__title"]
    autocomplete_fields = ["user", "course"]
    list_select_related = ["user", "course"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.instructor_access_sync(user=obj.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.instructor_access_sync(user=obj.user)

    def delete_queryset(self, request, queryset):
        users = {membership.user for membership in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for user in users:
            services.instructor_access_sync(user=user)
