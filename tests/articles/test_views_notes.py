"""Teacher's notes on passages: added by the owner, seen by every reader, anchored to the words."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import PassageNote, Story
from articles.services import ArticleInput, add_article, create_share_link, create_story
from compare import services
from compare.models import StoredAlignment
from compare.presentation.rows import build_rows

pytestmark = pytest.mark.django_db

WIRE = (
    "The harbour swing bridge stayed open on Tuesday after a motor failed, the council said.\n\n"
    '"We will have it closed by Thursday," the harbour master said.\n\n'
    "Commuters queued for the foot ferry, which will run every ten minutes until Friday."
)
REWRITE = (
    "A broken motor left the harbour swing bridge open on Tuesday, the council said.\n\n"
    '"It should be closed by the end of the week," the harbour master said.\n\n'
    "Commuters queued for the foot ferry, which will run every ten minutes until Friday."
)
QUOTE = '"We will have it closed by Thursday,"'


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("teacher")


@pytest.fixture
def story(owner):
    story = create_story(
        "Bridge", [ArticleInput(text=WIRE, outlet="Harbour Wire"), ArticleInput(text=REWRITE, outlet="Gazette")]
    )
    story.owner = owner
    story.visibility = "private"
    story.save()
    services.get_or_compute(story)
    return story


@pytest.fixture
def teacher(client, owner):
    client.force_login(owner)
    return client


def wire(story):
    return story.versions.get(outlet="Harbour Wire")


def sentence_with(story, article, words: str) -> tuple[int, int]:
    """(start, end) of the engine's sentence holding ``words``: where its passage is addressed."""
    alignment = services.load_alignment(StoredAlignment.objects.get(story=story, status="done"))
    at = article.text.index(words)
    for seg in alignment.segments[str(article.pk)]:
        if seg.start <= at < seg.end:
            return seg.start, seg.end
    raise AssertionError("no sentence holds the words")


def add_note(client, story, article, words: str, body: str, quote: str = ""):
    start, end = sentence_with(story, article, words)
    data = {"article": article.pk, "start": start, "end": end, "passage": start, "body": body, "quote": quote}
    return client.post(reverse("articles:note_add", args=[story.slug]), data)


def test_the_owner_adds_a_note_from_a_passage_and_it_shows_on_the_passage(teacher, story):
    article = wire(story)
    response = add_note(teacher, story, article, "closed by Thursday", "Look at how this quote changed.")
    start = sentence_with(story, article, "closed by Thursday")[0]
    assert response.status_code == 302
    assert response["Location"].endswith(f"#p-{article.pk}-at-{start}")
    html = teacher.get(story.get_absolute_url()).content.decode()
    passage = re.search(rf'<div id="p-{article.pk}-at-{start}".*?</div>', html, re.DOTALL).group(0)
    assert "Look at how this quote changed." in passage
    assert "Teacher&#x27;s notes" in html or "Teacher's notes" in html


def test_the_panel_of_a_passage_shows_its_notes_and_offers_the_owner_the_form(teacher, story):
    article = wire(story)
    add_note(teacher, story, article, "closed by Thursday", "Look at how this quote changed.")
    start = sentence_with(story, article, "closed by Thursday")[0]
    url = reverse("compare:passage", args=[story.slug, article.pk, f"at-{start}"])
    panel = teacher.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Look at how this quote changed." in panel
    assert reverse("articles:note_add", args=[story.slug]) in panel


def test_readers_of_a_share_link_see_the_notes_but_no_form(client, teacher, story):
    article = wire(story)
    add_note(teacher, story, article, "closed by Thursday", "Look at how this quote changed.")
    link = create_share_link(story)
    client.logout()
    page = client.get(link.get_absolute_url()).content.decode()
    assert page.count("Look at how this quote changed.") == 2  # in the list and on the passage
    start = sentence_with(story, article, "closed by Thursday")[0]
    panel = client.get(reverse("compare:shared_passage", args=[link.token, article.pk, f"at-{start}"])).content.decode()
    assert "Look at how this quote changed." in panel
    assert "note_add" not in panel and "Add a note" not in panel


def test_the_html_report_and_the_json_carry_the_notes(teacher, story):
    article = wire(story)
    add_note(teacher, story, article, "closed by Thursday", "Look at how this quote changed.")
    report = teacher.get(reverse("compare:export_html", args=[story.slug])).content.decode()
    assert report.count("Look at how this quote changed.") == 2
    data = json.loads(teacher.get(reverse("compare:export_json", args=[story.slug])).content)
    (note,) = data["teacher_notes"]
    assert note["doc"] == article.pk and note["note"] == "Look at how this quote changed."
    assert "closed by Thursday" in article.text[note["span"][0] : note["span"][1]]


def test_a_note_is_plain_text_shown_escaped(teacher, story):
    add_note(teacher, story, wire(story), "closed by Thursday", "<script>alert('note')</script> & <b>bold</b>")
    html = teacher.get(story.get_absolute_url()).content.decode()
    assert "<script>alert('note')</script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(" in html


