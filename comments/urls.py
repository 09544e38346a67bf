from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/settings/", views.notification_settings, name="notification-settings"),
    path("comments/mute/<str:token>/", views.mute_post, name="mute"),
    path("c/<slug:course_slug>/comments/on/<slug:post_slug>/", views.comment_create, name="create"),
    path("c/<slug:course_slug>/comments/<int:pk>/edit/", views.comment_edit, name="edit"),
    path("c/<slug:course_slug>/comments/<int:pk>/remove/", views.comment_remove, name="remove"),
    path("c/<slug:course_slug>/comments/<int:pk>/moderate/", views.comment_moderate, name="moderate"),
    path("c/<slug:course_slug>/comments/<int:pk>/history/", views.comment_history, name="history"),
]
