"""Posts in the admin. Instructors see only their courses' posts (courses/admin_scoping.py);
publishing goes through posts.services, the same rules as the site.

PostAdmin is registered by coursework/admin.py, with the parts the comments and
awards apps define (a comments inline, the award action and column): posts never
imports them.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.admin_scoping import CourseScopedAdminMixin
from courses.models import Membership

from . import services
from .models import Category, Post, PostImage, Tag


class PostAdminForm(forms.ModelForm):
    # Set by clean(): PostAdmin.save_model then publishes through services.post_publish.
    publishes = False

    class Meta:
        model = Post
        fields = ["course", "author", "title", "slug", "body", "status", "published_at", "category", "tags"]

    def _value(self, cleaned, name):
        """A field's new value, or the post's own where the field is read-only for this user."""
        if name in self.fields:
            return cleaned.get(name)
        return getattr(self.instance, name) if self.instance.pk else None

    def clean(self):
        cleaned = super().clean()
        course = self._value(cleaned, "course")
        category = cleaned.get("category")
        if course and category and category.course_id != course.pk:
            self.add_error("category", _("Choose a category of the post's course."))
        tags = cleaned.get("tags")
        if course and tags is not None and any(tag.course_id != course.pk for tag in tags):
            self.add_error("tags", _("Choose tags of the post's course."))
        if cleaned.get("status") == Post.Status.PUBLISHED:
            # The same check as the Publish button on the site, here so a refusal shows on the form.
            try:
                services.check_publishable(body=self._value(cleaned, "body") or "")
            except services.PublishRefused as refused:
                self.add_error("status", str(refused))
            else:
                # services.post_publish sets the status and the date when the post is saved; a
                # draft until then, so the model's check that a published post has a date waits.
                self.publishes = True
                cleaned["status"] = Post.Status.DRAFT
        return cleaned


class PostAdmin(CourseScopedAdminMixin, admin.ModelAdmin):
    course_path = "course"
    form = PostAdminForm
    list_display = ["title", "author", "course", "status", "published_at", "comment_count"]
    list_filter = [
        "status",
        ("course", admin.RelatedOnlyFieldListFilter),
        ("category", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "body", "author__username"]
    date_hierarchy = "published_at"
    list_select_related = ["author", "course"]
    autocomplete_fields = ["author", "course", "category", "tags"]
    readonly_fields = ["comment_count", "word_count"]
    actions = ["publish", "unpublish"]

    # What the site lets only a post's author change. On a post someone else wrote an
    # instructor may publish and unpublish it, categorise and tag it: the rest is read-only.
    # The course, the slug and the date make its address and decide who may read it.
    AUTHOR_ONLY_FIELDS = ["course", "author", "title", "slug", "body", "published_at"]

    def _writes_for_someone_else(self, request, obj) -> bool:
        return obj is not None and self.is_scoped(request) and obj.author_id != request.user.pk

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._writes_for_someone_else(request, obj):
            fields += [name for name in self.AUTHOR_ONLY_FIELDS if name not in fields]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        author = form.base_fields.get("author")
        if author is not None and self.is_scoped(request):
            # Already people of the instructor's courses; narrowed to the post's own course,
            # so a member of another course they teach is neither offered nor accepted.
            course_id = self._course_id(request, obj)
            if course_id is not None:
                members = Membership.objects.filter(course_id=course_id).values("user_id")
                author.queryset = author.queryset.filter(pk__in=members)
            author.error_messages["invalid_choice"] = _("Choose a member of the post's course as its author.")
        return form

    @staticmethod
    def _course_id(request, obj):
        """The course the form is for: the one sent, else the post's, else ?course= on the add page."""
        raw = request.POST.get("course") if request.method == "POST" else None
        if raw is None:
            raw = obj.course_id if obj is not None else request.GET.get("course")
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None

    def save_model(self, request, obj, form, change):
        if form.publishes:
            services.post_publish(post=obj)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Publish selected posts"), permissions=["change"])
    def publish(self, request, queryset):
        done, refused = 0, []
        for post in queryset:
            try:
                services.post_publish(post=post)
            except services.PublishRefused as error:
                refused.append(f"“{post.title}”: {error}")
            else:
                done += 1
        if done:
            self.message_user(request, _("%(count)s post(s) published.") % {"count": done}, messages.SUCCESS)
        for message in refused:
            self.message_user(request, _("Not published: %(reason)s") % {"reason": message}, messages.ERROR)

    @admin.action(
        description=gettext_lazy("Unpublish selected posts (back to drafts)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        posts = list(queryset)
        for post in posts:
            services.post_unpublish(post=post)
        self.message_user(
            request, _("%(count)s post(s) returned to drafts.") % {"count": len(posts)}, messages.SUCCESS
        )


@admin.register(Category)
class CategoryAdmin(CourseScopedAdminMixin, admin.ModelAdmin):
    course_path = "course"
    list_display = ["name", "course", "slug"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["course"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(CourseScopedAdminMixin, admin.ModelAdmin):
    course_path = "course"
    list_display = ["name", "course", "slug"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["course"]
    search_fields = ["name"]


@admin.register(PostImage)
class PostImageAdmin(admin.ModelAdmin):
    """Superusers only: images belong to their uploader, not to a course (instructors get no permission)."""

    list_display = ["file", "uploader", "width", "height", "uploaded_at"]
    search_fields = ["file", "uploader__username"]
    list_select_related = ["uploader"]
