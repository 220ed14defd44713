"""The fingerprint module: sentences, shingles, MinHash and band keys (pure Python)."""

from __future__ import annotations

import random

from compare.engine import fingerprint

FERRY = (
    "The harbour council of Lindqvist Bay voted on Tuesday to replace the old ferry with an electric one.\n\n"
    "Councillor Amara Osei said the new vessel would carry ninety passengers and twelve cars.\n\n"
    "Fishermen on the north quay warned that the construction would close their moorings for a whole season."
)


def test_it_cuts_sentences_at_stops_and_line_breaks():
    text = "First one here is long. Second one is here too!\nA headline without a stop\n\nLast words of it."
    spans = list(fingerprint.sentence_spans(text))
    assert [text[s:e] for s, e in spans] == [
        "First one here is long.",
        "Second one is here too!",
        "A headline without a stop",
        "Last words of it.",
    ]


def test_it_never_cuts_a_sentence_inside_junk():
    text = "Keep this sentence about the ferry vote. Advertisement Skip the ad now. Keep this other one too."
    start = text.index("Advertisement")
    end = text.index("Keep this other")
    spans = list(fingerprint.sentence_spans(text, [(start, end, "advert")]))
    assert all(e <= start or s >= end for s, e in spans)
    assert "Advertisement" not in "".join(text[s:e] for s, e in spans)


def test_words_are_casefolded_and_apostrophes_unified():
    expected = ["the", "mayors", "plan", "the", "mayors", "plan"]
    assert fingerprint.words("The Mayor’s Plan, the mayor's plan!") == expected


def test_shingles_are_word_triples_of_one_sentence():
    assert fingerprint.shingles(["a", "b", "c", "d"]) == {"a b c", "b c d"}
    assert fingerprint.shingles(["a", "b"]) == {"a b"}


def test_the_same_text_always_gets_the_same_keys():
    assert fingerprint.keys(FERRY) == fingerprint.keys(FERRY)
    assert len(fingerprint.keys(FERRY)) == 3 * fingerprint.BANDS


def test_reordering_paragraphs_keeps_every_key():
    reordered = "\n\n".join(reversed(FERRY.split("\n\n")))
    assert fingerprint.keys(reordered) == fingerprint.keys(FERRY)


def test_layout_and_case_do_not_change_the_keys():
    relaid = FERRY.replace("\n\n", "\n").upper()
    assert fingerprint.keys(relaid) == fingerprint.keys(FERRY)


def test_short_sentences_are_not_indexed():
    assert fingerprint.keys("He declined comment. Yes.") == set()


def test_unrelated_texts_share_no_keys():
    other = (
        "A travelling circus set up its tent beside the railway museum on Friday evening.\n\n"
        "Tickets for the opening night sold out within an hour, the organisers reported."
    )
    assert not fingerprint.keys(other) & fingerprint.keys(FERRY)


def test_an_edited_sentence_usually_keeps_a_key():
    # One word replaced in a long sentence: shingle Jaccard about 0.6, match chance ~0.88.
    rng = random.Random(4)
    vocabulary = [f"word{n}" for n in range(5000)]
    kept = 0
    trials = 300
    for _ in range(trials):
        sentence = [rng.choice(vocabulary) for _ in range(16)]
        edited = list(sentence)
        edited[rng.randrange(3, 13)] = "changed"
        if fingerprint.keys(" ".join(sentence)) & fingerprint.keys(" ".join(edited)):
            kept += 1
    jaccard_low = 10 / 17  # worst case: three shingles lost out of fourteen
    # The chance of sharing a band key, as the module's docstring derives it.
    match_probability = 1 - (1 - jaccard_low**fingerprint.ROWS) ** fingerprint.BANDS
    assert kept / trials > match_probability - 0.08


def test_keys_fit_a_signed_64_bit_column_and_bands_differ():
    for key in fingerprint.keys(FERRY):
        assert 0 <= key < 2**63
    first = fingerprint.sentences(FERRY)[0]
    assert len(set(first.keys)) == fingerprint.BANDS


def test_run_on_text_is_cut_into_windows():
    blob = " ".join(f"w{n}" for n in range(fingerprint.MAX_SENTENCE_WORDS * 3))
    assert len(fingerprint.sentences(blob)) == 3


def test_keys_for_many_matches_one_by_one():
    results = fingerprint.keys_for_many([(7, FERRY, [])])
    assert results == [(7, 3, sorted(fingerprint.keys(FERRY)))]
