from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("account/data/", views.my_data, name="my-data"),
    path("account/data/download/", views.my_data_download, name="my-data-download"),
    path("account/data/<slug:course_slug>/pseudonym/", views.pseudonym_renew, name="pseudonym"),
    path("account/data/<slug:course_slug>/withdraw/", views.posts_withdraw, name="withdraw"),
    path("account/delete/", views.account_delete, name="account-delete"),
    path("c/<slug:course_slug>/term-end/", views.course_archive, name="course-archive"),
    path("c/<slug:course_slug>/static-site.zip", views.static_site_download, name="static-site"),
]
