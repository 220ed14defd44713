"""Several versions at once: pairwise, groups, similarity, source estimate, order independence."""

from __future__ import annotations

import re

import pytest

from compare.engine import ENGINE_VERSION, embed
from compare.engine.story import align_story
from compare.engine.types import Document, StoryAlignment

# A fictional wire story about a museum theft in the town of Orrin, an outlet's lightly
# edited reprint of it, a shortened copy, and an independent report.
WIRE = (
    "Thieves took three silver clocks from the Orrin Museum early on Sunday, police said.\n\n"
    "The clocks, made in 1790 by the clockmaker Anselm Roe, were insured for 2 million pounds.\n\n"
    "Curator Wilma Dunst said the alarm system had been switched off for repairs.\n\n"
    "“It is a terrible loss for the town,” she said.\n\n"
    "Police are looking for a grey van seen near the museum at 3am."
)
REPRINT = (
    "Thieves stole three silver clocks from the Orrin Museum early on Sunday, police said.\n\n"
    "The clocks, made in 1790 by the clockmaker Anselm Roe, were insured for 2 million pounds.\n\n"
    "Curator Wilma Dunst told reporters the alarm system had been switched off for repairs.\n\n"
    "“It is a terrible loss for the town,” she said.\n\n"
    "Police are looking for a grey van seen near the museum at 3am.\n\n"
    "The museum will stay closed until further notice."
)
SHORT = (
    "Thieves took three silver clocks from the Orrin Museum early on Sunday, police said.\n\n"
    "Police are looking for a grey van seen near the museum at 3am."
)
INDEPENDENT = (
    "A burglary at a small museum has shocked the quiet town of Orrin.\n\n"
    "Neighbours described hearing an engine in the middle of the night.\n\n"
    "The town council will discuss security at public buildings next week."
)


def documents() -> list[Document]:
    return [
        Document("wire", WIRE),
        Document("reprint", REPRINT),
        Document("short", SHORT),
        Document("independent", INDEPENDENT),
    ]


def summary(story: StoryAlignment) -> tuple:
    """Everything the story says, in a form that does not depend on the order of versions."""
    pairwise = {
        key: (sorted((p.a, p.b, p.kind, p.score) for p in value.pairs), value.shares_a, value.shares_b)
        for key, value in story.pairwise.items()
    }
    groups = sorted(tuple(g.members) for g in story.groups)
    return pairwise, groups, story.similarity, story.source, story.segments


def test_every_ordered_couple_of_versions_is_aligned_and_mirrored():
    story = align_story(documents())
    ids = [d.id for d in documents()]
    assert set(story.pairwise) == {(x, y) for x in ids for y in ids if x != y}
    for (x, y), alignment in story.pairwise.items():
        mirror = story.pairwise[(y, x)]
        assert (alignment.a_id, alignment.b_id) == (x, y)
        assert sorted((p.a, p.b) for p in alignment.pairs) == sorted((p.b, p.a) for p in mirror.pairs)
        assert alignment.shares_a == mirror.shares_b


def test_the_result_does_not_depend_on_the_order_of_versions():
    docs = documents()
    forward = align_story(docs)
    backward = align_story(list(reversed(docs)))
    shuffled = align_story([docs[2], docs[0], docs[3], docs[1]])
    assert summary(forward) == summary(backward) == summary(shuffled)
    assert forward.documents == [d.id for d in docs]
    assert backward.documents == [d.id for d in reversed(docs)]


def test_passages_are_grouped_across_versions():
    story = align_story(documents())
    van = [g for g in story.groups if ("short", 1) in g.members]
    assert len(van) == 1
    assert van[0].documents() == {"wire", "reprint", "short"}
    assert all(doc != "independent" for g in story.groups for doc, _ in g.members)


def test_similarity_is_symmetric_with_ones_on_the_diagonal():
    story = align_story(documents())
    ids = [d.id for d in documents()]
    for x in ids:
        assert story.similarity[(x, x)] == 1.0
        for y in ids:
            assert story.similarity[(x, y)] == story.similarity[(y, x)]
            assert 0.0 <= story.similarity[(x, y)] <= 1.0
    assert story.similarity[("wire", "reprint")] > story.similarity[("wire", "independent")]
    assert story.similarity[("wire", "independent")] == 0.0


