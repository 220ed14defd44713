"""The acceptance corpus: five real versions of one story (read from ../shared/seeds at test time).

Sentences are located by short search keys; no seed text is copied here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compare.engine.junk import find_junk
from compare.engine.story import align_story
from compare.engine.types import Document, Pair, StoryAlignment


@pytest.fixture(scope="module")
def story(seeds_dir: Path) -> tuple[StoryAlignment, dict[str, Document]]:
    docs = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        docs[path.name[:3]] = Document(path.name[:3], text, tuple((j.start, j.end) for j in find_junk(text)))
    return align_story(list(docs.values())), docs


@pytest.fixture(scope="module")
def seeds_dir() -> Path:
    # Module-scoped twin of conftest's fixture: the story is aligned once for all tests.
    from tests.conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not next to the repository")
    return SEEDS


def segment_with(story: StoryAlignment, docs: dict[str, Document], doc_id: str, key: str) -> int:
    text = docs[doc_id].text
    found = [s.index for s in story.segments[doc_id] if key in text[s.start : s.end]]
    assert len(found) == 1, f"{key!r} should be in exactly one sentence of {doc_id}, found {len(found)}"
    return found[0]


def pair_between(story: StoryAlignment, a: str, i: int, b: str, j: int) -> Pair | None:
    for pair in story.pairwise[(a, b)].pairs:
        if i in pair.a and j in pair.b:
            return pair
    return None


def test_sullivans_cnn_quote_in_the_spun_copy_is_an_edited_pair(story):
    result, docs = story
    i = segment_with(result, docs, "002", "communicating privately with Beijing")
    j = segment_with(result, docs, "004", "communicating directly, privately to Beijing")
    pair = pair_between(result, "002", i, "004", j)
    assert pair is not None and pair.kind == "edited"


def test_peskovs_statement_in_two_translations_is_a_paraphrase(story):
    result, docs = story
    i = segment_with(result, docs, "000", "own potential to continue the operation")
    j = segment_with(result, docs, "003", "independent capacity to continue")
    pair = pair_between(result, "000", i, "003", j)
    assert pair is not None and pair.kind == "paraphrase"


def test_zhao_lijians_disinformation_denial_is_a_paraphrase(story):
    result, docs = story
    i = segment_with(result, docs, "001", "dismissed the claims")
    j = segment_with(result, docs, "003", "Zhao Lijian rejected")
    pair = pair_between(result, "001", i, "003", j)
    assert pair is not None and pair.kind == "paraphrase"


def test_a_different_speaker_with_the_same_opening_words_is_not_paired(story):
    result, docs = story
    i = segment_with(result, docs, "000", "communicating privately and directly to China")
    j = segment_with(result, docs, "004", "communicating directly, privately to Beijing")
    assert pair_between(result, "000", i, "004", j) is None


def test_the_spun_copy_and_the_reprint_share_most_of_the_reprints_text(story):
    result, _ = story
    shares = result.pairwise[("004", "002")].shares_a
    assert shares["unique"] < 0.35
    assert shares["verbatim"] + shares["edited"] > shares["paraphrase"]


def test_independent_reports_share_little(story):
    result, _ = story
    for a, b in [("000", "001"), ("000", "003"), ("001", "003"), ("000", "004")]:
        assert result.similarity[(a, b)] < 0.15


def test_the_source_estimate_points_at_the_spun_copy_or_the_reprint(story):
    result, _ = story
    assert result.source.document in {"002", "004"}
    assert any("004" in line and "002" in line for line in result.source.evidence)


def test_no_junk_is_aligned(story):
    result, docs = story
    for doc_id, segments in result.segments.items():
        for s in segments:
            for start, end in docs[doc_id].junk:
                assert s.end <= start or s.start >= end