def test_a_note_points_at_the_quoted_words_when_given(teacher, story):
    article = wire(story)
    add_note(teacher, story, article, "closed by Thursday", "Thursday became the end of the week.", quote="by Thursday")
    note = PassageNote.objects.get()
    assert article.text[note.start : note.end] == "by Thursday"


def test_words_elsewhere_in_the_paragraph_pin_the_note_to_their_sentence(teacher, story):
    article = wire(story)
    start, end = sentence_with(story, article, "closed by Thursday")
    text = "the harbour master said"
    data = {"article": article.pk, "start": start, "end": start + 5, "passage": start, "body": "Who says so?"}
    data |= {"quote": text, "scope_start": start, "scope_end": end}
    assert teacher.post(reverse("articles:note_add", args=[story.slug]), data).status_code == 302
    note = PassageNote.objects.get()
    assert article.text[note.start : note.end] == text


def test_words_not_in_the_passage_are_refused_naming_the_field_and_keeping_the_note(teacher, story):
    response = add_note(teacher, story, wire(story), "closed by Thursday", "My careful note.", quote="by Friday")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Words to point at" in html and "not in the passage" in html
    assert "My careful note." in html
    assert not PassageNote.objects.exists()


def test_a_note_over_the_length_limit_is_refused_and_kept(teacher, story):
    long_note = "word " * 120
    response = add_note(teacher, story, wire(story), "closed by Thursday", long_note)
    assert response.status_code == 400
    assert "Your note" in response.content.decode() and "at most 500 characters" in response.content.decode()
    assert long_note.strip() in response.content.decode()
    assert not PassageNote.objects.exists()


def test_offsets_outside_the_text_are_refused(teacher, story):
    article = wire(story)
    data = {"article": article.pk, "start": 5, "end": 10_000, "passage": 0, "body": "A note."}
    response = teacher.post(reverse("articles:note_add", args=[story.slug]), data)
    assert response.status_code == 400
    assert "not in this version" in response.content.decode()
    assert not PassageNote.objects.exists()


def test_a_note_stays_on_its_words_when_the_story_is_aligned_again(teacher, story):
    article = wire(story)
    add_note(teacher, story, article, "closed by Thursday", "Look at how this quote changed.")
    old = StoredAlignment.objects.get(story=story).key
    third = "Engineers will fit a spare motor by Thursday, the harbour master said. The ferry runs until then."
    add_article(story, ArticleInput(text=third, outlet="Radio"))
    stored = services.get_or_compute(story)
    assert stored.key != old  # a new alignment of the three versions
    start = sentence_with(story, article, "closed by Thursday")[0]
    html = teacher.get(story.get_absolute_url()).content.decode()
    passage = re.search(rf'<div id="p-{article.pk}-at-{start}".*?</div>', html, re.DOTALL).group(0)
    assert QUOTE.replace('"', "&quot;") in passage
    assert "Look at how this quote changed." in passage


def test_the_owner_deletes_a_note(teacher, story):
    add_note(teacher, story, wire(story), "closed by Thursday", "Look at how this quote changed.")
    note = PassageNote.objects.get()
    response = teacher.post(reverse("articles:note_delete", args=[story.slug, note.pk]))
    assert response.status_code == 302
    assert not PassageNote.objects.exists()


def test_the_owner_edits_a_note_from_the_story_page_and_readers_see_the_new_words(teacher, story):
    add_note(teacher, story, wire(story), "closed by Thursday", "Look at how this quote changed.")
    note = PassageNote.objects.get()
    page = teacher.get(story.get_absolute_url()).content.decode()
    notes = re.search(r'<section class="teacher-notes".*?</section>', page, re.DOTALL).group(0)
    edit_url = reverse("articles:note_edit", args=[story.slug, note.pk])
    assert f'href="{edit_url}?base=' in notes  # back to the base the page shows, once saved

    form = teacher.get(edit_url).content.decode()
    assert "Look at how this quote changed." in form  # the words as they are, to change
    assert "closed by Thursday" in form  # and what the note points at
    response = teacher.post(edit_url, {"body": "Compare the deadline in both versions."})
    assert response.status_code == 302
    assert response["Location"].endswith("#teacher-notes")
    note.refresh_from_db()
    assert note.body == "Compare the deadline in both versions."
    assert (note.start, note.end) == sentence_with(story, wire(story), "closed by Thursday")
    page = teacher.get(response["Location"]).content.decode()
    assert "Compare the deadline in both versions." in page
    assert "Look at how this quote changed." not in page


