from django.contrib import admin

from .models import Category, Post, PostImage, Tag


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "course", "status", "published_at", "comment_count"]
    list_filter = ["status", "course", "category"]
    search_fields = ["title", "body", "author__username"]
    date_hierarchy = "published_at"
    list_select_related = ["author", "course"]
    autocomplete_fields = ["author", "course", "category", "tags"]
    readonly_fields = ["comment_count"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "course", "slug"]
    list_filter = ["course"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "course", "slug"]
    list_filter = ["course"]
    search_fields = ["name"]


@admin.register(PostImage)
class PostImageAdmin(admin.ModelAdmin):
    list_display = ["file", "uploader", "width", "height", "uploaded_at"]
    search_fields = ["file", "uploader__username"]
    list_select_related = ["uploader"]
