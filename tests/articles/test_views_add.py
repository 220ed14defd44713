"""Adding stories and versions through the browser, and deleting them with confirmation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pages_server import serve

from articles.extract import article_from_file
from articles.models import Article, Story

pytestmark = pytest.mark.django_db

HARBOUR = (
    "The old swing bridge over the harbour mouth stayed open on Tuesday after a motor failed.\n\n"
    "Commuters queued for the foot ferry, which the council said would run every ten minutes.\n\n"
    "Share Tweet Email\n\n"
    "Leave a Reply\n\nYour email address will not be published."
)
HARBOUR_REWRITE = (
    "A broken motor left the harbour's swing bridge open for a second day, the council said.\n\n"
    "A foot ferry is running every ten minutes while engineers wait for a spare part."
)
PAGE = """<html><head><title>Bridge stuck | Coast Radio</title>
<meta property="og:site_name" content="Coast Radio"><meta property="og:title" content="Bridge stuck again">
</head><body><article><h1>Bridge stuck again</h1>
<p>Engineers at the harbour said on Wednesday that the spare motor for the swing bridge would arrive by Thursday.</p>
<p>Until then the foot ferry will carry commuters across the harbour mouth every ten minutes, the council said.</p>
<script>alert('page')</script></article></body></html>"""


@pytest.fixture
def client(client, django_user_model):
    """A teacher who is logged in: adding and deleting stories needs an account."""
    client.force_login(django_user_model.objects.create_user("teacher"))
    return client


def new_story(client, **data):
    files = data.pop("files", [])
    follow = data.pop("follow", False)
    payload = {"title": "Harbour bridge", "notes": "", **data}
    if files:
        payload["files"] = files
    return client.post(reverse("articles:story_new"), payload, follow=follow)


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8") if isinstance(content, str) else content)


def test_the_add_page_offers_the_three_ways_in_with_labels_and_help(client):
    response = client.get(reverse("articles:story_new"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Title of the story", "Paste versions", "Upload files", "Import from the web", "Article text"):
        assert text in html
    assert 'enctype="multipart/form-data"' in html
    assert 'class="help"' in html
    assert "multiple" in html


def test_pasting_a_version_creates_a_story_and_marks_its_junk(client):
    response = new_story(client, headline="Bridge stuck open", outlet="The Harbour Gazette", text=HARBOUR)
    story = Story.objects.get()
    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()
    article = story.versions.get()
    assert article.outlet == "The Harbour Gazette"
    assert article.source == Article.Source.PASTE
    reasons = {reason for _, _, reason in article.junk_spans}
    assert reasons == {"share buttons", "comment form"}
    assert article.text.startswith("The old swing bridge")  # the junk is marked, not deleted
    assert "Leave a Reply" in article.text


def test_a_title_pasted_as_html_gets_an_address_that_reads_like_it_and_is_shown_as_typed(client):
    typed = "<b>Ferry &amp; port</b> strike"
    response = new_story(client, title=typed, text=HARBOUR, follow=True)
    story = Story.objects.get()
    assert story.slug == "ferry-port-strike"
    assert story.title == typed
    html = response.content.decode()
    assert "&lt;b&gt;Ferry &amp;amp; port&lt;/b&gt; strike" in html
    assert "<b>Ferry" not in html


RADIO = "The harbour swing bridge is stuck open again and the ferry is full, listeners told Coast Radio on Wednesday."


def test_the_add_page_offers_three_paste_boxes_each_with_its_own_outlet(client):
    html = client.get(reverse("articles:story_new")).content.decode()
    for box in (1, 2, 3):
        assert f"<legend>Version {box}</legend>" in html
    assert 'name="text_3"' in html and 'name="outlet_3"' in html and 'name="text_4"' not in html
    assert "More paste boxes" in html


def test_three_pasted_versions_make_a_story_of_three_at_once(client):
    response = new_story(
        client,
        text=HARBOUR,
        outlet="Gazette",
        text_2=HARBOUR_REWRITE,
        outlet_2="Evening Post",
        published_on_2="2025-03-05",
        text_3=RADIO,
        outlet_3="Coast Radio",
    )
    assert response.status_code == 302
    story = Story.objects.get()
    assert [(a.outlet, a.position) for a in story.versions.all()] == [
        ("Gazette", 0),
        ("Evening Post", 1),
        ("Coast Radio", 2),
    ]
    assert str(story.versions.get(outlet="Evening Post").published_on) == "2025-03-05"
    assert all(a.source == Article.Source.PASTE for a in story.versions.all())


def test_empty_paste_boxes_are_ignored(client):
    response = new_story(client, text="", text_2=HARBOUR, text_3="   ", follow=True)
    assert "Added 1 version" in response.content.decode()
    assert Story.objects.get().versions.get().text.startswith("The old swing bridge")


def test_each_bad_paste_box_says_what_is_wrong_with_it_and_everything_typed_is_kept(client, settings):
    settings.VERSUS_MAX_ARTICLE_CHARACTERS = 1000
    response = new_story(
        client, text=HARBOUR_REWRITE, text_2="Bridge stuck", outlet_3="Long Gazette", text_3="word " * 400
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Pasted version 2: the text has fewer than three words" in html
    assert "Long Gazette: the text is 1,999 characters long" in html
    # Each message at its own box, and the summary says which box.
    assert 'id="id_text_2_error"' in html and 'id="id_text_3_error"' in html
    assert '<a href="#id_text_2">Version 2, article text</a>' in html
    assert "A broken motor left the harbour&#x27;s swing bridge open" in html
    assert ">\nBridge stuck</textarea>" in html and 'value="Long Gazette"' in html
    assert not Story.objects.exists()


def test_details_in_a_box_without_its_text_are_refused_at_that_box(client):
    response = new_story(client, text=HARBOUR, outlet_2="Coast Radio")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_text_2_error"' in html and "its text is empty" in html
    assert 'value="Coast Radio"' in html


def test_the_same_text_in_two_boxes_is_refused_naming_the_boxes(client):
    response = new_story(client, text=HARBOUR, text_2=HARBOUR.replace("\n\n", "\r\n\r\n"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Pasted version 2 has the same text as Pasted version 1" in html
    assert 'id="id_text_2_error"' in html
    assert not Story.objects.exists()


def test_more_paste_boxes_gives_the_form_back_as_typed_with_more_boxes(client):
    response = new_story(client, title="Bridge", text=HARBOUR, outlet_2="Coast Radio", boxes="3", more_boxes="1")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="text_6"' in html and 'name="boxes" value="6"' in html
    assert 'value="Bridge"' in html and 'value="Coast Radio"' in html and "The old swing bridge" in html
    assert "That did not work" not in html
    assert not Story.objects.exists()
    # The six boxes stay when the form is sent.
    response = new_story(client, text=HARBOUR, text_6=RADIO, boxes="6")
    assert response.status_code == 302
    assert Story.objects.get().versions.count() == 2


def test_paste_boxes_never_outnumber_the_versions_a_story_may_hold(client, settings):
    settings.VERSUS_MAX_VERSIONS_PER_STORY = 4
    html = new_story(client, boxes="3", more_boxes="1").content.decode()
    assert 'name="text_4"' in html and 'name="text_5"' not in html
    assert "More paste boxes" not in html
    html = new_story(client, boxes="99").content.decode()
    assert 'name="text_4"' in html and 'name="text_5"' not in html


def test_pasted_versions_count_against_the_version_limit(client, settings):
    settings.VERSUS_MAX_VERSIONS_PER_STORY = 2
    response = new_story(client, text=HARBOUR, text_2=HARBOUR_REWRITE, files=[upload("radio.txt", RADIO)])
    assert response.status_code == 400
    assert "at most 2 versions" in response.content.decode()
    assert not Story.objects.exists()


def test_adding_a_version_offers_one_paste_box_and_more_on_request(client):
    new_story(client, text=HARBOUR, outlet="Gazette")
    story = Story.objects.get()
    url = reverse("articles:version_add", args=[story.slug])
    html = client.get(url).content.decode()
    assert 'name="text"' in html and 'name="text_2"' not in html
    html = client.post(url, {"text": HARBOUR_REWRITE, "more_boxes": "1"}).content.decode()
    assert 'name="text_4"' in html and "A broken motor left the harbour" in html
    response = client.post(url, {"text": HARBOUR_REWRITE, "text_3": RADIO, "boxes": "4"})
    assert response.status_code == 302
    assert story.versions.count() == 3


def test_a_story_page_message_says_what_was_added(client):
    response = new_story(client, text=HARBOUR, follow=True)
    assert "Added 1 version to “Harbour bridge”" in response.content.decode()


def test_an_empty_submission_says_what_to_do(client):
    response = new_story(client)
    assert response.status_code == 400
    assert "Nothing to add yet" in response.content.decode()
    assert not Story.objects.exists()


def test_details_without_text_are_refused_and_the_details_are_kept(client):
    response = new_story(client, headline="Bridge stuck open", outlet="Coast Radio", text="   ")
    html = response.content.decode()
    assert response.status_code == 400
    assert "its text is empty" in html
    assert 'value="Bridge stuck open"' in html
    assert 'value="Coast Radio"' in html


def test_a_missing_title_keeps_the_pasted_text(client):
    response = new_story(client, title="", text=HARBOUR_REWRITE)
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required" in html
    assert "A broken motor left the harbour&#x27;s swing bridge open" in html
    assert not Story.objects.exists()


def test_the_add_buttons_carry_what_they_say_while_sending_and_come_back_ready_after_a_refusal(client):
    story = new_story(client, text=HARBOUR, follow=True).context["story"]
    pages = [
        (client.get(reverse("articles:story_new")), "Add the story"),
        (new_story(client, title="", text=HARBOUR_REWRITE), "Add the story"),  # refused: the form comes back
        (client.get(reverse("articles:version_add", args=[story.slug])), "Add to the story"),
    ]
    for response, label in pages:
        html = response.content.decode()
        # The page's script shows the words while the form is sent; the page itself has the button
        # ready (never disabled, never busy), so without JavaScript the form simply submits.
        # autocomplete=off: Firefox would keep a scripted "disabled" across a reload.
        assert f'<button type="submit" data-busy="Reading the versions…" autocomplete="off">{label}</button>' in html
        assert "disabled" not in html and "aria-busy" not in html
        # Where screen readers hear it: a status, empty until the form is sent.
        assert '<p class="busy-status" role="status" data-busy-status></p>' in html


def test_uploading_several_files_at_once_adds_one_version_each(client):
    files = [
        upload("gazette.txt", HARBOUR),
        upload("radio.html", PAGE),
        upload("notes.md", "# Bridge update\n\nThe **council** says the ferry will run all week, every ten minutes."),
    ]
    response = new_story(client, files=files)
    assert response.status_code == 302
    story = Story.objects.get()
    by_file = {a.filename: a for a in story.versions.all()}
    assert set(by_file) == {"gazette.txt", "radio.html", "notes.md"}
    radio = by_file["radio.html"]
    assert radio.outlet == "Coast Radio"
    assert radio.headline == "Bridge stuck again"
    assert "spare motor for the swing bridge" in radio.text
    assert "alert" not in radio.text
    assert radio.raw == PAGE
    assert (
        by_file["notes.md"].text == "Bridge update\n\nThe council says the ferry will run all week, every ten minutes."
    )
    assert [a.position for a in story.versions.all()] == [0, 1, 2]


def test_a_damaged_pdf_among_the_files_is_refused_and_nothing_is_saved(client):
    files = [upload("gazette.txt", HARBOUR), upload("scan.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3 binary")]
    response = new_story(client, files=files)
    html = response.content.decode()
    assert response.status_code == 400
    assert "scan.txt: this PDF is damaged" in html
    assert "Nothing was saved; choose your files again" in html
    assert not Story.objects.exists()
    assert not Article.objects.exists()


def test_a_file_in_an_old_encoding_is_read(client):
    text = (
        HARBOUR_REWRITE + "\n\nDer Hafenmeister sagte, die Brücke öffne sich um fünf Uhr. Größere Schäden gab es nicht."
    )
    response = new_story(client, files=[upload("zeitung.txt", text.encode("cp1252"))])
    assert response.status_code == 302
    assert "Brücke öffne sich um fünf Uhr" in Article.objects.get().text


def test_a_file_that_cannot_be_decoded_is_refused_clearly(client):
    response = new_story(client, files=[upload("mystery.txt", bytes(range(128, 256)) * 30)])
    assert response.status_code == 400
    assert "mystery.txt: we could not tell which character encoding" in response.content.decode()


def test_a_file_of_another_type_is_refused(client):
    response = new_story(client, files=[upload("article.xyz", b"PK\x03\x04 word document")])
    assert ".txt, .md, .html, .pdf and .docx" in response.content.decode()


def test_text_over_the_size_limit_is_refused(client, settings):
    settings.VERSUS_MAX_ARTICLE_CHARACTERS = 1000
    response = new_story(client, text="word " * 400)
    assert response.status_code == 400
    assert "the text is 1,999 characters long, more than the limit of 1,000 characters" in response.content.decode()
    assert not Story.objects.exists()


def test_an_upload_over_the_request_limit_is_refused_with_advice(client, settings):
    settings.VERSUS_MAX_UPLOAD_BYTES = 2000
    response = new_story(client, files=[upload("big.txt", "word " * 1000)])
    assert response.status_code == 400
    assert "Add fewer or smaller files at a time" in response.content.decode()
    assert not Story.objects.exists()


def test_too_many_files_at_once_are_refused_with_advice_and_the_typed_text_kept(client, settings):
    settings.VERSUS_MAX_UPLOAD_FILES = 2
    files = [upload(f"v{n}.txt", f"Version number {n} of the harbour story.") for n in range(3)]
    response = new_story(client, files=files, text=HARBOUR_REWRITE, title="Bridge, the many files")
    assert response.status_code == 400
    html = response.content.decode()
    assert "more than 2 files at once" in html
    assert "Bridge, the many files" in html and "A broken motor left the harbour" in html
    assert "choose your files again" in html
    assert not Story.objects.exists()


def test_a_paste_over_the_request_limit_is_refused_and_the_typed_text_kept(client, settings):
    settings.VERSUS_MAX_UPLOAD_BYTES = 2000
    pasted = "The ferry ran late again. " * 100
    response = new_story(client, text=pasted, title="Ferry, the long paste")
    assert response.status_code == 400
    html = response.content.decode()
    assert "more than 0.002 MB in one go" in html
    assert "Ferry, the long paste" in html and pasted.strip() in html
    assert not Story.objects.exists()


def test_beyond_what_django_will_read_the_message_still_comes_with_the_form(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [upload(f"v{n}.txt", f"Version number {n} of the harbour story.") for n in range(4)]
    response = new_story(client, files=files)
    assert response.status_code == 400
    assert "files at once" in response.content.decode()


def test_the_same_text_twice_in_one_go_is_refused(client):
    response = new_story(client, text=HARBOUR, files=[upload("copy.txt", HARBOUR.replace("\n\n", "\r\n\r\n"))])
    assert response.status_code == 400
    assert "copy.txt has the same text as" in response.content.decode()
    assert not Story.objects.exists()


def test_adding_a_version_the_story_already_has_says_so(client):
    new_story(client, text=HARBOUR, outlet="Gazette")
    story = Story.objects.get()
    response = client.post(reverse("articles:version_add", args=[story.slug]), {"text": HARBOUR})
    assert response.status_code == 400
    assert "The pasted text: this story already has the same text (as “Gazette”)" in response.content.decode()
    assert story.versions.count() == 1


def test_adding_versions_to_a_story(client):
    new_story(client, text=HARBOUR, outlet="Gazette")
    story = Story.objects.get()
    page = client.get(reverse("articles:version_add", args=[story.slug]))
    assert "Add a version to “Harbour bridge”" in page.content.decode()
    response = client.post(
        reverse("articles:version_add", args=[story.slug]),
        {"text": HARBOUR_REWRITE, "outlet": "Coast Radio", "published_on": "2025-03-05"},
    )
    assert response.status_code == 302
    assert [a.outlet for a in story.versions.all()] == ["Gazette", "Coast Radio"]
    assert str(story.versions.last().published_on) == "2025-03-05"


def test_a_story_cannot_grow_past_the_version_limit(client, settings):
    settings.VERSUS_MAX_VERSIONS_PER_STORY = 2
    files = [upload(f"v{n}.txt", f"Version number {n} of the harbour story.") for n in range(3)]
    response = new_story(client, files=files)
    assert "at most 2 versions" in response.content.decode()
    assert not Story.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_importing_web_addresses(client, settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True
    with serve() as base:
        response = new_story(client, urls=f"{base}/article\n\n{base}/plain\n")
    assert response.status_code == 302
    gazette, plain = Story.objects.get().versions.all()
    assert gazette.outlet == "The Harbour Gazette"
    assert gazette.headline == "Swing bridge stuck open for a second day"
    assert gazette.source == Article.Source.URL
    assert gazette.source_url == f"{base}/article"
    assert plain.text.startswith("The ferry timetable changes")


@pytest.mark.django_db(transaction=True)
def test_a_refused_web_address_keeps_everything_typed(client, settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = False
    with serve() as base:
        response = new_story(client, text=HARBOUR_REWRITE, urls=f"{base}/article")
    html = response.content.decode()
    assert response.status_code == 400
    assert "only fetches pages from public websites" in html
    assert f"{base}/article" in html
    assert "A broken motor left the harbour" in html
    assert not Story.objects.exists()


def test_a_web_address_without_http_is_refused_before_fetching(client):
    response = new_story(client, urls="www.example.org/news")
    assert "does not start with http:// or https://" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_web_address_that_times_out_says_so(client, settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True
    settings.VERSUS_URL_IMPORT_TIMEOUT = 0.5
    with serve() as base:
        response = new_story(client, urls=f"{base}/slow")
    assert "did not answer within 0.5 seconds" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_web_address_giving_a_damaged_pdf_is_refused(client, settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True
    with serve() as base:
        response = new_story(client, urls=f"{base}/pdf")
    assert "this PDF is damaged" in response.content.decode()


XSS_TITLE = "<script>alert('title')</script> {{ story.slug }}"
XSS_TEXT = "The council <img src=x onerror=alert('img')> met {{ request.user }} on Tuesday <b>evening</b>."


def test_markup_in_what_people_type_is_shown_as_text(client):
    new_story(client, title=XSS_TITLE, text=XSS_TEXT, headline="<i>Bridge</i>")
    story = Story.objects.get()
    assert story.title == XSS_TITLE
    article = story.versions.get()
    assert article.text == XSS_TEXT

    story_page = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert" not in story_page
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; {{ story.slug }}" in story_page

    confirm = client.get(reverse("articles:version_delete", args=[story.slug, article.pk])).content.decode()
    assert "<img src=x" not in confirm
    assert "&lt;img src=x onerror=alert(&#x27;img&#x27;)&gt;" in confirm
    assert "{{ request.user }}" in confirm
    assert "&lt;i&gt;Bridge&lt;/i&gt;" in confirm


def test_markup_is_escaped_when_a_form_comes_back_with_a_problem(client):
    response = new_story(client, title="", text=XSS_TEXT)
    html = response.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(&#x27;img&#x27;)&gt;" in html


def test_deleting_a_story_asks_first(client):
    new_story(client, text=HARBOUR, outlet="Gazette")
    story = Story.objects.get()
    confirm = client.get(reverse("articles:story_delete", args=[story.slug]))
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Delete the story “Harbour bridge”?" in html
    assert "Gazette" in html
    assert Story.objects.exists()  # asking deletes nothing

    response = client.post(reverse("articles:story_delete", args=[story.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("compare:library")
    assert not Story.objects.exists()
    assert not Article.objects.exists()


def test_deleting_a_version_asks_first_and_keeps_the_others(client):
    new_story(client, text=HARBOUR, outlet="Gazette", files=[upload("radio.txt", HARBOUR_REWRITE)])
    story = Story.objects.get()
    gazette = story.versions.get(outlet="Gazette")
    url = reverse("articles:version_delete", args=[story.slug, gazette.pk])
    assert "Delete the version “Gazette”?" in client.get(url).content.decode()
    assert story.versions.count() == 2
    response = client.post(url)
    assert response["Location"] == story.get_absolute_url()
    assert [a.filename for a in story.versions.all()] == ["radio.txt"]


def test_a_version_of_another_story_cannot_be_deleted_through_this_one(client):
    new_story(client, title="First", text=HARBOUR)
    new_story(client, title="Second", text=HARBOUR_REWRITE)
    first, second = Story.objects.get(title="First"), Story.objects.get(title="Second")
    other = second.versions.get()
    response = client.post(reverse("articles:version_delete", args=[first.slug, other.pk]))
    assert response.status_code == 404
    assert second.versions.count() == 1


def test_a_story_titled_new_does_not_hide_the_add_page(client):
    new_story(client, title="New", text=HARBOUR)
    story = Story.objects.get()
    assert story.slug != "new"
    assert client.get(reverse("articles:story_new")).status_code == 200


@pytest.mark.parametrize("name", ["story_new"])
def test_other_methods_are_not_allowed(client, name):
    assert client.put(reverse(f"articles:{name}")).status_code == 405


LANTERN = (
    "Lantern festival moves to the quay\n\n"
    "The town's lantern festival will be held on the quay this year, the organisers said on Monday.\n\n"
    "Stalls will open at dusk and the boats will be lit at nine."
)


def test_a_pasted_version_with_no_headline_typed_is_named_by_its_first_line_as_a_file_is(client):
    new_story(client, text=LANTERN, text_2=HARBOUR_REWRITE, headline_2="Bridge still open")
    first, second = Story.objects.get().versions.all()
    assert first.headline == "Lantern festival moves to the quay"
    assert first.label() == "Version 1 (Lantern festival moves to the quay)"
    assert first.text == LANTERN  # the first line stays in the text, as an uploaded file's does
    assert second.headline == "Bridge still open"
    assert article_from_file("lantern.txt", LANTERN.encode()).headline == first.headline


def test_a_version_pasted_on_the_add_version_page_without_a_headline_gets_its_first_line(client):
    new_story(client, text=HARBOUR, outlet="Gazette")
    story = Story.objects.get()
    client.post(reverse("articles:version_add", args=[story.slug]), {"text": LANTERN})
    added = story.versions.get(position=1)
    assert added.headline == "Lantern festival moves to the quay"
    assert "Lantern festival moves to the quay" in client.get(story.get_absolute_url()).content.decode()
