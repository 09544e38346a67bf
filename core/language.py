"""The language each user chose, and so the language of every email the site sends them.

A logged-in reader's choice on the switcher is kept (set_language), and so is
the language a user signs up in; an email is then written in its recipient's
language (core/mail.py: in_language_of) whoever's request triggered it and
whatever renders it, a request or the task worker, which has no request.
"""

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.views.i18n import set_language as django_set_language

from .models import UserLanguage


def language_of(user) -> str:
    """The user's chosen language; the site's LANGUAGE_CODE for a user who never chose."""
    if user is None or user.pk is None:
        return settings.LANGUAGE_CODE
    try:
        # One query, or none where the caller select_related("...user__language_preference").
        language = user.language_preference.language
    except UserLanguage.DoesNotExist:
        return settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def prefetch_languages(users) -> None:
    """Read the choices of many users in one query, so that language_of asks no more."""
    prefetch_related_objects(list(users), "language_preference")


def remember_language(user, language: str) -> None:
    """Keep `language` as the user's choice (a code of settings.LANGUAGES; others are ignored)."""
    if language not in dict(settings.LANGUAGES):
        return
    preference, _created = UserLanguage.objects.update_or_create(user=user, defaults={"language": language})
    user.language_preference = preference  # later reads of this user object see the new choice


def set_language(request):
    """Django's set_language, and for a logged-in user the choice kept for their emails.

    Kept exactly when Django sets the language cookie (a known language, posted),
    so the two never disagree; an anonymous reader gets only the cookie, as before.
    """
    response = django_set_language(request)
    chosen = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen is not None and request.user.is_authenticated:
        remember_language(request.user, chosen.value)
    return response