def test_editing_or_deleting_a_note_comes_back_to_the_base_the_page_showed(teacher, story):
    add_note(teacher, story, wire(story), "closed by Thursday", "Look at how this quote changed.")
    note = PassageNote.objects.get()
    gazette = story.versions.get(outlet="Gazette")
    page = teacher.get(story.get_absolute_url() + f"?base={gazette.pk}").content.decode()
    edit_url = reverse("articles:note_edit", args=[story.slug, note.pk]) + f"?base={gazette.pk}"
    assert f'href="{edit_url}"' in page
    assert f'name="base" value="{gazette.pk}"' in page  # in the delete form
    form = teacher.get(edit_url).content.decode()
    assert f'action="{html.escape(edit_url)}"' in form
    back = story.get_absolute_url() + f"?base={gazette.pk}#teacher-notes"
    assert f'href="{html.escape(back)}"' in form  # Cancel
    assert teacher.post(edit_url, {"body": "Now on the Gazette's side."})["Location"] == back
    deleted = teacher.post(reverse("articles:note_delete", args=[story.slug, note.pk]), {"base": str(gazette.pk)})
    assert deleted["Location"] == back


def test_an_edit_that_empties_a_note_is_refused_and_the_note_stays(teacher, story):
    add_note(teacher, story, wire(story), "closed by Thursday", "Look at how this quote changed.")
    note = PassageNote.objects.get()
    response = teacher.post(reverse("articles:note_edit", args=[story.slug, note.pk]), {"body": "   "})
    assert response.status_code == 400
    assert "The note is empty" in response.content.decode()
    note.refresh_from_db()
    assert note.body == "Look at how this quote changed."


def test_an_edit_over_the_length_limit_is_refused_and_the_words_typed_are_kept(teacher, story):
    add_note(teacher, story, wire(story), "closed by Thursday", "Look at how this quote changed.")
    note = PassageNote.objects.get()
    typed = "Longer than a note may be. " * 100
    response = teacher.post(reverse("articles:note_edit", args=[story.slug, note.pk]), {"body": typed})
    assert response.status_code == 400
    assert html.escape(typed.strip()) in response.content.decode()
    note.refresh_from_db()
    assert note.body == "Look at how this quote changed."


def test_a_line_break_counts_as_one_character_as_the_browser_counts_it(teacher, story):
    add_note(teacher, story, wire(story), "closed by Thursday", "Look at how this quote changed.")
    note = PassageNote.objects.get()
    typed = "\r\n".join(["Point one."] * 45)  # 494 characters with one per line break, 538 with CRLF
    response = teacher.post(reverse("articles:note_edit", args=[story.slug, note.pk]), {"body": typed})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.body == typed.replace("\r\n", "\n")


def test_an_edited_note_is_plain_text_shown_escaped(teacher, story):
    add_note(teacher, story, wire(story), "closed by Thursday", "Look at how this quote changed.")
    note = PassageNote.objects.get()
    teacher.post(reverse("articles:note_edit", args=[story.slug, note.pk]), {"body": "<script>alert(1)</script>"})
    page = teacher.get(story.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_the_owner_may_edit_a_note(client, teacher, story, django_user_model):
    add_note(teacher, story, wire(story), "closed by Thursday", "Look at how this quote changed.")
    note = PassageNote.objects.get()
    edit_url = reverse("articles:note_edit", args=[story.slug, note.pk])
    link = create_share_link(story)
    client.logout()
    reader = client.get(link.get_absolute_url()).content.decode()
    assert "Look at how this quote changed." in reader
    assert edit_url not in reader
    assert client.post(edit_url, {"body": "Taken over."}).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("someone-else"))
    assert client.get(edit_url).status_code == 404
    assert client.post(edit_url, {"body": "Taken over."}).status_code == 404
    note.refresh_from_db()
    assert note.body == "Look at how this quote changed."


def test_a_note_may_point_at_words_anywhere_in_a_passage_that_runs_over_two_paragraphs(teacher, owner, seeds_dir):
    # The seed story's rows hold passages of several sentences over two paragraphs (a headline and its
    # lead, paired together): the panel opened from such a passage must take words of either paragraph.
    call_command("import_story", str(seeds_dir), "--title", "Seed", "--owner", owner.username, stdout=io.StringIO())
    story = Story.objects.get(title="Seed")
    alignment = services.load_alignment(services.get_or_compute(story))
    base = alignment.documents[0]
    rows = build_rows(alignment, base, alignment.documents)
    member = next(
        m
        for row in rows
        for m in row.members
        if alignment.segments[m.doc][m.segments[0]].paragraph != alignment.segments[m.doc][m.segments[-1]].paragraph
    )
    article = story.versions.get(pk=int(member.doc))
    last = alignment.segments[member.doc][member.segments[-1]]
    first = alignment.segments[member.doc][member.first]
    url = reverse("compare:passage", args=[story.slug, article.pk, f"at-{first.start}"]) + f"?base={base}"
    panel = teacher.get(url, headers={"HX-Request": "true"}).content.decode()
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", "", panel)).split())
    assert " ".join(article.text[last.start : last.end].split()[:4]) in shown  # the whole passage, not its first line

    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', panel))
    quote = " ".join(article.text[last.start : last.end].split()[:4])
    response = teacher.post(
        reverse("articles:note_add", args=[story.slug]), {**form, "body": "Which outlet says this?", "quote": quote}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    note = PassageNote.objects.get()
    assert last.start <= note.start < note.end <= last.end
