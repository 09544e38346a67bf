"""The course page's WordPress tools, under /admin/wordpress/ (coursesite/urls.py puts them before
the admin's own URLs, whose catch-all would take them). They are admin pages: see admin_views."""

from django.urls import path

from . import admin_views

app_name = "wordpress"

urlpatterns = [
    path("course/<int:course_id>/export/", admin_views.export_view, name="export"),
    path("course/<int:course_id>/import/", admin_views.import_view, name="import"),
]