def test_the_version_the_others_copy_is_named_as_the_source_with_evidence():
    story = align_story(documents())
    # The reprint adds a sentence and rewords two, so the wire is the closer to the short copy.
    assert story.source.document == "wire"
    assert 0.0 < story.source.confidence <= 1.0
    evidence = " ".join(story.source.evidence)
    assert "short" in evidence and "%" in evidence
    assert "independent" in evidence


def test_of_two_versions_the_one_added_first_is_named_the_source_even_when_its_id_sorts_later_as_text():
    # Two copies of one text are tied; ids are database numbers, and "10" sorts before "9"
    # as text: the tie goes to 9, the version added first.
    story = align_story([Document("10", WIRE), Document("9", WIRE + " ")])
    assert story.source.document == "9"
    story = align_story([Document("9", WIRE), Document("10", WIRE + " ")])
    assert story.source.document == "9"


def test_of_two_versions_the_one_that_holds_all_of_the_other_is_the_source():
    # The short copy cut three of the wire's paragraphs; the wire was added last.
    for ids in (("1", "2"), ("2", "1")):
        story = align_story([Document(ids[0], SHORT), Document(ids[1], WIRE)])
        assert story.source.document == ids[1]


# A fictional story as a teacher loads it: an agency original, an outlet's rewrite that kept
# all but its last paragraph, a spun copy that paraphrases all of it, and a short brief.
POOL_AGENCY = (
    "RIVERTON, 3 March (Metro Wire) – The Riverton city council voted 7 to 2 on Tuesday to close the "
    "Elm Street swimming pool at the end of the summer, saying repairs to its leaking roof would cost"
    " 2.3 million euros.\n\n"
    '"We simply cannot justify that spending while the library roof is also failing," said Mayor '
    "Helen Ortiz after the vote.\n\n"
    "The pool, built in 1968, is used by about 40,000 swimmers a year, including pupils from six "
    "primary schools.\n\n"
    "Parents' group Swim Riverton said it would collect signatures for a petition. \"Children will "
    'lose the only place in town where they can learn to swim," said its chair, Daniel Okafor.\n\n'
    "The council said it would study building a new pool near the sports park, but gave no date."
)
POOL_REWRITE = (
    "RIVERTON (Metro Wire) – Riverton city council voted 7-2 on Tuesday to close the Elm Street "
    "swimming pool at the end of summer, saying repairs to its leaking roof would cost €2.3 million.\n\n"
    '"We simply cannot justify that spending while the library roof is also failing," Mayor Helen '
    "Ortiz said after the vote.\n\n"
    "The pool, built in 1968, is used by about 40,000 swimmers every year, including pupils from "
    "seven primary schools.\n\n"
    "Parents' group Swim Riverton said it would collect signatures for a petition. \"Children will "
    'lose the only place in town where they can learn to swim," said its chair, Daniel Okafor.'
)
POOL_SPUN = (
    "Local leaders in Riverton decided on Tuesday, by a margin of seven votes to two, to shut down "
    "the municipal pool on Elm Street once the summer season is over, arguing that fixing its damaged"
    " roof would be far too expensive.\n\n"
    "Mayor Helen Ortiz told reporters that the town could not afford such an outlay when the library "
    'also needed urgent repairs, adding that "tough choices are part of the job".\n\n'
    "Opened in 1968, the facility welcomes roughly forty thousand visitors annually, among them "
    "children from several local schools.\n\n"
    "A campaign of parents, Swim Riverton, plans to gather names for a petition, with chairman Daniel"
    ' Okafor warning that "our kids will have nowhere to learn swimming".\n\n'
    "Officials said a replacement near the sports park might be considered."
)
POOL_BRIEF = (
    "Riverton will close its Elm Street pool after the summer, the council decided on Tuesday. "
    "Repairs would have cost 2.3 million euros. Parents plan a petition."
)


