from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class UserLanguage(models.Model):
    """The language a user chose (with the switcher, or the one they signed up in).

    Here in core, the lowest app, because every app that sends email reads it
    (core/language.py: language_of). No row: the site's LANGUAGE_CODE.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="language_preference",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("language preference")
        verbose_name_plural = _("language preferences")
        ordering = ["user"]

    def __str__(self):
        words = {"user": self.user, "language": self.get_language_display()}
        return gettext("%(user)s: %(language)s") % words
