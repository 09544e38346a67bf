from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("c/<slug:course_slug>/hall-of-fame/", views.hall_of_fame, name="hall-of-fame"),
    path("c/<slug:course_slug>/to-read/", views.to_read, name="to-read"),
    path("c/<slug:course_slug>/award/<slug:slug>/", views.award_give, name="give"),
    path("c/<slug:course_slug>/awards/<int:pk>/revoke/", views.award_revoke, name="revoke"),
]
