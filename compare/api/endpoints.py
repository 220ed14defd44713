"""The API's endpoints: the NinjaAPI object, its error answers, and one function per operation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from ninja import NinjaAPI, Query, Status
from ninja.errors import HttpError, ValidationError
from ninja.operation import Operation

from articles.access import visible_articles, visible_stories, visible_story
from articles.models import Story
from articles.services import clean_text
from articles.throttle import Rule, Throttled, take
from compare import exports, services, tasks
from compare.models import TraceJob
from compare.trace import jobs as trace_jobs
from compare.trace.service import (
    TraceError,
    TraceTooLarge,
    check_traceable,
    public_dict,
    result_from_dict,
    trace_text,
)
from versus.budget import OverBudget

from .auth import BadToken, TokenAuth, caller
from .schemas import (
    AlignmentOut,
    AlignmentPending,
    ErrorOut,
    StoryDetail,
    StoryList,
    TraceIn,
    TraceJobOut,
    TraceOut,
    VersionDetail,
)

# Seconds a client is asked to wait before asking again for an alignment being computed.
RETRY_AFTER = 5
MAX_PAGE = 100
# Far beyond any library, and well inside the databases' 64-bit integers (a larger offset was a 500).
MAX_OFFSET = 1_000_000_000


# Operations for an account's own things (a background trace is its owner's): no token, no answer.
TOKEN_ONLY = {"compare_api_trace_job_create", "compare_api_trace_job"}


class VersusAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Operation ids are part of the published schema: they stay those of the days when the API was
        one module (compare/api.py), wherever the functions live now."""
        return f"compare_api_{operation.view_func.__name__}"

    def create_response(self, request: HttpRequest, data: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        """Every answer depends on the Authorization header and may hold private stories: a shared
        cache must neither keep it nor hand one caller's answer to another."""
        response = super().create_response(request, data, *args, **kwargs)
        patch_vary_headers(response, ["Authorization"])
        patch_cache_control(response, private=True)
        return response

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        """Every operation may be called without a token too (public stories only): say so in the schema."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for methods in schema["paths"].values():
            for operation in methods.values():
                needs_token = operation.get("operationId") in TOKEN_ONLY
                if "security" in operation and {} not in operation["security"] and not needs_token:
                    operation["security"].append({})
        return schema


api = VersusAPI(
    title="Versus API",
    version="1",
    description=(
        "Access to stories, their versions and alignments (read only), and trace-a-text "
        "(in the request, or for a longer text as a background job of the token's account). "
        "Without a token only public stories are seen; with `Authorization: Bearer <token>` "
        "(made by `python manage.py create_api_token USERNAME`) the token owner's own stories too."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)


# --- errors: always {"error": "..."} ------------------------------------------------------


def _error(request: HttpRequest, message: str, status: int, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"error": message, **extra}, status=status)


@api.exception_handler(BadToken)
def bad_token(request: HttpRequest, exc: BadToken) -> HttpResponse:
    response = _error(request, exc.message, 401)
    response["WWW-Authenticate"] = 'Bearer realm="versus"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, str(exc) or "Not found.", 404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, str(exc), exc.status_code)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = [".".join(str(part) for part in e.get("loc", ())[1:]) or "body" for e in exc.errors]
    message = "The request is not what this endpoint expects" + (f" ({', '.join(fields)})." if fields else ".")
    return _error(request, message, 422)


# --- helpers ------------------------------------------------------------------------------


def _story_out(story: Story, user: User | AnonymousUser, versions: int) -> dict[str, Any]:
    return {
        "slug": story.slug,
        "title": story.title,
        "notes": story.notes,
        "visibility": story.visibility,
        "yours": story.is_owned_by(user),
        "version_count": versions,
        "created_at": story.created_at,
        "updated_at": story.updated_at,
        "url": story.get_absolute_url(),
    }


# --- endpoints ----------------------------------------------------------------------------

# Every operation may answer 401 (a bad token) and 422 (a request it cannot read: a parameter of
# the wrong type, a body that is not the JSON described).
UNAUTHORIZED = {401: ErrorOut, 422: ErrorOut}


@api.get("/stories", response={200: StoryList, **UNAUTHORIZED}, tags=["stories"])
def list_stories(
    request: HttpRequest,
    limit: int = Query(50, description=f"Stories per page; values outside 1–{MAX_PAGE} are brought into it."),
    offset: int = Query(0, description=f"Stories to skip; values outside 0–{MAX_OFFSET:,} are brought into it."),
):
    """The stories the caller may see (their own and public ones), most recently changed first."""
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, min(offset, MAX_OFFSET))
    user = caller(request)
    stories = visible_stories(user)
    page = stories.annotate(version_total=Count("versions"))[offset : offset + limit]
    return {
        "count": stories.count(),
        "limit": limit,
        "offset": offset,
        "stories": [_story_out(s, user, s.version_total) for s in page],
    }


@api.get("/stories/{slug}", response={200: StoryDetail, 404: ErrorOut, **UNAUTHORIZED}, tags=["stories"])
def get_story(request: HttpRequest, slug: str):
    """One story with all its versions: metadata, text and the page clutter marked in each."""
    story = visible_story(caller(request), slug)
    versions = services.versions_of(story)
    out = _story_out(story, caller(request), len(versions))
    out["versions"] = [a.public_dict() for a in versions]
    return out


@api.get(
    "/stories/{slug}/alignment",
    response={200: AlignmentOut, 202: AlignmentPending, 404: ErrorOut, 409: ErrorOut, **UNAUTHORIZED},
    tags=["stories"],
)
def get_alignment(request: HttpRequest, slug: str, response: HttpResponse, base: int | None = None):
    """The comparison of the story's versions (the story page's JSON export).

    If it is still being computed the answer is 202 with a Retry-After header: ask again then.
    ``base``: a version id to measure against (its pairs only); default every pair.
    """
    story = visible_story(caller(request), slug)
    articles = services.versions_of(story)
    try:
        stored = tasks.ensure_alignment(story, articles) if len(articles) > 1 else None
        data = exports.json_data(exports.load(story, articles, stored), base)
    except exports.ExportError as error:
        if error.retry:
            response["Retry-After"] = str(RETRY_AFTER)
            return Status(
                202,
                {
                    "status": "computing",
                    "message": error.message,
                    "progress_done": stored.progress_done if stored else 0,
                    "progress_total": stored.progress_total if stored else 0,
                    "retry_after": RETRY_AFTER,
                },
            )
        status = 404 if error.status == 400 else error.status  # an unknown base version is "not found"
        return Status(status, {"error": error.message})
    return Status(200, data)


@api.get("/versions/{version_id}", response={200: VersionDetail, 404: ErrorOut, **UNAUTHORIZED}, tags=["versions"])
def get_version(request: HttpRequest, version_id: int):
    """One version (one published article) with its text and page clutter."""
    if not 0 < version_id < 2**63:  # no such id, and the database refuses to look one up
        raise Http404("No version here, or not one you may open.")
    article = visible_articles(caller(request)).select_related("story").filter(pk=version_id).first()
    if article is None:
        raise Http404("No version here, or not one you may open.")
    return {**article.public_dict(), "story": article.story.slug}


@api.post(
    "/trace",
    response={200: TraceOut, 400: ErrorOut, 413: ErrorOut, 429: ErrorOut, 503: ErrorOut, **UNAUTHORIZED},
    tags=["trace"],
)
def trace(request: HttpRequest, payload: TraceIn, response: HttpResponse):
    """Find the stored versions the caller may see that share passages with a text, best first.

    413: the text is longer than one request may trace. 429 (with Retry-After): too many traces
    from this token's account or this address in the last minute. 503 (with Retry-After):
    tracing it took longer than one request may compute.
    """
    try:
        take(Rule.named("trace"), request, user=caller(request))
        result = trace_text(payload.text, articles=visible_articles(caller(request)), limit=payload.limit)
    except TraceTooLarge as error:
        # Only a text an article may hold is worth posting to the jobs (the rest is refused there too).
        fits = len(clean_text(payload.text)) <= settings.VERSUS_MAX_ARTICLE_CHARACTERS
        return Status(error.status, {"error": f"{error} {_JOBS_HINT}" if fits else str(error)})
    except TraceError as error:
        return Status(error.status, {"error": str(error)})
    except Throttled as error:
        response["Retry-After"] = str(error.retry_after)
        return Status(429, {"error": str(error)})
    except OverBudget as error:
        response["Retry-After"] = str(error.retry_after)
        return Status(503, {"error": f"{error.message} {_JOBS_HINT}"})
    return Status(200, public_dict(result))


_JOBS_HINT = "With an API token, POST it to /api/trace/jobs to have it traced in the background."


@api.post(
    "/trace/jobs",
    response={202: TraceJobOut, 400: ErrorOut, 413: ErrorOut, 429: ErrorOut, **UNAUTHORIZED},
    tags=["trace"],
)
def trace_job_create(request: HttpRequest, payload: TraceIn, response: HttpResponse):
    """Trace a text on the background worker: for texts longer than one request may trace (up to an
    article's size limit), or that take longer. Needs a token (the job is the token owner's).

    202: the job is queued; its `url` (also the Location header) answers with its status, then
    its result, which is what POST /api/trace answers. 400: no text to trace. 413: longer than an
    article may be. 429 (with Retry-After): the same limit as POST /api/trace, or this account
    already has as many traces waiting or running as it may.
    """
    user = caller(request)
    if not isinstance(user, User):
        response["WWW-Authenticate"] = 'Bearer realm="versus"'
        return Status(401, {"error": "A background trace belongs to an account: send an API token."})
    try:
        take(Rule.named("trace"), request, user=user)
        trace_jobs.check_room(user)
        text, _, _ = check_traceable(payload.text, max_characters=settings.VERSUS_MAX_ARTICLE_CHARACTERS)
    except TraceError as error:
        return Status(error.status, {"error": str(error)})
    except Throttled as error:
        response["Retry-After"] = str(error.retry_after)
        return Status(429, {"error": str(error)})
    job = trace_jobs.queue_trace(user, text, {"limit": str(payload.limit)})
    response["Location"] = reverse("api:trace_job", args=[job.token])
    return Status(202, _trace_job_out(job, user))


@api.get(
    "/trace/jobs/{token}",
    response={200: TraceJobOut, 404: ErrorOut, **UNAUTHORIZED},
    tags=["trace"],
    url_name="trace_job",
)
def trace_job(request: HttpRequest, token: str, response: HttpResponse):
    """A background trace of the token owner's: queued, running, done (with its result) or failed (with why).
    Ask again after Retry-After seconds while it is queued or running."""
    user = caller(request)
    job = None
    if isinstance(user, User) and "\x00" not in token:  # a NUL is refused by Postgres: never looked up
        job = TraceJob.objects.filter(token=token, owner=user).first()
    if job is None or not isinstance(user, User):
        raise Http404("No such trace job, or not one of this token's.")
    job = job.give_up_if_lost()
    if job.status in (TraceJob.Status.QUEUED, TraceJob.Status.RUNNING):
        response["Retry-After"] = str(RETRY_AFTER)
    return Status(200, _trace_job_out(job, user))


def _trace_job_out(job: TraceJob, user: User) -> dict[str, Any]:
    result = job.result if job.status == TraceJob.Status.DONE else None
    return {
        "token": job.token,
        "status": job.status,
        "url": reverse("api:trace_job", args=[job.token]),
        "page": job.get_absolute_url(),
        "created_at": job.created_at,
        "result": public_dict(result_from_dict(result, visible_articles(user))) if result is not None else None,
        "problem": job.problem,
    }


@api.get("/{path:rest}", auth=None, include_in_schema=False, url_name="unknown")
def unknown(request: HttpRequest, rest: str):
    """Any other address under /api/: a JSON "not found" like every other API error, not an HTML page."""
    raise Http404("No such API address. Every address is listed in /api/openapi.json.")
