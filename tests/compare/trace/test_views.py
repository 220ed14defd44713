"""The trace-a-text page: the form, the ranked result (page and htmx fragment), and "make a story from this"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from library_texts import FERRY, NEW_PASSAGE, OBSERVATORY, ORCHARD, paragraphs
from pages_server import serve
from people import make_user

from articles.models import Article, Story
from articles.services import ArticleInput, create_story

pytestmark = pytest.mark.django_db

TRACE = "/trace/"
MAKE = "/trace/story/"


def store(title: str, text: str, owner=None, public: bool = True, **meta) -> Article:
    visibility = Story.Visibility.PUBLIC if public else Story.Visibility.PRIVATE
    story = create_story(title, [ArticleInput(text=text, **meta)], owner=owner, visibility=visibility)
    return story.versions.get()


@pytest.fixture
def library(teacher) -> dict[str, Article]:
    other = make_user("journalist")
    return {
        "orchard": store("Orchard rescue", ORCHARD, outlet="Marrowfield Gazette", headline="Pear orchard saved"),
        "sky": store("Observatory", OBSERVATORY, outlet="Cragmoor Courier"),
        "mine": store("My ferry notes", FERRY, owner=teacher, public=False, outlet="Teacher copy"),
        "theirs": store("Their ferry scoop", FERRY, owner=other, public=False, outlet="Secret Desk"),
    }


def mixed_text() -> str:
    """Three orchard paragraphs, one observatory paragraph and a new passage."""
    return "\n\n".join(paragraphs(ORCHARD)[1:4] + paragraphs(OBSERVATORY)[2:3] + [NEW_PASSAGE])


def test_the_page_shows_the_form_and_is_linked_from_the_header(client):
    response = client.get(TRACE)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<textarea id="trace-text" name="text"' in html
    assert f'href="{reverse("compare:trace")}">Trace a text</a>' in html


def test_it_ranks_the_sources_and_shows_the_traced_and_new_shares(client, library):
    response = client.post(TRACE, {"text": mixed_text()})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.article for row in rows] == [library["orchard"], library["sky"]]
    assert rows[0].percent > rows[1].percent > 0
    html = response.content.decode()
    assert "Marrowfield Gazette" in html and "Cragmoor Courier" in html
    assert "“Pear orchard saved”" in html
    traced = response.context["traced_percent"]
    assert 50 < traced < 100
    assert f"{traced}% of the text traced to the library, {100 - traced}% new" in html
    # Every source's bar is drawn by the server, with its percentage in words beside it.
    assert f'<strong class="source-share">{rows[0].percent}% of your text found in it</strong>' in html
    assert 'class="seg seg-verbatim"' in html
    assert '<span class="badge badge-verbatim">verbatim</span>' in html


def test_the_page_says_its_figures_compare_words_alone_and_each_sources_kinds_add_up(client, library):
    response = client.post(TRACE, {"text": mixed_text()})
    assert "compared by their words alone" in response.content.decode()
    for row in response.context["rows"]:
        assert sum(pct for _, pct, _ in row.parts) == row.percent


def test_traced_passages_are_highlighted_and_linked_to_their_source(client, library):
    response = client.post(TRACE, {"text": mixed_text()})
    pieces = response.context["pieces"]
    assert "".join(p.text for p in pieces) == response.context["result"].text
    orchard_url = library["orchard"].story.get_absolute_url()
    marked = [p for p in pieces if p.kind]
    assert any("forty-one trees" in p.text and p.url == orchard_url and p.rank == 1 for p in marked)
    new = [p for p in pieces if "night trains" in p.text]
    assert new and not any(p.kind for p in new)
    html = response.content.decode()
    assert f'<a class="traced traced-verbatim" href="{orchard_url}"' in html


def test_htmx_gets_only_the_result_fragment(client, library):
    response = client.post(TRACE, {"text": mixed_text()}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="trace-result"')
    assert "<html" not in html and "<textarea" not in html
    assert "Marrowfield Gazette" in html


def test_a_visitor_traces_against_public_stories_only(client, library):
    response = client.post(TRACE, {"text": FERRY})
    assert response.context["rows"] == []
    html = response.content.decode()
    assert "Nothing traced." in html
    assert "Secret Desk" not in html and "Teacher copy" not in html


def test_a_user_finds_their_own_private_story_but_never_another_users(client, teacher, library):
    client.force_login(teacher)
    response = client.post(TRACE, {"text": FERRY})
    articles = [row.article for row in response.context["rows"]]
    assert articles == [library["mine"]]
    html = response.content.decode()
    assert "Teacher copy" in html
    assert "Secret Desk" not in html and "Their ferry scoop" not in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "There is no text to trace."),
        ("   \n\n  ", "There is no text to trace."),
        ("Share this.", "has no sentence of at least"),
    ],
)
def test_bad_text_gets_a_clear_message_and_the_text_is_kept(client, library, text, message):
    response = client.post(TRACE, {"text": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Your text is still in the box above." in html
    assert f'name="text" rows="12" aria-describedby="trace-text-help">{text}</textarea>' in html


def test_a_text_over_the_size_limit_is_refused_and_kept(client, library, settings):
    settings.VERSUS_MAX_ARTICLE_CHARACTERS = 1000
    text = mixed_text() * 3
    response = client.post(TRACE, {"text": text})
    assert response.status_code == 413
    assert "more than the limit of" in response.content.decode()
    assert response.context["asked"].text == text


def test_a_text_longer_than_one_request_may_trace_is_refused_and_kept(client, library, settings):
    settings.VERSUS_TRACE_MAX_CHARACTERS = 500
    text = mixed_text()
    response = client.post(TRACE, {"text": text})
    assert response.status_code == 413
    assert "Versus traces at most 500 at a time" in response.content.decode()
    assert response.context["asked"].text == text


def test_a_trace_over_its_time_budget_is_a_503_with_retry_after_and_the_text_is_kept(client, library, settings):
    settings.VERSUS_TRACE_SECONDS = 0.0001  # the engine is interrupted inside its work
    text = mixed_text()
    response = client.post(TRACE, {"text": text})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "seconds one request may use" in response.content.decode()
    assert response.context["asked"].text == text
    # Nothing was left half done: the next request is served as usual.
    settings.VERSUS_TRACE_SECONDS = 30
    assert client.post(TRACE, {"text": text}).status_code == 200


def test_a_problem_comes_back_as_a_fragment_for_htmx(client, library):
    response = client.post(TRACE, {"text": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert 'role="alert"' in response.content.decode()


def test_text_that_matches_nothing_says_so(client, library):
    response = client.post(TRACE, {"text": NEW_PASSAGE})
    assert response.status_code == 200
    assert "Nothing traced." in response.content.decode()


def test_a_visitor_cannot_trace_a_web_address(client, library):
    response = client.post(TRACE, {"url": "http://127.0.0.1:9/article"})
    assert response.status_code == 400
    assert "Log in to trace a web page" in response.content.decode()


def test_a_visitor_is_offered_a_login_instead_of_making_a_story(client, library):
    html = client.post(TRACE, {"text": mixed_text()}).content.decode()
    assert "Log in to make a story" in html
    assert f'action="{MAKE}"' not in html
    response = client.post(MAKE, {"text": mixed_text()})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Story.objects.count() == 4


def test_making_a_story_copies_the_text_and_its_sources_and_opens_the_comparison(client, teacher, library):
    client.force_login(teacher)
    text = mixed_text()
    page = client.post(TRACE, {"text": text}).content.decode()
    assert f'action="{MAKE}"' in page and "Make a story from this" in page
    response = client.post(MAKE, {"text": text})
    story = Story.objects.exclude(pk__in=[a.story_id for a in library.values()]).get()
    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()
    assert story.owner == teacher and story.visibility == Story.Visibility.PRIVATE
    versions = list(story.versions.order_by("position"))
    assert versions[0].text == text.strip()
    copies = versions[1:]
    assert [v.text for v in copies] == [library["orchard"].text, library["sky"].text]
    assert [v.outlet for v in copies] == ["Marrowfield Gazette", "Cragmoor Courier"]
    assert copies[0].headline == "Pear orchard saved"
    assert "Orchard rescue" in story.notes
    # The originals are untouched: copies are new versions in the new story.
    assert library["orchard"].story.versions.count() == 1
    opened = client.get(response["Location"])
    assert opened.status_code == 200
    assert "was made with the traced text and 2 sources" in opened.content.decode()


def test_making_a_story_never_copies_another_users_private_article(client, teacher, library):
    intruder = make_user("intruder")
    client.force_login(intruder)
    response = client.post(MAKE, {"text": FERRY + "\n\n" + paragraphs(ORCHARD)[1]})
    story = Story.objects.get(owner=intruder)
    assert response.status_code == 302
    assert [v.outlet for v in story.versions.order_by("position")][1:] == ["Marrowfield Gazette"]
    assert not story.versions.filter(outlet__in=["Secret Desk", "Teacher copy"]).exists()


def test_making_a_story_from_untraceable_text_explains_and_saves_nothing(client, teacher, library):
    client.force_login(teacher)
    response = client.post(MAKE, {"text": NEW_PASSAGE})
    assert response.status_code == 400
    assert "The story could not be made." in response.content.decode()
    assert Story.objects.filter(owner=teacher).count() == 1  # their ferry notes only


GAZETTE = (
    "The old swing bridge over the harbour mouth stayed open on Tuesday after a motor failed, cutting the town in two."
    "\n\nCommuters queued for the foot ferry, which the council said would run every ten minutes."
    "\n\nEngineers expect to fit a spare motor by Thursday evening, the harbour master told reporters at the quay."
)


@pytest.mark.django_db(transaction=True)
def test_a_user_traces_a_web_page_and_its_details_go_into_the_story(client, teacher, settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True  # the page server is on 127.0.0.1
    source = store("Bridge", GAZETTE, outlet="Harbour wire")
    client.force_login(teacher)
    with serve() as base:
        response = client.post(TRACE, {"url": f"{base}/article"}, follow=True)  # fetched by the worker
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith("/trace/jobs/")
    assert [row.article for row in response.context["rows"]] == [source]
    asked = response.context["asked"]
    assert asked.outlet == "The Harbour Gazette" and asked.source_url == f"{base}/article"
    html = response.content.decode()
    assert '<input type="hidden" name="outlet" value="The Harbour Gazette">' in html
    made = client.post(
        MAKE, {"text": response.context["result"].text, "outlet": asked.outlet, "source_url": asked.source_url}
    )
    traced = Story.objects.get(owner=teacher).versions.order_by("position").first()
    assert made.status_code == 302
    assert traced.outlet == "The Harbour Gazette" and traced.source == Article.Source.URL


@pytest.mark.django_db(transaction=True)
def test_tracing_a_web_page_keeps_the_ssrf_checks_and_the_import_limit(client, teacher, settings):
    settings.VERSUS_URL_IMPORTS_PER_MINUTE = 1
    client.force_login(teacher)
    with serve() as base:
        refused = client.post(TRACE, {"url": f"{base}/article"}, follow=True)
        assert "only fetches pages from public websites" in refused.content.decode()  # told by the worker
        settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True
        again = client.post(TRACE, {"url": f"{base}/article"})
    assert again.status_code == 400
    assert "at most 1 web page a minute" in again.content.decode()
    assert again.context["asked"].url == f"{base}/article"


def test_naming_more_sources_asks_the_database_nothing_more(client, library):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.post(TRACE, {"text": mixed_text()}).status_code == 200
        return len(captured)

    two_sources = queries()
    # Two more stories holding the orchard text: four sources named on the page, as many queries.
    store("Orchard reprint", ORCHARD, outlet="Valley Echo")
    store("Orchard again", ORCHARD, outlet="Hill Weekly")
    assert len(client.post(TRACE, {"text": mixed_text()}).context["rows"]) == 4
    assert queries() == two_sources
