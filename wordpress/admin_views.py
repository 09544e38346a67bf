"""The course page's WordPress tools in the instructors' admin: export as WXR, and import a WXR file.

They are pages of the admin (its log-in, staff check, CSRF and look) routed by
wordpress/urls.py, because courses, below this app, must not know it; the
course page links to them by URL name (templates/admin/courses/course/change_form.html).

Who may: the course is looked up through the registered course admin, so its
scoping decides (courses/admin_scoping.py): a course the instructor does not
teach is a 404, as everywhere in the admin. Exporting needs the right to view
the course; importing, to change it and add posts and members (what an import
writes).

The upload is the WXR file alone, up to WXR_UPLOAD_MAX_BYTES. Images come with
`manage.py import_wxr --media DIR` on the server: a whole uploads folder is far
larger than a request may be (README, "Security": the proxy's body limit), and
unpacking archives sent by a browser adds its own dangers; the report lists the
images the file names and the site does not have.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from core.request_body import accepts_files, upload_refusal
from courses.models import Course
from courses.permissions import refuse_if_archived

from .exporter import iter_wxr_bytes, wxr_filename
from .importer import import_wxr
from .wxr import WXRRefused

# Room for years of a course's posts and comments (the seed course is well under 1 MB), and
# within the 12 MB body limit the README asks of the proxy for image uploads.
WXR_UPLOAD_MAX_BYTES = 10 * 1024 * 1024


def _too_large_message() -> str:
    return _(
        "The file is larger than %(size)s, the most this page takes. "
        "Import it with the command instead: manage.py import_wxr FILE --course SLUG."
    ) % {"size": filesizeformat(WXR_UPLOAD_MAX_BYTES)}


def _course_for(request, course_id: int) -> tuple[admin.ModelAdmin, Course]:
    model_admin = admin.site.get_model_admin(Course)
    course = model_admin.get_object(request, str(course_id))
    if course is None:  # superusers only: a scoped user got the 404 already
        raise Http404(_("No such course."))
    return model_admin, course


def _context(request, course: Course, title: str, **extra):
    return {
        **admin.site.each_context(request),
        "opts": Course._meta,
        "original": course,
        "title": title,
        "subtitle": str(course),
        **extra,
    }


def _export(request, course_id: int):
    model_admin, course = _course_for(request, course_id)
    if not model_admin.has_view_permission(request, course):
        raise PermissionDenied(_("You may not export this course."))
    response = StreamingHttpResponse(iter_wxr_bytes(course), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{wxr_filename(course)}"'
    response["Cache-Control"] = "private, no-store"  # it names members' emails
    return response


class WXRUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("WordPress export file (.xml)"), required=False)
    dry_run = forms.BooleanField(
        label=gettext_lazy(
            "Dry run: read the file and show what would be imported, without importing anything"
        ),
        label_suffix="",  # the box comes first, its words after: no colon
        required=False,
    )

    def __init__(self, *args, refusal: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refusal = refusal  # why the upload was stopped while it arrived, if it was

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.refusal:
            raise forms.ValidationError(self.refusal)
        if not upload:
            raise forms.ValidationError(_("Choose the WordPress export file (.xml) to upload."))
        if not upload.name.lower().endswith((".xml", ".wxr")):
            raise forms.ValidationError(
                _("Upload the .xml file WordPress makes under Tools › Export › All content.")
            )
        if upload.size > WXR_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_too_large_message())
        return upload


def _import(request, course_id: int):
    model_admin, course = _course_for(request, course_id)
    if not (
        model_admin.has_change_permission(request, course)
        and request.user.has_perms(["posts.add_post", "courses.add_membership"])
    ):
        raise PermissionDenied(_("You may not import posts into this course."))
    refuse_if_archived(course)  # read only at the term's end: nothing comes in
    refused, report = None, None
    if request.method == "POST":
        form = WXRUploadForm(request.POST, request.FILES, refusal=upload_refusal(request))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_wxr(
                    upload, course=course, dry_run=form.cleaned_data["dry_run"], by=request.user
                )
            except WXRRefused as refusal:
                refused = str(refusal)
    else:
        form = WXRUploadForm()
    context = _context(
        request,
        course,
        _("Import from WordPress"),
        form=form,
        refused=refused,
        report=report,
        dry_run=bool(form.is_bound and form.is_valid() and form.cleaned_data["dry_run"]),
        max_size=filesizeformat(WXR_UPLOAD_MAX_BYTES),
    )
    status = 400 if refused or form.errors else 200
    return TemplateResponse(request, "wordpress/import.html", context, status=status)


def _too_large(request):
    # Answered before the body is read, so before log-in is known: the message names no course.
    return render(request, "400.html", {"exception": _too_large_message()}, status=413)


export_view = admin.site.admin_view(require_safe(_export))  # a download: it changes nothing
import_view = accepts_files(max_bytes=WXR_UPLOAD_MAX_BYTES, too_large=_too_large)(
    admin.site.admin_view(require_http_methods(["GET", "POST"])(_import))
)
