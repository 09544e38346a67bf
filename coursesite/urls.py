from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import JavaScriptCatalog

from core.language import set_language  # Django's, and it keeps a logged-in user's choice
from courses import admin_scoping
from courses import views as course_views
from courses.forms import AdminLockoutAuthenticationForm
from posts import sitemaps

# The admin's own log-in page locks out guessing the way the site's does.
admin.site.login_form = AdminLockoutAuthenticationForm

urlpatterns = [
    # "View on site" only for objects the user may see in the admin (before the admin's own).
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(admin_scoping.view_on_site),
        name="scoped-view-on-site",
    ),
    path("admin/wordpress/", include("wordpress.urls")),  # the course page's WXR export and import
    path("admin/", admin.site.urls),
    # Log-in and password reset with lockout and rate limits; the rest is Django's.
    path("accounts/login/", course_views.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", course_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("courses.urls")),
    path("", include("posts.urls")),
    path("", include("comments.urls")),
    path("", include("awards.urls")),
    path("", include("coursework.urls")),
    path("", include("search.urls")),
    path("", include("revisions.urls")),
    path("", include("feeds.urls")),
    path("", include("account.urls")),
    path("", include("lti.urls")),  # the campus LMS link (LTI 1.3)
    path("", include("privacy.urls")),
    path("", include("ops.urls")),  # /healthz
    # The language switcher takes no CSRF token: a token in every page's footer would keep every page
    # out of the cache. It sets the reader's language cookie and keeps a logged-in user's choice for
    # their emails (core/language.py); a forged cross-site POST carries no session cookie (SameSite=Lax),
    # so it can set at most the cookie, as before.
    path("language/", csrf_exempt(set_language), name="set-language"),
    # Our scripts' strings in the reader's language (cache_page keeps one copy per language).
    path("jsi18n/", cache_page(60 * 60)(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    # For crawlers: public courses only (posts/sitemaps.py).
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap-section"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
