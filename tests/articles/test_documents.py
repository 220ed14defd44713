"""PDF and Word (.docx) documents as ways in: upload, web address, import_story; and their refusals."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from documents import make_docx, make_pdf, make_zip
from pages_server import Handler, serve

from articles.documents import unwrap_lines
from articles.extract import article_from_file
from articles.fetch import article_from_url
from articles.models import Article, Story
from articles.services import IngestError

PRESS_RELEASE = [
    "Harbour bridge to reopen on Friday",
    "The harbour swing bridge will reopen to traffic on Friday morning after engineers fitted a spare motor, "
    "the council said in a statement on Wednesday.",
    "Commuters have used a foot ferry across the harbour mouth since the bridge stuck open on Tuesday.",
]
MEMO = [
    "The foot ferry will keep running until the bridge has passed its safety checks, the harbour master said.",
    "Engineers fitted the spare motor overnight and will test the bridge twice before it reopens to traffic.",
]


def test_a_pdf_is_read_as_text_and_named_by_its_first_line():
    item = article_from_file("press-release_2a9f3c11.pdf", make_pdf(PRESS_RELEASE))
    assert "will reopen to traffic on Friday morning" in item.text
    assert "foot ferry across the harbour mouth" in item.text
    assert item.headline == "Harbour bridge to reopen on Friday"
    assert item.filename == "press-release_2a9f3c11.pdf"


def test_a_pdfs_printed_lines_are_joined_back_into_paragraphs():
    page = (
        "Bridge to reopen\n"
        "The harbour swing bridge will reopen to traffic on Friday morning after engineers\n"
        "fitted a spare motor, the council said.\n"
        "Commuters have used a foot ferry across the harbour mouth since the bridge stuck\n"
        "open on Tuesday."
    )
    assert unwrap_lines(page) == (
        "Bridge to reopen\n\n"
        "The harbour swing bridge will reopen to traffic on Friday morning after engineers fitted a spare motor, "
        "the council said.\n\n"
        "Commuters have used a foot ferry across the harbour mouth since the bridge stuck open on Tuesday."
    )


def test_a_pdf_title_that_is_only_a_file_name_is_not_taken_for_the_headline():
    item = article_from_file("x.pdf", make_pdf(PRESS_RELEASE, title="Microsoft Word - bridge_final2.docx"))
    assert item.headline == "Harbour bridge to reopen on Friday"


def test_a_pdf_title_that_reads_as_one_names_the_version():
    item = article_from_file("x.pdf", make_pdf(PRESS_RELEASE, title="Bridge to reopen"))
    assert item.headline == "Bridge to reopen"


def test_a_scanned_pdf_without_a_text_layer_is_refused_saying_why():
    with pytest.raises(IngestError, match=r"scan\.pdf: this PDF has no text in it.*scanned.*OCR"):
        article_from_file("scan.pdf", make_pdf(pages=3))


def test_a_pdf_with_a_password_is_refused_saying_why():
    with pytest.raises(IngestError, match=r"locked\.pdf: this PDF is protected by a password"):
        article_from_file("locked.pdf", make_pdf(PRESS_RELEASE, password="secret"))


def test_a_pdf_locked_only_against_editing_is_read():
    # An empty user password: any reader opens it; only changes are forbidden.
    item = article_from_file("readonly.pdf", make_pdf(PRESS_RELEASE, password=""))
    assert "reopen to traffic" in item.text


def test_a_300_page_pdf_is_refused_with_the_limit(settings):
    settings.VERSUS_MAX_DOCUMENT_PAGES = 100
    with pytest.raises(IngestError, match=r"report\.pdf: this PDF has 300 pages; Versus reads .* at most 100 pages"):
        article_from_file("report.pdf", make_pdf(PRESS_RELEASE, pages=300, text_pages=1))


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\nthis is not a PDF body at all",
        make_pdf(PRESS_RELEASE)[:300],  # cut off in the middle
    ],
)
def test_a_damaged_pdf_is_refused_saying_so(data):
    with pytest.raises(IngestError, match=r"this PDF is damaged"):
        article_from_file("broken.pdf", data)


def test_a_pdf_named_txt_is_still_read_as_a_pdf():
    assert "reopen to traffic" in article_from_file("release.txt", make_pdf(PRESS_RELEASE)).text


def test_a_word_document_is_read_with_its_heading_paragraphs_and_tables():
    data = make_docx(MEMO, heading="Ferry keeps running", table=[["Day", "Boats"], ["Friday", "every ten minutes"]])
    item = article_from_file("memo.docx", data)
    assert item.headline == "Ferry keeps running"
    assert item.text.startswith("Ferry keeps running\n\nThe foot ferry will keep running")
    assert "Friday · every ten minutes" in item.text


def test_a_word_documents_title_property_names_the_version():
    assert article_from_file("memo.docx", make_docx(MEMO, title="Ferry update")).headline == "Ferry update"


def test_a_zip_that_calls_itself_docx_is_refused_saying_what_it_is():
    data = make_zip({"article.txt": b"The bridge stayed open.", "photo.jpg": b"\xff\xd8\xff"})
    with pytest.raises(IngestError, match=r"fake\.docx: this is a ZIP archive named \.docx, but it holds no Word"):
        article_from_file("fake.docx", data)


@pytest.mark.parametrize("data", [b"PK\x03\x04 cut off", make_docx(MEMO)[:500], b"just some text, not a zip"])
def test_a_damaged_word_document_is_refused_saying_so(data):
    with pytest.raises(IngestError, match=r"broken\.docx: this (file|Word document) is damaged"):
        article_from_file("broken.docx", data)


def test_an_old_word_file_named_docx_is_refused_with_what_to_do():
    with pytest.raises(IngestError, match=r"old Word file \(\.doc\).*save it as \.docx"):
        article_from_file("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_a_word_document_that_unpacks_to_a_giant_is_refused_before_it_is_parsed():
    bomb = make_zip({"word/document.xml": b" " * 60_000_000, "[Content_Types].xml": b"<Types/>"})
    assert len(bomb) < 1_000_000
    with pytest.raises(IngestError, match=r"unpacks to more than 50 MB"):
        article_from_file("bomb.docx", bomb)


# --- through the browser, a web address and the command line --------------------------------


@pytest.fixture
def teacher(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("teacher"))
    return client


@pytest.mark.django_db
def test_a_story_is_made_from_an_uploaded_pdf_and_word_document(teacher):
    files = [
        SimpleUploadedFile("press_2a9f3c11.pdf", make_pdf(PRESS_RELEASE), content_type="application/pdf"),
        SimpleUploadedFile("memo.docx", make_docx(MEMO, heading="Ferry keeps running")),
    ]
    response = teacher.post(reverse("articles:story_new"), {"title": "Bridge reopens", "files": files})
    assert response.status_code == 302
    story = Story.objects.get(title="Bridge reopens")
    labels = sorted(article.label() for article in story.versions.order_by("position"))
    assert labels == ["Version 1 (Harbour bridge to reopen on Friday)", "Version 2 (Ferry keeps running)"]
    assert {article.source for article in story.versions.all()} == {Article.Source.FILE}


@pytest.mark.django_db
def test_a_scanned_pdf_among_uploads_is_named_and_nothing_is_saved(teacher):
    files = [
        SimpleUploadedFile("memo.docx", make_docx(MEMO)),
        SimpleUploadedFile("scan.pdf", make_pdf(pages=2)),
    ]
    response = teacher.post(reverse("articles:story_new"), {"title": "Bridge reopens", "files": files})
    html = response.content.decode()
    assert response.status_code == 400
    assert "scan.pdf: this PDF has no text in it" in html
    assert '<a href="#id_files">Files</a>: scan.pdf' in html  # the summary names the field, which is marked
    assert 'class="form-field has-error"' in html and "choose your files again" in html
    assert 'value="Bridge reopens"' in html  # what was typed is kept
    assert not Story.objects.exists()


@pytest.fixture
def documents_server():
    Handler.routes.update(
        {
            "/release.pdf": (make_pdf(PRESS_RELEASE), "application/pdf"),
            "/memo": (
                make_docx(MEMO, heading="Ferry keeps running"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            "/locked.pdf": (make_pdf(PRESS_RELEASE, password="secret"), "application/pdf"),
        }
    )
    try:
        with serve() as base:
            yield base
    finally:
        for path in ("/release.pdf", "/memo", "/locked.pdf"):
            Handler.routes.pop(path, None)


@pytest.fixture
def allow_loopback(settings):
    settings.VERSUS_URL_IMPORT_ALLOW_PRIVATE = True
    settings.VERSUS_URL_IMPORT_TIMEOUT = 2.0


def test_a_pdf_and_a_word_document_are_imported_from_web_addresses(documents_server, allow_loopback):
    pdf = article_from_url(f"{documents_server}/release.pdf")
    assert "reopen to traffic" in pdf.text and pdf.headline == "Harbour bridge to reopen on Friday"
    assert pdf.source_url == f"{documents_server}/release.pdf" and pdf.source == "url"
    memo = article_from_url(f"{documents_server}/memo")
    assert memo.headline == "Ferry keeps running" and "safety checks" in memo.text


def test_a_locked_pdf_at_a_web_address_is_refused_saying_why(documents_server, allow_loopback):
    with pytest.raises(IngestError, match="protected by a password"):
        article_from_url(f"{documents_server}/locked.pdf")


@pytest.mark.django_db
def test_import_story_reads_pdf_and_word_files(tmp_path):
    (tmp_path / "release.pdf").write_bytes(make_pdf(PRESS_RELEASE))
    (tmp_path / "memo.docx").write_bytes(make_docx(MEMO, heading="Ferry keeps running"))
    out = io.StringIO()
    call_command("import_story", str(tmp_path), "--title", "Bridge reopens", stdout=out)
    story = Story.objects.get(title="Bridge reopens")
    assert story.versions.count() == 2
    assert sorted(a.headline for a in story.versions.all()) == [
        "Ferry keeps running",
        "Harbour bridge to reopen on Friday",
    ]
    assert all(a.label() == f"Version {a.position + 1} ({a.headline})" for a in story.versions.all())


@pytest.mark.django_db
def test_import_story_names_a_bad_document_and_imports_nothing(tmp_path):
    (tmp_path / "release.pdf").write_bytes(make_pdf(PRESS_RELEASE))
    (tmp_path / "fake.docx").write_bytes(make_zip({"a.txt": b"hello"}))
    with pytest.raises(CommandError, match="fake.docx: this is a ZIP archive"):
        call_command("import_story", str(tmp_path), "--title", "Bridge reopens", stdout=io.StringIO())
    assert not Story.objects.exists()


@pytest.mark.parametrize(("name", "advice"), [("old.doc", "save it as .docx"), ("essay.odt", "save it as .docx")])
def test_a_document_type_versus_does_not_read_gets_advice_on_how_to_convert_it(name, advice):
    with pytest.raises(IngestError, match=advice):
        article_from_file(name, b"\xd0\xcf\x11\xe0 whatever is inside")
