"""The term's end in the admin: the course page links to archiving and to the static-site download.

The course admin belongs to the courses app, which may not know this app: the
links are added here by registering a subclass of the course admin in place,
as coursework/admin.py does for its participation report. The subclass is of
whichever admin is registered now (this app comes last), so the others' additions stay.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from courses.models import Course

CourseAdmin = type(admin.site.get_model_admin(Course))


class TermEndCourseAdmin(CourseAdmin):
    change_form_template = "privacy/admin/course_change_form.html"
    list_display = [*CourseAdmin.list_display, "archived"]
    list_filter = [*CourseAdmin.list_filter, ("archived_at", admin.EmptyFieldListFilter)]

    @admin.display(description=gettext_lazy("Archived"), boolean=True, ordering="archived_at")
    def archived(self, course):
        return course.archived_at is not None


admin.site.unregister(Course)
admin.site.register(Course, TermEndCourseAdmin)
