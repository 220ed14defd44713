"""The teacher's path, in a real browser: five files (one PDF, one Word document) to a shared story
whose versions carry their outlets' names, with two notes on passages.

The five articles are the acceptance seeds (../shared/seeds/, real articles: read from there,
never copied into the project); two of them are turned into a PDF and a .docx here, as a
journalist's inbox would hold them. Screenshots of every step go to test-artifacts/teacher-*.png.
"""

from __future__ import annotations

import re
import time

import pytest
from documents import make_docx, make_pdf

from articles.models import Article, PassageNote, Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "harbour-ferry-timetable-42"
# The seeds' files, what each becomes, and the outlet the teacher gives it.
FILES = [
    ("000_62deb5ae5fda74f9.txt", "txt", "Daily A"),
    ("001_730206c4979a7c63.txt", "txt", "Daily B"),
    ("002_52279bdaca913e87.txt", "txt", "Daily C"),
    ("003_d26e30d51aa5f213.txt", "pdf", "Bloomberg"),
    ("004_60d365d91f643026.txt", "docx", "Daily D"),
]


def paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def test_a_teacher_goes_from_five_files_to_a_shared_story_with_named_versions_and_notes(
    chromium, page, live_server, artifacts_dir, seeds_dir, tmp_path, django_user_model
):
    django_user_model.objects.create_user("teacher", password=PASSWORD)
    chosen = []
    for name, kind, _ in FILES:
        text = (seeds_dir / name).read_text(encoding="utf-8")
        stem = name.removesuffix(".txt")
        if kind == "pdf":
            path = tmp_path / f"{stem}.pdf"
            path.write_bytes(make_pdf(paragraphs(text)))
        elif kind == "docx":
            path = tmp_path / f"{stem}.docx"
            path.write_bytes(make_docx(paragraphs(text)))
        else:
            path = tmp_path / name
            path.write_text(text, encoding="utf-8")
        chosen.append(path)

    started = time.monotonic()
    page.goto(live_server.url + "/")
    assert page.get_by_text("lays several published versions of one news story side by side").is_visible()
    page.screenshot(path=str(artifacts_dir / "teacher-1-library.png"))

    # Log in, then the add-story form: title and five files, whose names show before anything is sent.
    page.locator(".front-door").get_by_role("link", name="add a story").click()
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Title of the story").fill("Russia asked China for military aid, US officials say")
    page.get_by_label("Files").set_input_files(chosen)
    listed = page.locator("#id_files-chosen li")
    assert listed.count() == 5
    assert "003_d26e30d51aa5f213.pdf" in listed.nth(3).inner_text()
    page.screenshot(path=str(artifacts_dir / "teacher-2-form.png"), full_page=True)
    page.get_by_role("button", name="Add the story").click()
    page.wait_for_selector("text=Added 5 versions")

    story = Story.objects.get()
    labels = [article.label() for article in story.versions.order_by("position")]
    assert not any(re.search(r"[0-9a-f]{16}", label) for label in labels), labels  # never a hashed file name
    assert {a.filename.rsplit(".", 1)[1] for a in story.versions.all()} == {"txt", "pdf", "docx"}
    page.wait_for_selector("table.comparison", timeout=120_000)
    page.screenshot(path=str(artifacts_dir / "teacher-3-story-unnamed.png"))

    # Name each version's outlet from the list of versions (open while some have none).
    for index, (_, _, outlet) in enumerate(FILES):
        page.locator("#versions-list").evaluate("el => el.open = true")
        page.locator("#versions-list a", has_text="Edit details").nth(index).click()
        if index == 3:
            page.screenshot(path=str(artifacts_dir / "teacher-4-edit.png"))
        page.get_by_label("Outlet").fill(outlet)
        page.get_by_role("button", name="Save the details").click()
        page.wait_for_selector("table.comparison", timeout=60_000)
    heads = page.locator("thead .version-name").all_inner_texts()
    assert sorted(heads) == sorted(outlet for _, _, outlet in FILES)

    # Two notes: open a passage, add a note; the page comes back at that passage with the note on it.
    for words, note in (
        ("speaking on condition of anonymity", "Only Bloomberg says who spoke and on what terms. Why?"),
        ("military equipment", "Compare how each outlet words the request: “asked”, “sought”, “requested”."),
    ):
        page.locator(".passage[data-panel]", has_text=words).first.click()
        page.locator("#panel-body").wait_for()
        page.get_by_text("Add a note to this passage").click()
        page.get_by_label("Your note").fill(note)
        page.get_by_label("Words to point at (optional)").fill(words)
        if words == "military equipment":
            page.screenshot(path=str(artifacts_dir / "teacher-5-note-form.png"))
        page.get_by_role("button", name="Add the note").click()
        page.wait_for_selector("text=Readers of the story see it")
        assert page.locator(".passage .note", has_text=note).count() == 1
    assert PassageNote.objects.count() == 2
    page.locator("#teacher-notes").screenshot(path=str(artifacts_dir / "teacher-6-notes.png"))
    noted = page.locator(".passage", has=page.locator(".note")).first
    noted.scroll_into_view_if_needed()
    noted.screenshot(path=str(artifacts_dir / "teacher-6b-note-on-passage.png"))
    # The handout: the printed page keeps the notes, in the list and on their passages.
    page.emulate_media(media="print")
    assert page.locator("#teacher-notes").is_visible() and page.locator(".passage .note").first.is_visible()
    page.screenshot(path=str(artifacts_dir / "teacher-6c-handout.png"))
    page.emulate_media(media="screen")

    # Share it with the class.
    page.get_by_text("Sharing: private").click()
    page.get_by_role("button", name="Create a share link").click()
    page.wait_for_selector("text=A share link was made")
    address = page.locator(".share-address").input_value()
    elapsed = time.monotonic() - started
    print(f"\nteacher path: five files to a shared, named, annotated story in {elapsed:.1f} s of browser time")

    student = chromium.new_context(viewport={"width": 1400, "height": 900})
    try:
        reader = student.new_page()
        reader.goto(address)
        reader.wait_for_selector("table.comparison")
        assert sorted(reader.locator("thead .version-name").all_inner_texts()) == sorted(o for _, _, o in FILES)
        assert reader.locator("#teacher-notes .note-item").count() == 2
        assert reader.locator(".passage .note").count() >= 2
        assert reader.locator(".note-add").count() == 0  # readers cannot add notes
        reader.screenshot(path=str(artifacts_dir / "teacher-7-student.png"))
        reader.locator(".passage[data-panel]", has_text="speaking on condition of anonymity").first.click()
        reader.locator("#panel-body").wait_for()
        assert "Only Bloomberg says who spoke" in reader.locator("#panel-body").inner_text()
        reader.screenshot(path=str(artifacts_dir / "teacher-8-student-panel.png"))
    finally:
        student.close()
    assert Article.objects.filter(outlet="Bloomberg", filename__endswith=".pdf").exists()


