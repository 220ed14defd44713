from django.contrib import admin
from django.urls import include, path

from compare.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    # The JSON API (stories read only; trace-a-text, also as background jobs) and its OpenAPI schema (compare/api/).
    path("api/", api.urls),
    # Sign up, log in and out, password change, API tokens (accounts/).
    path("accounts/", include("accounts.urls")),
    path("", include("articles.urls")),
    path("", include("compare.urls")),
]
