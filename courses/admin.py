from django.contrib import admin

from .models import Course, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "term", "slug", "visibility", "join_code"]
    list_filter = ["visibility", "term"]
    search_fields = ["title", "slug", "term"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["join_code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "course", "role", "joined_at"]
    list_filter = ["role", "course"]
    search_fields = ["display_name", "user__username", "user__email", "course__title"]
    autocomplete_fields = ["user", "course"]
    list_select_related = ["user", "course"]
