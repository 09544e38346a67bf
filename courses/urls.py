from django.urls import path

from . import consent_views, views

app_name = "courses"

urlpatterns = [
    path("", views.CourseListView.as_view(), name="list"),
    path("join/", views.join, name="join"),
    path("accounts/sign-up/", views.sign_up, name="sign-up"),
    path("invitations/<int:pk>/", views.invitation, name="invitation"),
    path("c/<slug:course_slug>/rotate-join-code/", views.rotate_join_code, name="rotate-join-code"),
    path("c/<slug:course_slug>/consent/give/", consent_views.consent_give, name="consent-give"),
    path("c/<slug:course_slug>/consent/revoke/", consent_views.consent_revoke, name="consent-revoke"),
]
