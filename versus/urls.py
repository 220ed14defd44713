from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from articles.views import signup
from compare.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    # The read-only JSON API and its OpenAPI schema (compare/api.py).
    path("api/", api.urls),
    path("accounts/signup/", signup, name="signup"),
    # Django's account pages, without password reset by e-mail (Versus sends no e-mail; an admin sets a new one).
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("articles.urls")),
    path("", include("compare.urls")),
]
