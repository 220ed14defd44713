"""A note's passage, or a link's, found from character offsets whatever the engine's sentences are."""

from __future__ import annotations

from dataclasses import dataclass

from compare.anchors import passage_at, segment_for


@dataclass
class Seg:
    start: int
    end: int


SENTENCES = [Seg(0, 40), Seg(41, 90), Seg(100, 150)]


def test_a_note_inside_a_sentence_belongs_to_it():
    assert segment_for(SENTENCES, 50, 60) == 1


def test_a_note_across_two_sentences_belongs_to_the_one_it_covers_most():
    assert segment_for(SENTENCES, 30, 80) == 1
    assert segment_for(SENTENCES, 10, 45) == 0


def test_a_note_between_sentences_belongs_to_the_nearest():
    assert segment_for(SENTENCES, 91, 93) == 1
    assert segment_for(SENTENCES, 96, 99) == 2


def test_a_note_past_the_last_sentence_belongs_to_the_last():
    assert segment_for(SENTENCES, 160, 170) == 2


def test_no_sentences_no_passage():
    assert segment_for([], 0, 5) is None


def test_the_same_note_finds_its_words_when_the_sentences_are_cut_differently():
    # An engine that splits the second sentence in two: the note on its second half follows the words.
    resplit = [Seg(0, 40), Seg(41, 64), Seg(65, 90), Seg(100, 150)]
    assert segment_for(resplit, 70, 85) == 2


def test_an_address_names_the_sentence_that_starts_there():
    assert [passage_at(SENTENCES, s.start) for s in SENTENCES] == [0, 1, 2]


def test_an_address_names_the_same_words_when_the_sentences_are_cut_differently():
    # A later engine splits the second sentence in two and joins the first to nothing else:
    # the address of the second sentence (offset 41) still opens the passage starting there.
    resegmented = [Seg(0, 40), Seg(41, 65), Seg(66, 90), Seg(100, 150)]
    assert resegmented[passage_at(resegmented, 41)].start == 41
    # And when it joins two sentences, an address inside the joined one opens it.
    joined = [Seg(0, 90), Seg(100, 150)]
    assert passage_at(joined, 41) == 0
    assert passage_at(joined, 100) == 1


def test_an_address_between_sentences_names_the_nearest():
    assert passage_at(SENTENCES, 97) == 2
    assert passage_at([], 10) is None
