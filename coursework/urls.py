from django.urls import path

from core.page_cache import cache_anonymous_page

from .views import choice, digests, prompts, settings

app_name = "coursework"

urlpatterns = [
    path("week/emails/", settings.email_settings, name="email-settings"),
    path("c/<slug:course_slug>/prompts/", cache_anonymous_page(prompts.prompt_list), name="prompts"),
    path(
        "c/<slug:course_slug>/prompts/<slug:slug>/",
        cache_anonymous_page(prompts.prompt_detail, query_params=()),
        name="prompt",
    ),
    path(
        "c/<slug:course_slug>/prompts/<slug:slug>/accommodation/",
        prompts.accommodation_save,
        name="accommodation",
    ),
    path("c/<slug:course_slug>/choice/", choice.this_week, name="choice"),
    path("c/<slug:course_slug>/choice/<str:week>/", choice.week_page, name="choice-week"),
    path("c/<slug:course_slug>/choice/<str:week>/vote/", choice.vote, name="vote"),
    path("c/<slug:course_slug>/choice/<str:week>/close/", choice.close_early, name="choice-close"),
    path("c/<slug:course_slug>/digests/", cache_anonymous_page(digests.digest_list), name="digests"),
    path(
        "c/<slug:course_slug>/digests/<str:week>/",
        cache_anonymous_page(digests.digest_detail, query_params=()),
        name="digest",
    ),
    path("c/<slug:course_slug>/digests/<str:week>/edit/", digests.digest_edit, name="digest-edit"),
]
