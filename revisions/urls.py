from django.urls import path

from . import views

app_name = "revisions"

urlpatterns = [
    path("c/<slug:course_slug>/write/autosave/", views.autosave, name="autosave-new"),
    path("c/<slug:course_slug>/edit/<slug:slug>/autosave/", views.autosave, name="autosave"),
    path("c/<slug:course_slug>/revisions/<slug:slug>/", views.revision_list, name="list"),
    path("c/<slug:course_slug>/revisions/<slug:slug>/compare/", views.revision_diff, name="diff"),
    path(
        "c/<slug:course_slug>/revisions/<slug:slug>/<int:revision_id>/restore/",
        views.revision_restore,
        name="restore",
    ),
]
