"""Settings come from the environment and refuse bad values loudly."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def run_check(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=environment, capture_output=True, text=True
    )


def test_it_starts_with_nothing_set():
    result = run_check()
    assert result.returncode == 0, result.stderr


def test_it_refuses_a_debug_value_that_is_not_yes_or_no():
    result = run_check(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a yes/no value" in result.stderr


def test_it_refuses_to_run_in_production_without_a_secret_key():
    result = run_check(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_a_database_it_does_not_support():
    result = run_check(DATABASE_URL="mysql://root@127.0.0.1/versus")
    assert result.returncode != 0
    assert "Versus supports postgres" in result.stderr


def test_it_refuses_a_size_limit_that_is_not_a_number():
    result = run_check(VERSUS_MAX_ARTICLE_CHARACTERS="two million")
    assert result.returncode != 0
    assert "VERSUS_MAX_ARTICLE_CHARACTERS='two million' is not a whole number" in result.stderr


def test_the_old_byte_limit_setting_stops_the_app_saying_what_replaced_it():
    result = run_check(VERSUS_MAX_ARTICLE_BYTES="2000000")
    assert result.returncode != 0
    assert "replaced by VERSUS_MAX_ARTICLE_CHARACTERS" in result.stderr


def test_a_postgres_url_selects_psycopg():
    from versus.settings import database_from_url

    config = database_from_url("postgres://postgres@127.0.0.1:5432/versus")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "versus"
