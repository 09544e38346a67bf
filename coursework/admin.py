"""The course and post admins, assembled here where every app is known.

Each app defines its own parts and registers nothing that another app must
change: courses' CourseAdmin and posts' PostAdmin are the bases, awards adds
the editorial team inline and PostAwardsAdminMixin, comments adds the post's
comments inline, and coursework adds the participation report. Reading this
file shows everything the two admins are made of.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from awards.admin import EditorialTermInline, PostAwardsAdminMixin
from comments.admin import CommentOnPostInline
from courses import admin as courses_admin
from courses.models import Course
from posts import admin as posts_admin
from posts.models import Post

from . import reports
from .forms import ParticipationForm


@admin.register(Course)
class CourseAdmin(courses_admin.CourseAdmin):
    inlines = [*courses_admin.CourseAdmin.inlines, EditorialTermInline]

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        participation = path(
            "<path:object_id>/participation/",
            self.admin_site.admin_view(self.participation_view),
            name=f"{prefix}_participation",
        )
        return [participation, *super().get_urls()]

    @admin.display(description="Tools")
    def tools(self, course):
        return format_html(
            '{} · <a href="{}">Participation</a>',
            super().tools(course),
            reverse("admin:courses_course_participation", args=[course.pk]),
        )

    def participation_view(self, request, object_id):
        course = self._course(request, object_id)
        if not self.has_view_permission(request, course):
            raise PermissionDenied
        start, end = reports.default_range()
        form = ParticipationForm(
            request.GET if "start" in request.GET else None,
            initial={"start": start, "end": end, "by": "week"},
        )
        by = "week"
        if form.is_bound and form.is_valid():
            start, end, by = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["by"]
        sort = request.GET.get("sort", "student")
        report = reports.participation_report(
            course=course, start=start, end=end, sort=sort, per_week=by == "week"
        )
        params = {"start": start.isoformat(), "end": end.isoformat(), "by": by}
        if request.GET.get("format") == "csv":
            response = HttpResponse(report.to_csv(), content_type="text/csv; charset=utf-8")
            filename = f"participation-{course.slug}-{start:%Y%m%d}-{end:%Y%m%d}.csv"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        header = []
        for key, label in report.columns:
            direction = {key: "ascending", f"-{key}": "descending"}.get(report.sort, "")
            next_sort = f"-{key}" if direction == "ascending" else key  # a second click reverses
            header.append(
                {"label": label, "url": "?" + urlencode({**params, "sort": next_sort}), "sorted": direction}
            )
        context = self._context(
            request,
            course,
            "Participation report",
            form=form,
            report=report,
            header=header,
            csv_url="?" + urlencode({**params, "sort": report.sort, "format": "csv"}),
        )
        return TemplateResponse(request, "admin/courses/course/participation.html", context)


@admin.register(Post)
class PostAdmin(PostAwardsAdminMixin, posts_admin.PostAdmin):
    list_display = [*posts_admin.PostAdmin.list_display, "awards_column"]
    actions = [*posts_admin.PostAdmin.actions, "give_award"]
    inlines = [*posts_admin.PostAdmin.inlines, CommentOnPostInline]
