"""(being written)"""

from django.http import Http404


def prompt_list(request, course_slug):
    raise Http404


def prompt_detail(request, course_slug, slug):
    raise Http404


def accommodation_save(request, course_slug, slug):
    raise Http404
