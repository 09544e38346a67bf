from django.urls import path

from core.page_cache import cache_anonymous_page

from . import views

app_name = "awards"

urlpatterns = [
    path(
        "c/<slug:course_slug>/hall-of-fame/",
        cache_anonymous_page(views.hall_of_fame, query_params=("page", "type")),
        name="hall-of-fame",
    ),
    path("c/<slug:course_slug>/to-read/", views.to_read, name="to-read"),
    path("c/<slug:course_slug>/award/<slug:slug>/", views.award_give, name="give"),
    path("c/<slug:course_slug>/awards/<int:pk>/revoke/", views.award_revoke, name="revoke"),
]
