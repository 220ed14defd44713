from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from articles.token_views import api_token_revoke, api_tokens
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
    # API tokens of the logged-in user (articles/token_views.py).
    path("accounts/api-tokens/", api_tokens, name="api_tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", api_token_revoke, name="api_token_revoke"),
    path("", include("articles.urls")),
    path("", include("compare.urls")),
]
