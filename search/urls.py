from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("c/<slug:course_slug>/search/", views.results, name="results"),
]
