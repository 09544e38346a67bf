"""The course and post admins, assembled here where every app is known.

Each app defines its own parts and registers nothing that another app must
change: courses' CourseAdmin and posts' PostAdmin are the bases, awards adds
the editorial team inline and PostAwardsAdminMixin, comments adds the post's
comments inline, and coursework adds the participation report. Reading this
file shows everything the two admins are made of.

Below them, coursework's own admins: prompts (with their accommodations), and
the Students' Choice votes and closes, which instructors see but never edit.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.admin import EditorialTermInline, PostAwardsAdminMixin
from comments.admin import CommentOnPostInline
from courses import admin as courses_admin
from courses.admin_scoping import CourseScopedAdminMixin, scope_queryset
from courses.models import Course, Membership
from posts import admin as posts_admin
from posts.models import Post

from . import reports, weeks
from .forms import AccommodationInlineForm, ParticipationForm, PromptAdminForm
from .models import Accommodation, ChoiceClose, Prompt, Vote

# Our name on the admin, set here where the admin is assembled.
admin.site.site_header = "coursesite"
admin.site.site_title = "coursesite"
admin.site.index_title = gettext_lazy("Your courses")
# No app list down the side of every page: the index lists the apps, the breadcrumbs lead back to it,
# and the moderation list needs the width (author, post, status and date on screen at 1280 px).
admin.site.enable_nav_sidebar = False


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

    @admin.display(description=gettext_lazy("Tools"))
    def tools(self, course):
        return format_html(
            '{} · <a href="{}">{}</a>',
            super().tools(course),
            reverse("admin:courses_course_participation", args=[course.pk]),
            _("Participation"),
        )

    def participation_view(self, request, object_id):
        course = self._course(request, object_id)
        if not self.has_view_permission(request, course):
            raise PermissionDenied
        start, end = reports.default_range(course=course)
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
            _("Participation report"),
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


# --- Prompts, and the week's records instructors only look at ---------------------------------


class AccommodationInline(CourseScopedAdminMixin, admin.TabularInline):
    model = Accommodation
    form = AccommodationInlineForm
    course_path = "prompt__course"
    fields = ["member", "excused", "due_at", "reason", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]
    verbose_name = gettext_lazy("accommodation")
    verbose_name_plural = gettext_lazy("accommodations: one student excused, or given a later due time")

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj else 0  # students can be chosen once the prompt (and so its course) is saved

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member__course", "granted_by")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only the students of this prompt's course (the scoping alone would offer every course taught).
        students = Membership.objects.students()
        students = students.filter(course=obj.course_id) if obj else students.none()
        member = formset.form.base_fields["member"]
        member.queryset = students.select_related("course")
        member.error_messages["invalid_choice"] = _("Choose a student of this prompt's course.")
        return formset


@admin.register(Prompt)
class PromptAdmin(CourseScopedAdminMixin, admin.ModelAdmin):
    """Instructors write their prompts here. Every date is read and shown in the course's time zone."""

    course_path = "course"
    form = PromptAdminForm
    inlines = [AccommodationInline]
    list_display = ["title", "course", "opens", "due", "comments_required", "response_count"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["course"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["-opens_at", "-pk"]
    DATE_FIELDS = ("opens_at", "due_at", "comments_due_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(response_total=Count("responses"))

    @admin.display(description=gettext_lazy("Opens"), ordering="opens_at")
    def opens(self, prompt):
        return weeks.label(prompt.course, prompt.opens_at)

    @admin.display(description=gettext_lazy("Due"), ordering="due_at")
    def due(self, prompt):
        return weeks.label(prompt.course, prompt.due_at)

    @admin.display(description=gettext_lazy("Responses"), ordering="response_total")
    def response_count(self, prompt):
        return prompt.response_total

    def get_readonly_fields(self, request, obj=None):
        # Its responses are posts of its course: a prompt never moves to another one.
        return ["course"] if obj is not None else []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        course = getattr(request, "_prompt_course", None)
        if course is not None:
            initial.setdefault("course", course.pk)
        return initial

    def _course_of_form(self, request, object_id):
        """The course whose zone the form is in.

        The prompt's; on the add page the one sent, else ?course=, else the only course taught.
        """
        if object_id is not None:
            prompt = self.get_object(request, unquote(object_id))  # out of scope: a 404 (the mixin)
            return prompt.course if prompt is not None else None
        taught = scope_queryset(Course.objects.all(), request.user)
        raw = request.POST.get("course") if request.method == "POST" else request.GET.get("course")
        if raw:
            return taught.filter(pk=raw).first() if raw.isdigit() else None
        only = list(taught[:2])
        return only[0] if len(only) == 1 else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        course = self._course_of_form(request, object_id)
        request._prompt_course = course
        # The course's zone is the current one while the form is cleaned *and* drawn: the times typed are
        # read in it, the stored ones shown in it, and the admin's "Now" and its clock warning agree.
        with timezone.override(course.tz if course is not None else timezone.get_current_timezone()):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        course = getattr(request, "_prompt_course", None) or (obj.course if obj is not None else None)
        if course is not None:
            zone = _("In the course's time zone: %(zone)s.") % {"zone": course.tz.key}
        else:
            zone = _("In the time zone of the course you choose (set on the course's page).")
        for name in self.DATE_FIELDS:
            field = form.base_fields.get(name)
            if field is not None:
                field.help_text = f"{field.help_text} {zone}".strip()
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        now = timezone.now()
        # Moved to the future before anyone was told: tell them (and close it) when the new time comes.
        if "opens_at" in form.changed_data and obj.opens_at > now:
            obj.opening_sent_at = None
        if "due_at" in form.changed_data and obj.due_at > now:
            obj.closed_at = None
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Accommodation:
            return super().save_formset(request, form, formset, change)
        for accommodation in formset.save(commit=False):
            accommodation.granted_by = request.user
            accommodation.save()
        for accommodation in formset.deleted_objects:
            accommodation.delete()
        formset.save_m2m()
        return None


class SeenNotEditedAdmin(CourseScopedAdminMixin, admin.ModelAdmin):
    """Records the class and the clock make: instructors may look, nobody edits them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(SeenNotEditedAdmin):
    """Votes of closed weeks only: until the close, nobody (instructors included) may count them."""

    course_path = "course"
    list_display = ["week", "course", "voter", "post", "updated_at"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter), "week"]
    list_select_related = ["course", "voter__course", "post"]
    search_fields = ["post__title", "voter__display_name"]

    def get_queryset(self, request):
        closed = ChoiceClose.objects.filter(course=OuterRef("course"), week=OuterRef("week"))
        return super().get_queryset(request).filter(Exists(closed))


@admin.register(ChoiceClose)
class ChoiceCloseAdmin(SeenNotEditedAdmin):
    course_path = "course"
    list_display = ["week", "course", "closed_at", "closed_by", "votes_cast"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["course", "closed_by"]
