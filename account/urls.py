from django.urls import path

from . import views

app_name = "account"

urlpatterns = [
    path("account/", views.account_home, name="home"),
    path("account/names/<slug:course_slug>/", views.display_name, name="display-name"),
    path("account/email/", views.email_change, name="email-change"),
    path("account/email/confirm/<str:token>/", views.email_confirm, name="email-confirm"),
    path("account/whats-new/", views.WhatsNewView.as_view(), name="whats-new"),
    path("account/whats-new/read/", views.notices_read, name="notices-read"),
    path("account/whats-new/<int:pk>/open/", views.notice_open, name="notice-open"),
]
