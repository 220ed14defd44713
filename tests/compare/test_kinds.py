"""One table of the kinds of correspondence (compare/kinds.py) for everything that shows them."""

from __future__ import annotations

from compare import kinds
from compare.engine import KINDS, SHARE_KINDS, SIMILARITY_WEIGHTS


def test_every_kind_the_engine_gives_has_words_for_readers():
    assert set(kinds.TABLE) == set(SHARE_KINDS)
    assert [info.name for info in kinds.PAIR_KINDS] == list(KINDS)


def test_every_kind_has_the_engine_weight():
    assert {name: info.weight for name, info in kinds.TABLE.items()} == dict(SIMILARITY_WEIGHTS)


def test_kinds_rank_from_closest_to_most_different():
    assert sorted(kinds.TABLE, key=kinds.RANK.__getitem__) == ["verbatim", "edited", "paraphrase", "unique"]
    assert {"edited", "paraphrase"} == kinds.REWORDED


def test_closer_kinds_weigh_more():
    weights = [info.weight for info in kinds.SHARE_KIND_INFO]
    assert weights == sorted(weights, reverse=True)
