"""(being written)"""

from django.http import Http404


def digest_list(request, course_slug):
    raise Http404


def digest_detail(request, course_slug, week):
    raise Http404


def digest_edit(request, course_slug, week):
    raise Http404