@pytest.mark.skipif(not embed.available(), reason="the sentence model is not installed (the copies are paraphrases)")
def test_the_source_is_the_version_the_copies_took_from_not_the_copy_that_cut_its_extra_paragraph():
    # The rewrite is the most like all the others (the brief and the spun copy differ from
    # the original where it is longest), but the spun copy's last paragraph is found only in
    # the original: the others' text is found in full there.
    for order in ((POOL_AGENCY, POOL_REWRITE), (POOL_REWRITE, POOL_AGENCY)):
        docs = [Document("1", order[0]), Document("2", order[1]), Document("3", POOL_SPUN), Document("4", POOL_BRIEF)]
        story = align_story(embed.with_vectors(docs))
        assert story.source.document == ("1" if order[0] is POOL_AGENCY else "2")


def test_independent_versions_have_no_source():
    story = align_story([Document("a", WIRE), Document("b", INDEPENDENT)])
    assert story.source.document is None
    assert story.source.confidence == 0.0
    assert story.source.evidence


def test_progress_is_reported_for_every_couple_of_versions():
    calls: list[tuple[int, int]] = []
    align_story(documents(), on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 6), (2, 6), (3, 6), (4, 6), (5, 6), (6, 6)]


def test_the_engine_version_is_recorded():
    story = align_story(documents())
    assert story.engine_version == ENGINE_VERSION


@pytest.mark.parametrize(
    "texts",
    [
        [],
        [WIRE],
        ["", ""],
        [WIRE, WIRE, WIRE],
        [WIRE, "Leave a Reply"],
        ["桥梁将于五月重新开放。", "🎉🎉", "הגשר ייפתח במאי."],
    ],
)
def test_odd_stories_give_a_sensible_result(texts):
    docs = [Document(f"v{i}", text, junk=((0, 13),) if text == "Leave a Reply" else ()) for i, text in enumerate(texts)]
    story = align_story(docs)
    assert story.documents == [d.id for d in docs]
    assert len(story.pairwise) == len(docs) * (len(docs) - 1)
    assert story.source.evidence
    if len(texts) == 3 and texts[0] == WIRE:
        assert all(p.kind == "verbatim" for a in story.pairwise.values() for p in a.pairs)
        assert all(len(g.documents()) == 3 for g in story.groups)


def test_two_versions_with_the_same_id_are_refused():
    with pytest.raises(ValueError, match="own id"):
        align_story([Document("a", WIRE), Document("a", SHORT)])


def test_two_versions_both_paired_with_a_third_are_paired_with_each_other():
    strike = "Ferry crews in Kelmarsh walked out over night shifts. Union leaders met the operator on Wednesday. "
    a = Document(
        "a", strike + "The last ferry left Kelmarsh at 6.15pm on Tuesday, harbourmaster Tobias Venn told reporters."
    )
    b = Document(
        "b",
        "Passengers were stranded overnight. "
        "Tuesday's final crossing, harbourmaster Tobias Venn recalled, was at a quarter past six.",
    )
    c = Document(
        "c",
        strike + "Harbourmaster Tobias Venn said the final crossing from Kelmarsh left at 6.15pm on Tuesday, "
        "a quarter past six.",
    )
    assert align_story([a, b]).pairwise[("a", "b")].pairs == []
    story = align_story([a, b, c])
    assert [(p.a, p.b) for p in story.pairwise[("a", "b")].pairs] == [((2,), (1,))]
    assert [(p.b, p.a) for p in story.pairwise[("b", "a")].pairs] == [((2,), (1,))]
    assert any(g.documents() == {"a", "b", "c"} for g in story.groups)


def test_the_evidence_names_the_versions_as_the_caller_calls_them():
    from compare.engine import source_evidence

    story = align_story(documents())
    names = {"wire": "Wire Service", "reprint": "Daily Reprint", "short": "Short Copy", "independent": "Own Report"}
    evidence = " ".join(source_evidence(story, names.__getitem__))
    assert "Wire Service" in evidence and "Short Copy" in evidence and "Own Report" in evidence
    for doc_id in ("wire", "reprint", "short"):  # ("independent" is a word of the evidence too)
        assert not re.search(rf"\b{doc_id}\b", evidence)


