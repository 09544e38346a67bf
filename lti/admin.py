"""The LMS link in the admin: platforms and keys for superusers; links, roster and grades for instructors."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.admin_scoping import CourseScopedAdminMixin

from . import services
from .models import CourseLink, Deployment, GradeSync, LineItem, LtiIdentity, Platform, ResourceLink, ToolKey


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Registrations and keys decide who may log in: superusers only, whatever the groups say."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1


@admin.register(Platform)
class PlatformAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "issuer", "client_id", "created_at"]
    search_fields = ["name", "issuer", "client_id"]
    inlines = [DeploymentInline]


@admin.register(ToolKey)
class ToolKeyAdmin(SuperuserOnlyAdmin):
    """Made and rotated by `manage.py lti_keys`; shown, never edited here."""

    list_display = ["kid", "active", "created_at", "rotated_at"]
    fields = ["kid", "active", "created_at", "rotated_at", "public_jwk"]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LtiIdentity)
class LtiIdentityAdmin(SuperuserOnlyAdmin):
    list_display = ["sub", "user", "platform", "created_at", "last_launch_at"]
    list_filter = ["platform"]
    list_select_related = ["platform", "user"]
    search_fields = ["sub", "user__username", "user__email"]
    raw_id_fields = ["user"]


class ResourceLinkInline(CourseScopedAdminMixin, admin.TabularInline):
    model = ResourceLink
    course_path = "course_link__course"
    fields = ["resource_link_id", "title", "prompt"]
    readonly_fields = ["resource_link_id", "title"]
    extra = 0

    def has_add_permission(self, request, *args):
        return False  # placements come from the LMS's launches


@admin.register(CourseLink)
class CourseLinkAdmin(CourseScopedAdminMixin, admin.ModelAdmin):
    course_path = "course"
    list_display = ["__str__", "platform", "course", "roster_synced_at", "has_gradebook"]
    list_filter = ["platform"]
    list_select_related = ["platform", "course"]
    search_fields = ["context_title", "context_id", "course__title"]
    readonly_fields = [
        "platform",
        "context_id",
        "context_title",
        "course",
        "linked_by",
        "memberships_url",
        "lineitems_url",
        "roster_synced_at",
        "roster_error",
    ]
    fieldsets = [
        (None, {"fields": ["platform", "context_id", "context_title", "course", "linked_by"]}),
        (
            gettext_lazy("Participation score of each prompt"),
            {"fields": ["points_on_time", "points_late", "points_missing", "points_comments"]},
        ),
        (
            gettext_lazy("The LMS's services"),
            {"fields": ["memberships_url", "lineitems_url", "roster_synced_at", "roster_error"]},
        ),
    ]
    inlines = [ResourceLinkInline]
    actions = ["sync_roster", "send_scores"]

    def has_add_permission(self, request, *args):
        return False  # links are made by an instructor's launch

    @admin.display(boolean=True, description=gettext_lazy("gradebook"))
    def has_gradebook(self, link):
        return bool(link.lineitems_url)

    @admin.action(description=gettext_lazy("Sync the roster from the LMS now"))
    def sync_roster(self, request, queryset):
        for link in queryset.select_related("platform", "course"):
            try:
                result = services.roster_sync(link=link)
            except services.SyncFailed as error:
                self.message_user(request, f"{link}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{link}: {result}.", messages.SUCCESS)

    @admin.action(description=gettext_lazy("Send the participation scores of prompts due so far"))
    def send_scores(self, request, queryset):
        for link in queryset.select_related("platform", "course"):
            try:
                results = services.grades_send_due(link=link)
            except services.SyncFailed as error:
                self.message_user(request, f"{link}: {error}", messages.ERROR)
                continue
            if not results:
                self.message_user(
                    request, _("%(link)s: no prompt is due yet.") % {"link": link}, messages.WARNING
                )
            for prompt, result in results:
                level = messages.ERROR if result.failed else messages.SUCCESS
                self.message_user(request, f"{link}, “{prompt}”: {result}.", level)


class SeenOnlyAdmin(CourseScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LineItem)
class LineItemAdmin(SeenOnlyAdmin):
    course_path = "course_link__course"
    list_display = ["prompt", "course_link", "score_maximum", "sent_at"]
    list_select_related = ["prompt", "course_link__course"]


@admin.register(GradeSync)
class GradeSyncAdmin(SeenOnlyAdmin):
    """What was sent to the LMS gradebook for each student, and any error."""

    course_path = "line_item__course_link__course"
    list_display = [
        "user",
        "prompt",
        "standing",
        "comments_counted",
        "score",
        "status",
        "attempted_at",
        "error",
    ]
    list_filter = ["status", ("line_item__prompt", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "line_item__prompt"]
    search_fields = ["user__username", "line_item__prompt__title"]

    @admin.display(description=gettext_lazy("prompt"), ordering="line_item__prompt__title")
    def prompt(self, grade):
        return grade.line_item.prompt

    @admin.display(description=gettext_lazy("score sent"))
    def score(self, grade):
        return f"{grade.score_given.normalize():f} / {grade.score_maximum}"
