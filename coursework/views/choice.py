"""(being written)"""

from django.http import Http404


def this_week(request, course_slug):
    raise Http404


def week_page(request, course_slug, week):
    raise Http404


def vote(request, course_slug, week):
    raise Http404


def close_early(request, course_slug, week):
    raise Http404
