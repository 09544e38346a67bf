from django.urls import path

from . import views

app_name = "lti"

urlpatterns = [
    path("lti/jwks.json", views.jwks, name="jwks"),
    path("lti/login/", views.oidc_login, name="login"),
    path("lti/launch/", views.launch, name="launch"),
    path("lti/link/", views.link_course, name="link-course"),
    path("lti/deep-link/", views.deep_link_return, name="deep-link"),
]
