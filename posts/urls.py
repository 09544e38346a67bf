from django.urls import path

from core.page_cache import cache_anonymous_page

from . import media, views

app_name = "posts"

urlpatterns = [
    path("write/preview/", views.markdown_preview, name="preview"),
    path("write/upload/", views.image_upload, name="upload"),
    # Uploaded images, checked against who may read their post (posts/media.py).
    path("media/<path:name>", media.image, name="image"),
    path("c/<slug:course_slug>/", cache_anonymous_page(views.FrontPageView.as_view()), name="front"),
    path("c/<slug:course_slug>/write/", views.post_write, name="write"),
    path("c/<slug:course_slug>/drafts/", views.DraftListView.as_view(), name="drafts"),
    path("c/<slug:course_slug>/edit/<slug:slug>/", views.post_write, name="edit"),
    path("c/<slug:course_slug>/unpublish/<slug:slug>/", views.post_unpublish, name="unpublish"),
    path(
        "c/<slug:course_slug>/category/<slug:slug>/",
        cache_anonymous_page(views.CategoryView.as_view()),
        name="category",
    ),
    path("c/<slug:course_slug>/tag/<slug:slug>/", cache_anonymous_page(views.TagView.as_view()), name="tag"),
    path(
        "c/<slug:course_slug>/author/<str:author_slug>/",
        cache_anonymous_page(views.AuthorView.as_view()),
        name="author",
    ),
    path(
        "c/<slug:course_slug>/<int:year>/<int:month>/",
        cache_anonymous_page(views.MonthView.as_view()),
        name="archive-month",
    ),
    path(
        "c/<slug:course_slug>/<int:year>/<int:month>/<int:day>/<slug:slug>/",
        cache_anonymous_page(views.PostDetailView.as_view(), query_params=()),
        name="detail",
    ),
]
