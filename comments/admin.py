"""Moderation in the admin. Instructors (staff, not superusers) see only their courses' comments;
every action goes through comments.services; nothing is ever deleted here."""

from django.contrib import admin, messages
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from courses.admin_scoping import CourseScopedAdminMixin
from courses.models import Course
from posts.markdown import plain_text

from . import services
from .models import Comment, CommentRevision, NotificationPreference, membership_of_author


class CommentRevisionInline(admin.TabularInline):
    model = CommentRevision
    extra = 0
    fields = ["written_at", "replaced_at", "body"]
    readonly_fields = fields
    can_delete = False
    verbose_name = _("earlier version")
    verbose_name_plural = _("earlier versions")

    def has_add_permission(self, request, obj=None):
        return False


def _teaches_any(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and Course.objects.taught_by(user).exists()


class CourseFilter(admin.SimpleListFilter):
    """Courses the moderator teaches only, so the filter does not reveal other courses."""

    title = _("course")
    parameter_name = "course"

    def lookups(self, request, model_admin):
        return [(course.pk, str(course)) for course in Course.objects.taught_by(request.user)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if not self.value().isdigit():  # "?course=abc": nothing matches, rather than a 500
            return queryset.none()
        return queryset.filter(post__course_id=self.value())


@admin.register(Comment)
class CommentAdmin(CourseScopedAdminMixin, admin.ModelAdmin):
    course_path = "post__course"  # scoping: courses/admin_scoping.py (another course's comment is a 404)
    # Fits 1280 px (long text wraps, edits are on the comment's page); the comment as readers see it.
    list_display = ["excerpt", "course", "post_title", "author_display", "status", "created_at"]
    list_filter = ["status", CourseFilter, "created_at"]
    search_fields = ["body", "author__username", "author__email", "guest_name", "guest_email", "post__title"]
    date_hierarchy = "created_at"
    list_select_related = ["post", "post__course", "author"]
    list_per_page = 50
    actions = ["approve", "mark_spam", "remove"]
    inlines = [CommentRevisionInline]
    readonly_fields = [
        "post",
        "author",
        "guest_name",
        "guest_email",
        "parent",
        "depth",
        "body",
        "rendered_body",
        "status",
        "created_at",
        "edited_at",
        "moderated_by",
        "moderated_at",
    ]
    exclude = ["body_html"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("post", "post__course", "author")

    # Instructors moderate without needing model permissions granted one by one.
    def has_module_permission(self, request):
        return request.user.is_superuser or _teaches_any(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False  # comments are written under the post

    def has_delete_permission(self, request, obj=None):
        return False  # moderators remove (a status); rows stay

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("Comment"))
    def excerpt(self, comment):
        return Truncator(plain_text(comment.body_html)).chars(90)  # what readers see, not the Markdown

    @admin.display(description=pgettext_lazy("noun", "Post"), ordering="post__title")
    def post_title(self, comment):
        return Truncator(comment.post.title).chars(40)

    @admin.display(description=_("Course"), ordering="post__course__title")
    def course(self, comment):
        return comment.post.course

    @admin.display(description=_("Author"), ordering="author__username")
    def author_display(self, comment):
        return (
            comment.author.username
            if comment.author
            else gettext("%(name)s (guest)") % {"name": comment.guest_name}
        )

    @admin.display(description=_("As shown"))
    def rendered_body(self, comment):
        return mark_safe(comment.body_html)  # noqa: S308 -- stored HTML, sanitised by the one pipeline

    def _apply(self, request, queryset, service) -> int:
        done = 0
        for comment in queryset.select_related("post", "post__course"):
            service(comment=comment, by=request.user)
            done += 1
        return done

    def _done(self, request, message: str, done: int) -> None:
        self.message_user(request, message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Approve selected comments"))
    def approve(self, request, queryset):
        done = self._apply(request, queryset, services.comment_approve)
        self._done(
            request, ngettext("%(count)s comment approved.", "%(count)s comments approved.", done), done
        )

    @admin.action(description=_("Mark selected comments as spam"))
    def mark_spam(self, request, queryset):
        done = self._apply(request, queryset, services.comment_mark_spam)
        message = ngettext("%(count)s comment marked as spam.", "%(count)s comments marked as spam.", done)
        self._done(request, message, done)

    @admin.action(description=_("Remove selected comments (they stay in the database)"))
    def remove(self, request, queryset):
        done = self._apply(request, queryset, services.comment_remove)
        self._done(request, ngettext("%(count)s comment removed.", "%(count)s comments removed.", done), done)


class CommentOnPostInline(CourseScopedAdminMixin, admin.TabularInline):
    """The post's comments on its admin page; each links to its own page, where it is moderated.

    The post admin that shows it is assembled in coursework/admin.py.
    """

    model = Comment
    course_path = "post__course"
    fk_name = "post"
    extra = 0
    can_delete = False
    fields = ["who", "status", "short_body", "created_at"]
    readonly_fields = fields
    ordering = ["created_at"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # comments are written on the site, by members

    def get_queryset(self, request):
        # Display names come in the same query (each row's title shows the author's name).
        return (
            super()
            .get_queryset(request)
            .select_related("author", "post")
            .annotate(author_display_name=membership_of_author("display_name"))
        )

    @admin.display(description=_("Comment"))
    def short_body(self, comment):
        return Truncator(comment.body).chars(120)

    @admin.display(description=_("Author"))
    def who(self, comment):
        return (
            comment.author_name
            if comment.author_id
            else gettext("%(name)s (guest)") % {"name": comment.guest_name}
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "on_comment_on_my_post", "on_reply", "on_approved", "on_moderation"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
