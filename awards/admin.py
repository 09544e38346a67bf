"""Awards in the admin: award types, awards, and the parts awards add to other admins: the
editorial team on the course page, and the "Give award…" action and awards column on posts.

`courses` and `posts` never import awards: coursework/admin.py assembles their
admins with EditorialTermInline and PostAwardsAdminMixin. Instructors see only
their courses (courses/admin_scoping.py); every grant and revocation goes
through awards.services.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.admin_scoping import CourseScopedAdminMixin
from courses.models import Membership

from . import services
from .forms import GiveAwardActionForm
from .models import Award, AwardType, EditorialTerm
from .permissions import AwardRefused, givable_types
from .symbols import symbol_svg


@admin.register(AwardType)
class AwardTypeAdmin(CourseScopedAdminMixin, admin.ModelAdmin):
    course_path = "course"
    list_display = ["name", "symbol_preview", "course", "given_by", "colour"]
    list_filter = ["given_by", ("course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["course"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["course", "name", "slug", "symbol", "colour", "description", "banner_wording", "given_by"]

    @admin.display(description="Symbol")
    def symbol_preview(self, obj):
        return symbol_svg(obj)


@admin.register(Award)
class AwardAdmin(CourseScopedAdminMixin, admin.ModelAdmin):
    """Awards are given from the post page or the posts' "Give award…" action, never typed in here;
    they are revoked (kept, marked), never deleted."""

    course_path = "post__course"
    list_display = ["post", "award_type", "course", "given_by", "given_at", "standing"]
    list_filter = [("award_type", admin.RelatedOnlyFieldListFilter), "given_at"]
    list_select_related = ["post", "post__course", "award_type", "given_by"]
    search_fields = ["post__title", "note", "given_by__username"]
    date_hierarchy = "given_at"
    fields = ["post", "award_type", "given_by", "given_at", "note", "note_public", "revoked_at", "revoked_by"]
    readonly_fields = ["post", "award_type", "given_by", "given_at", "revoked_at", "revoked_by"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Course")
    def course(self, obj):
        return obj.post.course

    @admin.display(description=gettext_lazy("Standing"), boolean=True)
    def standing(self, obj):
        return not obj.is_revoked

    @admin.action(description=gettext_lazy("Revoke selected awards"), permissions=["change"])
    def revoke(self, request, queryset):
        done = 0
        for award in queryset.select_related("post__course", "award_type"):
            try:
                services.award_revoke(award=award, by=request.user)
            except AwardRefused as refusal:
                self.message_user(request, f"“{award}”: {refusal}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                _("%(count)s award(s) revoked. Their records are kept.") % {"count": done},
                messages.SUCCESS,
            )


class EditorialTermInline(CourseScopedAdminMixin, admin.TabularInline):
    model = EditorialTerm
    course_path = "course"
    extra = 1
    fields = ["member", "starts", "ends"]
    verbose_name = gettext_lazy("editorial team term")
    verbose_name_plural = gettext_lazy("editorial team (students; instructors are always on it)")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only members of this course can serve on its team (the model's clean() checks it too).
        members = Membership.objects.filter(course=obj) if obj else Membership.objects.none()
        formset.form.base_fields["member"].queryset = members.select_related("course", "user")
        return formset


@admin.action(description=gettext_lazy("Give award…"), permissions=["change"])
def give_award(modeladmin, request, queryset):
    """Ask for the award type and a note on an intermediate page, then give it through the service."""
    posts = list(queryset.select_related("course", "author"))
    if len({post.course_id for post in posts}) != 1:
        modeladmin.message_user(
            request,
            _("Choose posts of one course at a time: award types belong to a course."),
            messages.ERROR,
        )
        return None
    course = posts[0].course
    award_types = givable_types(request.user, course)
    if not award_types.exists():
        modeladmin.message_user(
            request,
            _("%(course)s has no award types you can give. Add one under Awards first.") % {"course": course},
            messages.ERROR,
        )
        return None
    form = GiveAwardActionForm(request.POST if "apply" in request.POST else None, award_types=award_types)
    if form.is_valid():
        given = 0
        for post in posts:
            try:
                services.award_grant(
                    post=post,
                    award_type=form.cleaned_data["award_type"],
                    by=request.user,
                    note=form.cleaned_data["note"],
                    note_public=form.cleaned_data["note_public"],
                )
            except AwardRefused as refusal:
                modeladmin.message_user(
                    request,
                    _("Not awarded: “%(title)s”: %(reason)s") % {"title": post.title, "reason": refusal},
                    messages.ERROR,
                )
            else:
                given += 1
        if given:
            name = form.cleaned_data["award_type"].name
            modeladmin.message_user(
                request,
                _("%(count)s post(s) awarded a “%(award)s”.") % {"count": given, "award": name},
                messages.SUCCESS,
            )
        return None  # back to the change list
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Give an award"),
        "opts": modeladmin.opts,
        "posts": posts,
        "course": course,
        "form": form,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "awards/admin_give_award.html", context)


class PostAwardsAdminMixin:
    """For the post admin: the "Give award…" action and the standing awards column.

    The admin that uses it lists `give_award` in `actions` and `awards_column` in
    `list_display`; the column reads a prefetch, one query for the whole page.
    """

    def get_queryset(self, request):
        standing = Award.objects.active().for_display()
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("awards", queryset=standing, to_attr="standing_awards"))
        )

    @admin.display(description="Awards")
    def awards_column(self, post):
        return format_html_join(
            " ", "{}", ((symbol_svg(award.award_type),) for award in post.standing_awards)
        )

    give_award = give_award  # the action above, as a method: `actions` names it "give_award"
