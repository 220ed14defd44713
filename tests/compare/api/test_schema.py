"""The OpenAPI schema the app serves: valid OpenAPI 3, complete, and true to what the API answers."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLResolver, get_resolver
from library_texts import FERRY, NEW_PASSAGE, ORCHARD, paragraphs
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from accounts.tokens import create_api_token
from articles.models import Story
from articles.services import ArticleInput, create_story

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/openapi.json"


@pytest.fixture
def schema(client) -> dict:
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def api_routes() -> set[str]:
    """Every operation path mounted under /api/, read from Django's URL configuration."""
    api = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "api/")
    routes = set()
    for pattern in api.url_patterns:
        if pattern.name in ("openapi-json", "openapi-view", "api-root", "unknown"):  # not API operations
            continue
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        routes.add("/api/" + route.rstrip("/"))
    return routes


def check(schema: dict, path: str, method: str, response) -> None:
    """The response's JSON matches what the schema declares for this path, method and status."""
    declared = schema["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in declared, f"{method.upper()} {path} answered {status}, which the schema does not declare"
    body_schema = dict(declared[status]["content"]["application/json"]["schema"])
    body_schema["components"] = schema["components"]  # so that "#/components/..." references resolve
    OAS31Validator(body_schema).validate(response.json())


def test_the_served_schema_is_valid_openapi_3(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Versus API"


def test_the_schema_lists_every_api_path(schema):
    routes = api_routes()
    assert len(routes) >= 5
    assert routes == set(schema["paths"])


def test_the_schema_says_a_token_is_optional_but_for_an_accounts_own_background_traces(schema):
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    optional = set()
    for methods in schema["paths"].values():
        for operation in methods.values():
            assert {"TokenAuth": []} in operation["security"]
            if {} in operation["security"]:
                optional.add(operation["operationId"])
    everything = {op["operationId"] for methods in schema["paths"].values() for op in methods.values()}
    assert everything - optional == {"compare_api_trace_job_create", "compare_api_trace_job"}


def test_responses_match_their_declared_schemas(client, schema):
    owner = get_user_model().objects.create_user("reporter")
    _, token = create_api_token(owner, "t")
    auth = {"Authorization": f"Bearer {token}"}
    public = create_story(
        "Orchard", [ArticleInput(text=ORCHARD), ArticleInput(text=ORCHARD.replace("forty-one", "forty"))]
    )
    mine = create_story(
        "Ferry",
        [ArticleInput(text=FERRY, outlet="Bay News"), ArticleInput(text=FERRY.replace("Tuesday", "Monday"))],
        owner=owner,
        visibility=Story.Visibility.PRIVATE,
    )
    version = mine.versions.first()

    check(schema, "/api/stories", "get", client.get("/api/stories"))
    check(schema, "/api/stories", "get", client.get("/api/stories", headers=auth))
    check(schema, "/api/stories", "get", client.get("/api/stories", headers={"Authorization": "Bearer vs_x"}))
    check(schema, "/api/stories/{slug}", "get", client.get(f"/api/stories/{mine.slug}", headers=auth))
    check(schema, "/api/stories/{slug}", "get", client.get(f"/api/stories/{mine.slug}"))  # 404
    check(schema, "/api/stories/{slug}/alignment", "get", client.get(f"/api/stories/{public.slug}/alignment"))
    check(schema, "/api/versions/{version_id}", "get", client.get(f"/api/versions/{version.pk}", headers=auth))
    traced = "\n\n".join(paragraphs(ORCHARD)[1:3] + [NEW_PASSAGE])
    response = client.post("/api/trace", {"text": traced}, content_type="application/json")
    assert response.json()["sources"], "the orchard story should be found"
    check(schema, "/api/trace", "post", response)
    check(schema, "/api/trace", "post", client.post("/api/trace", {"text": ""}, content_type="application/json"))


def test_the_docs_page_uses_our_own_swagger_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_every_operation_documents_the_422_it_answers_to_a_request_it_cannot_read(client, schema):
    for methods in schema["paths"].values():
        for operation in methods.values():
            assert "422" in operation["responses"]
    response = client.get("/api/stories", {"limit": "many"})
    assert response.status_code == 422
    check(schema, "/api/stories", "get", response)
    response = client.post("/api/trace", {"words": "no text field"}, content_type="application/json")
    check(schema, "/api/trace", "post", response)


def test_fixed_length_arrays_are_written_the_openapi_3_1_way(schema):
    """OpenAPI 3.1 is JSON Schema 2020-12: a tuple is ``prefixItems``; ``items`` is never a list."""

    def walk(node):
        if isinstance(node, dict):
            assert not isinstance(node.get("items"), list), node
            for value in node.values():
                yield from walk(value)
            if "prefixItems" in node:
                yield node
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    tuples = list(walk(schema))
    assert tuples, "the pair spans are tuples"
    assert all(t["minItems"] == t["maxItems"] == len(t["prefixItems"]) for t in tuples)


def test_the_schema_says_what_each_share_and_the_similarity_measure(schema):
    components = schema["components"]["schemas"]
    alignment = components["AlignmentOut"]["properties"]
    assert "not a share of one text" in alignment["similarity"]["description"]
    assert "edited one 0.8" in alignment["similarity"]["description"]
    assert "Copied = verbatim + edited" in alignment["shares"]["description"]
    source = components["SourceGuess"]["properties"]
    # The evidence names versions as the page does; each version carries that name as `label`.
    assert "named by `label`" in source["evidence"]["description"]
    assert "Version N" in components["VersionOut"]["properties"]["label"]["description"]
    assert "facts" in source
    assert "half its paraphrased text" in components["SourceFactOut"]["properties"]["derived"]["description"]
    assert "compared by words alone" in components["TracedSourceOut"]["properties"]["share"]["description"]
