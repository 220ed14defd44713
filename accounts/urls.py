from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

# No app namespace: these names ("login", "signup"...) are the ones Django's auth views and settings use.
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    # Django's account pages, without password reset by e-mail (Versus sends no e-mail; an admin sets a new one).
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # API tokens of the logged-in user.
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
