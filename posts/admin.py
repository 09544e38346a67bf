"""Posts in the admin. Instructors see only their courses' posts (courses/admin_scoping.py);
publishing goes through posts.services, the same rules as the site.

PostAdmin is registered by coursework/admin.py, with the parts the comments and
awards apps define (a comments inline, the award action and column): posts never
imports them.
"""

from django import forms
from django.contrib import admin, messages

from courses.admin_scoping import CourseScopedAdminMixin

from . import services
from .models import Category, Post, PostImage, Tag


class PostAdminForm(forms.ModelForm):
    # Set by clean(): PostAdmin.save_model then publishes through services.post_publish.
    publishes = False

    class Meta:
        model = Post
        fields = ["course", "author", "title", "slug", "body", "status", "published_at", "category", "tags"]

    def clean(self):
        cleaned = super().clean()
        course = cleaned.get("course")
        category = cleaned.get("category")
        if course and category and category.course_id != course.pk:
            self.add_error("category", "Choose a category of the post's course.")
        tags = cleaned.get("tags")
        if course and tags is not None and any(tag.course_id != course.pk for tag in tags):
            self.add_error("tags", "Choose tags of the post's course.")
        if cleaned.get("status") == Post.Status.PUBLISHED:
            # The same check as the Publish button on the site, here so a refusal shows on the form.
            try:
                services.check_publishable(body=cleaned.get("body") or "")
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

    def save_model(self, request, obj, form, change):
        if form.publishes:
            services.post_publish(post=obj)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected posts", permissions=["change"])
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
            self.message_user(request, f"{done} post(s) published.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, f"Not published: {message}", messages.ERROR)

    @admin.action(description="Unpublish selected posts (back to drafts)", permissions=["change"])
    def unpublish(self, request, queryset):
        posts = list(queryset)
        for post in posts:
            services.post_unpublish(post=post)
        self.message_user(request, f"{len(posts)} post(s) returned to drafts.", messages.SUCCESS)


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