def test_a_scanned_pdf_is_refused_at_the_files_field_keeping_what_was_typed(
    page, live_server, artifacts_dir, tmp_path, django_user_model
):
    django_user_model.objects.create_user("teacher", password=PASSWORD)
    (tmp_path / "scan.pdf").write_bytes(make_pdf(pages=2))
    (tmp_path / "memo.docx").write_bytes(
        make_docx(["The foot ferry will keep running until the bridge has passed its safety checks."])
    )
    page.goto(live_server.url + "/accounts/login/?next=/stories/new/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Title of the story").fill("Ferry keeps running")
    page.get_by_label("Notes").fill("For Year 9, Thursday")
    page.get_by_label("Files").set_input_files([tmp_path / "memo.docx", tmp_path / "scan.pdf"])
    page.get_by_role("button", name="Add the story").click()
    alert = page.get_by_role("alert")
    assert "Files" in alert.inner_text() and "scan.pdf: this PDF has no text in it" in alert.inner_text()
    assert "choose your files again" in alert.inner_text()
    assert page.get_by_label("Title of the story").input_value() == "Ferry keeps running"
    assert page.get_by_label("Notes").input_value() == "For Year 9, Thursday"
    assert page.locator(".form-field.has-error #id_files").count() == 1
    page.screenshot(path=str(artifacts_dir / "teacher-9-scanned-pdf.png"), full_page=True)
    assert not Story.objects.exists()
