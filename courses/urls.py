from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.CourseListView.as_view(), name="list"),
    path("join/", views.join, name="join"),
    path("accounts/sign-up/", views.sign_up, name="sign-up"),
    path("invitations/<int:pk>/", views.invitation, name="invitation"),
    path("c/<slug:course_slug>/rotate-join-code/", views.rotate_join_code, name="rotate-join-code"),
]
