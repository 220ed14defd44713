"""Production settings pass Django's deployment checks, and the app serves its own static files."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-key-3f9c1e7a2b8d4f6e0a9c5b7d1e3f5a7c9e1b3d5f7a9c",
    "ALLOWED_HOSTS": "versus.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never has it.
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=environment, capture_output=True, text=True
    )


def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_settings_would_fail_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="1")
    assert result.returncode != 0


def test_production_uses_secure_cookies():
    script = "from django.conf import settings; print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    result = manage("shell", "-v0", "-c", script, **PRODUCTION)
    assert result.stdout.split() == ["True", "True"], result.stderr
