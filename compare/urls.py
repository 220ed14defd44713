from django.urls import path, register_converter

from . import views
from .exports import FORMATS
from .trace import views as trace_views

app_name = "compare"


class PassageAddress:
    """A passage of a version in a path: "at-<offset>" (compare/anchors.py) or, in a link made
    before addresses were offsets, the index of its first sentence (taken to its address now)."""

    regex = "at-[0-9]+|[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str | int) -> str:
        return str(value)


register_converter(PassageAddress, "passage")

urlpatterns = [
    path("", views.library, name="library"),
    # The kinds' looks (compare/kinds.py), a stylesheet: our CSP allows no inline styles.
    path("kinds.css", views.kinds_css, name="kinds_css"),
    path("stories/<slug:slug>/", views.story, name="story"),
    # Trace a text across the library (compare/trace/views.py).
    path("trace/", trace_views.trace, name="trace"),
    path("trace/jobs/<str:token>/", trace_views.trace_job, name="trace_job"),
    path("trace/story/", trace_views.trace_story, name="trace_story"),
    path("stories/<slug:slug>/passages/<int:article_id>/<passage:address>/", views.passage, name="passage"),
    # A share link: the same pages, read-only, for anyone holding the token.
    path("s/<slug:token>/", views.shared_story, name="shared_story"),
    path("s/<slug:token>/passages/<int:article_id>/<passage:address>/", views.shared_passage, name="shared_passage"),
    # Downloads of the comparison (compare/exports.py), by the story's address or a share link.
    *(path(f"stories/<slug:slug>/export.{fmt}", views.export, {"fmt": fmt}, name=f"export_{fmt}") for fmt in FORMATS),
    *(
        path(f"s/<slug:token>/export.{fmt}", views.shared_export, {"fmt": fmt}, name=f"shared_export_{fmt}")
        for fmt in FORMATS
    ),
]
