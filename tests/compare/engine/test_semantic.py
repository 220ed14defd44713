"""The engine with sentence embeddings on: the same invariants as lexically, on odd input,
and the correspondences that only the meaning of a sentence can find."""

from __future__ import annotations

import pytest

from compare.engine import embed
from compare.engine.align import align_pair, headline
from compare.engine.story import align_story
from compare.engine.types import Document, PairAlignment

pytestmark = pytest.mark.skipif(not embed.available(), reason="the sentence model is not installed")

# Fictional reports of one event, written independently (ours).
REPORT_A = (
    "Ferry service to Marrow Island suspended after storm\n\n"
    "The ferry to Marrow Island will not sail for twelve days after Sunday's storm damaged the pier, "
    "the harbour authority said on Monday. "
    "Islanders asked the county council for emergency supplies. "
    "The council declined to say when repairs would begin."
)
REPORT_B = (
    "Storm cuts Marrow Island off for nearly two weeks\n\n"
    "Residents of Marrow Island face twelve days without a ferry, the harbour authority announced "
    "on Monday, after Sunday's storm wrecked the landing pier. "
    "The county has been asked by residents to send emergency provisions. "
    "A bakery in the village reopened on Tuesday."
)


def semantic(*documents: Document) -> list[Document]:
    return embed.with_vectors(list(documents))


def check(result: PairAlignment, a: Document, b: Document) -> None:
    for pair in result.pairs:
        assert 0 <= pair.a_span[0] < pair.a_span[1] <= len(a.text)
        assert 0 <= pair.b_span[0] < pair.b_span[1] <= len(b.text)
        assert 0.0 <= pair.score <= 1.0
    assert len({(p.a, p.b) for p in result.pairs}) == len(result.pairs)


def test_the_model_gives_one_unit_vector_per_sentence():
    (a,) = semantic(Document("a", REPORT_A))
    assert a.vectors.shape == (4, embed.DIMENSIONS)
    assert abs(float((a.vectors[1] ** 2).sum()) - 1.0) < 0.01


def test_it_pairs_a_request_told_in_other_words():
    a, b = semantic(Document("a", REPORT_A), Document("b", REPORT_B))
    result = align_pair(a, b)
    check(result, a, b)
    asked = next(p for p in result.pairs if "emergency supplies" in a.text[p.a_span[0] : p.a_span[1]])
    assert "emergency provisions" in b.text[asked.b_span[0] : asked.b_span[1]]
    assert asked.kind == "paraphrase"


def test_headlines_pair_with_each_other():
    a, b = semantic(Document("a", REPORT_A), Document("b", REPORT_B))
    result = align_pair(a, b)
    assert any(p.a == (0,) and p.b == (0,) for p in result.pairs)


def test_unrelated_sentences_stay_unpaired():
    a, b = semantic(Document("a", REPORT_A), Document("b", REPORT_B))
    result = align_pair(a, b)
    bakery = next(s.index for s in result.b_segments if "bakery" in b.text[s.start : s.end])
    assert bakery in result.unique_b


def test_a_headline_is_the_first_sentence_alone_in_its_paragraph():
    from compare.engine.align import prepare

    assert headline(prepare(Document("a", REPORT_A))) == 0
    assert headline(prepare(Document("a", "One sentence. And another in the same paragraph."))) is None


def test_identical_versions_are_verbatim_throughout():
    a, b = semantic(Document("a", REPORT_A), Document("b", REPORT_A))
    result = align_pair(a, b)
    assert result.shares_a["verbatim"] == pytest.approx(1.0)
    assert not result.unique_a and not result.unique_b


def test_swapping_the_versions_mirrors_the_result():
    a, b = semantic(Document("a", REPORT_A), Document("b", REPORT_B))
    forward, backward = align_pair(a, b), align_pair(b, a)
    assert [(p.a, p.b, p.kind, p.score) for p in forward.pairs] == sorted(
        (p.b, p.a, p.kind, p.score) for p in backward.pairs
    )


ODD = {
    "empty": "",
    "only junk": "Share this article\n\nAdvertisement\n\nSign up for our newsletter",
    "chinese": "渡轮因风暴停航十二天。岛上居民请求紧急物资。县议会拒绝透露维修时间。",
    "arabic": "توقفت العبارة عن الإبحار لمدة اثني عشر يوما بعد العاصفة. طلب السكان إمدادات عاجلة.",
    "hebrew": "המעבורת לא תפליג במשך שנים עשר יום אחרי הסערה. התושבים ביקשו אספקה דחופה.",
    "emoji": "🚢⛈️ The ferry 🚢 will not sail 🙅 for 12 days. 😢😢😢",
}


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_versions_align_without_crashing(name):
    documents = semantic(Document("odd", ODD[name]), Document("report", REPORT_A), Document("copy", ODD[name] + " "))
    story = align_story(documents)
    for (x, y), result in story.pairwise.items():
        by_id = {d.id: d for d in documents}
        check(result, by_id[x], by_id[y])


def test_a_hundred_thousand_word_version_aligns():
    sentences = [
        f"Harbour crew {n} checked pier section {n % 37} on the island and reported the damage to the council."
        for n in range(300)
    ]
    huge = " ".join(sentences[n % 300] for n in range(6000))  # about 100,000 words
    assert len(huge.split()) >= 100_000
    a, b = semantic(Document("huge", huge), Document("report", REPORT_A + " " + sentences[7]))
    result = align_pair(a, b)
    check(result, a, b)
    assert result.pairs


def test_two_sentences_merged_into_one_make_one_pair_not_two():
    # Each half copied word for word already scores as much as a pair can when capped:
    # the merged sentence must still take both halves in one pair, not pair twice with
    # the other half shown as inserted each time.
    a_text = (
        "Night ferry to stop in March\n\n"
        "The harbour board voted on Tuesday to end the night ferry to Gull Point. "
        "Divers who inspected the slipway found cracks in nine of its twelve piers. "
        "Several of the chains that hold the pontoon had also rusted through. "
        "The last crossing will leave at midnight on 31 March."
    )
    b_text = (
        "Night ferry to stop in March\n\n"
        "The harbour board voted on Tuesday to end the night ferry to Gull Point. "
        "Divers who inspected the slipway found cracks in nine of its twelve piers, and several "
        "of the chains that hold the pontoon had rusted through. "
        "The last crossing will leave at midnight on 31 March."
    )
    a, b = semantic(Document("a", a_text), Document("b", b_text))
    result = align_pair(a, b)
    check(result, a, b)
    merged = [p for p in result.pairs if "Divers" in b.text[p.b_span[0] : p.b_span[1]]]
    assert len(merged) == 1
    assert "Divers" in a.text[merged[0].a_span[0] : merged[0].a_span[1]]
    assert "rusted through" in a.text[merged[0].a_span[0] : merged[0].a_span[1]]
