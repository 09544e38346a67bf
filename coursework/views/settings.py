"""(being written)"""

from django.http import Http404


def email_settings(request):
    raise Http404
