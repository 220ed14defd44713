"""schemathesis against the schema the app serves: generated requests to every operation find no
server error, no status code or body the schema does not declare, and the schema is valid.

Bounded: a fixed number of examples per operation, no shrinking past that, derandomised so a
run is repeatable; the app is called in-process through WSGI, on the test database.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from library_texts import FERRY, ORCHARD
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation import GenerationMode

from articles.models import Story
from articles.services import ArticleInput, create_story
from versus.wsgi import application

EXAMPLES = 15


@pytest.fixture
def keep_test_connection():
    """The app is called through WSGI, as a server would: keep Django from closing the test's
    database connection at the end of each request (its test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def served_schema(db, keep_test_connection):
    owner = get_user_model().objects.create_user("reporter")
    create_story("Orchard", [ArticleInput(text=ORCHARD), ArticleInput(text=ORCHARD.replace("forty-one", "forty"))])
    create_story("Ferry", [ArticleInput(text=FERRY)], owner=owner, visibility=Story.Visibility.PRIVATE)
    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


# Every check schemathesis has but one: "a request the schema allows must be accepted". A
# text of the right type can still be untraceable (no sentence of five words): that is a
# documented 400 with a message, not a schema mismatch.
def operations(schema) -> list:
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 5, "every API operation is in the schema"
    return found


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_the_api_answers_every_generated_request_as_its_schema_says(served_schema, mode):
    """Valid requests and invalid ones (wrong types, missing fields): every answer is declared."""
    # schemathesis's own pytest plugin does not run under this pytest; the same checks are
    # run through its hypothesis strategies, operation by operation.
    exercised = 0
    for operation in operations(served_schema):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def answers_as_declared(case) -> None:
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        try:
            answers_as_declared()
        except Unsatisfiable:
            # Nothing invalid can be sent to it (e.g. a path whose only parameter is any string).
            assert mode is GenerationMode.NEGATIVE, operation.label
            continue
        exercised += 1
    assert exercised >= 3