def test_one_reading_of_the_likely_source_gives_its_estimate_the_derived_versions_and_the_runner_up():
    from compare.engine import likely_source

    story = align_story(documents())
    reading = likely_source(story)
    assert reading.estimate == story.source  # named by id, as the stored estimate is
    assert reading.derived == {"reprint", "short"}
    # The reprint holds all of the wire: it could as well be the source, and the evidence says so.
    assert reading.runner_up == "reprint"
    assert "reprint comes almost as close" in " ".join(reading.estimate.evidence)
    named = likely_source(story, str.upper).estimate.evidence
    assert "REPRINT comes almost as close" in " ".join(named) and len(named) == len(story.source.evidence)


def test_when_two_versions_come_almost_as_close_the_one_published_first_is_named_the_source():
    from compare.engine import likely_source, source_evidence

    # The wire and its reprint are a near tie the texts cannot break (see above); dated, the
    # reprint published first is named, and the wire is said to be later, not uncertain.
    story = align_story(documents())
    assert story.source.document == "wire"  # stored from the texts alone
    dated = {"wire": "2026-03-05", "reprint": "2026-03-04", "short": "2026-03-06", "independent": ""}
    reading = likely_source(story, published=dated)
    assert reading.estimate.document == "reprint"
    assert reading.runner_up is None and reading.later == "wire"
    evidence = " ".join(reading.estimate.evidence)
    assert "wire comes almost as close to being the source as reprint, but was published later" in evidence
    assert "(2026-03-05, against 2026-03-04)" in evidence and "uncertain" not in evidence
    assert source_evidence(story, str, dated) == reading.estimate.evidence


def test_dates_do_not_overrule_a_source_the_texts_name_clearly_nor_decide_when_one_is_missing():
    from compare.engine import likely_source

    story = align_story(documents())
    # The independent report is dated first, but nothing of it is in the others: the texts decide.
    dated = {"wire": "2026-03-05", "reprint": "2026-03-06", "short": "2026-03-06", "independent": "2026-03-01"}
    assert likely_source(story, published=dated).estimate.document == story.source.document
    # With the reprint's date unknown, the near tie stays a tie, said as before.
    reading = likely_source(story, published={**dated, "reprint": ""})
    assert reading.estimate == story.source and reading.runner_up == "reprint" and reading.later is None


def test_dates_do_not_break_a_near_tie_between_two_versions_that_share_little():
    from compare.engine import likely_source

    # Two reports of one event, each with a reprint: either report comes as close to being the
    # source as the other, but neither took from the other, so being published first proves nothing.
    # Ids in the order added: 1 and 3 are one report and its reprint, 2 and 4 the other's.
    docs = [
        Document("1", INDEPENDENT),
        Document("2", WIRE),
        Document("3", INDEPENDENT.replace(".", "!", 1)),
        Document("4", WIRE.replace(".", "!", 1)),
    ]
    story = align_story(docs)
    undated = likely_source(story)
    assert (undated.estimate.document, undated.runner_up) == ("1", "2")  # a four-way tie: the first added
    earlier = {"1": "2026-03-05", "2": "2026-03-01", "3": "2026-03-05", "4": "2026-03-01"}
    dated = likely_source(story, published=earlier)
    assert dated.estimate.document == undated.estimate.document and dated.later is None


def test_every_figure_in_the_evidence_is_a_share_of_one_text_found_in_another():
    from compare.engine import reuse

    story = align_story(documents())
    independent = next(line for line in story.source.evidence if line.startswith("independent looks independent"))
    found = reuse(story.pairwise[("independent", "wire")])
    kept = reuse(story.pairwise[("wire", "independent")])
    # The stated figures are the story page's, not a weighted "corresponds" nobody else shows.
    assert f"{found.found}% of its text is found in wire ({found.copied}% copied" in independent
    assert f"and {kept.found}% of the text of wire is found in independent" in independent
