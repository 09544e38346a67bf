"""What a request may carry in its body: files only where a view takes them, forms only in UTF-8.

- A view that takes files says so with `@accepts_files(max_bytes=...)` (the
  admin takes files up to IMAGE_MAX_BYTES; superusers upload images there).
  Anywhere else a file part is refused with a 400 before it is stored, so
  nothing rides along on a comment form, and a body declared larger than such
  a form can be is refused before it is read. A file that grows past its view's
  limit while it arrives stops the upload there (the view then says why:
  `upload_refusal(request)`). The proxy in front of gunicorn sets the outer
  bound (README, "Security").
- A form sent as application/x-www-form-urlencoded in another charset is
  refused with a 400 here: Django refuses it too, but by raising from inside
  its CSRF check, which its own 400 page runs again, so it became a 500.
  "utf8" and other names of UTF-8 are read as UTF-8.
"""

import codecs

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

FORM_FIELDS_BYTES = 64 * 1024  # room for the form's other fields beside a file


def accepts_files(*, max_bytes: int, too_large=None):
    """Mark a view as taking uploaded files of at most `max_bytes` each.

    `too_large(request)` is its answer to a body declared larger than that,
    given before the body is read (by default the 400 page).
    """

    def decorate(view):
        view.upload_max_bytes = max_bytes
        view.upload_too_large = too_large
        return view

    return decorate


def _view_of(request):
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    return match


def upload_max_bytes(request) -> int:
    """How large a file the view of this request takes (0: none)."""
    match = _view_of(request)
    if match is None:
        return 0
    if "admin" in match.namespaces:
        return settings.IMAGE_MAX_BYTES
    return getattr(match.func, "upload_max_bytes", 0)


def upload_refusal(request) -> str | None:
    """Why an upload of this request was stopped, if it was."""
    return getattr(request, "_upload_refused", None)


def _too_large_message(max_bytes: int) -> str:
    return _("The file is larger than %(size)s. Make it smaller and try again.") % {
        "size": filesizeformat(max_bytes)
    }


class ExpectedFilesOnly(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: refuses files a view does not take, and stops those too large."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.max_bytes = upload_max_bytes(self.request)
        self.received = 0

    def new_file(self, field_name, file_name, *args, **kwargs):
        if not self.max_bytes:
            raise MultiPartParserError(_("This form takes no files: send it without the attachment."))
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            # Nothing more of it is stored; the form's other fields (its CSRF token
            # among them, often after the file) are still read, within the declared
            # length that the middleware below has bounded.
            self.request._upload_refused = _too_large_message(self.max_bytes)
            raise SkipFile
        return raw_data  # on to the next handler, which stores it

    def file_complete(self, file_size):
        return None


class RequestBodyMiddleware:
    """Before the CSRF check reads the body: refuse what no view could take, and forms we cannot read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def _refusal(request):
        content_type = request.content_type
        if content_type == "application/x-www-form-urlencoded" and request.encoding:
            try:
                is_utf8 = codecs.lookup(request.encoding).name == "utf-8"
            except LookupError:
                is_utf8 = False
            if not is_utf8:
                return _bad_request(
                    request,
                    _("This form was sent in a character set other than UTF-8. Send it again from the page."),
                )
            request.encoding = "utf-8"  # the one spelling Django reads
        if content_type == "multipart/form-data":
            max_bytes = upload_max_bytes(request)
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > (max_bytes or settings.DATA_UPLOAD_MAX_MEMORY_SIZE) + FORM_FIELDS_BYTES:
                match = _view_of(request)
                too_large = getattr(match.func, "upload_too_large", None) if match else None
                if too_large is not None:
                    return too_large(request)
                return _bad_request(
                    request, _("The request is too large. Shorten what you wrote, or send less.")
                )
        return None


def _bad_request(request, message: str):
    return render(request, "400.html", {"exception": message}, status=400)
