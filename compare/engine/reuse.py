"""How much of one version is found in another, in whole percent: the one measure every surface states.

A pair alignment gives the share of A's text (its sentences' characters, junk left out) by the
kind of counterpart it has in B: verbatim, edited, paraphrase, or none ("unique"). Readers see
those shares as whole percents; rounded one by one they can add up to 99 or 101, and "copied"
(verbatim + edited) rounded on its own can differ by one from the two figures beside it. So the
four are rounded together (largest remainders, adding up to 100) and every other figure is a sum
of them: the story page's bars and matrix, the likely source's evidence, the API and the command
line then state the same number for the same pair and direction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .types import SHARE_KINDS, PairAlignment


def whole_percents(shares: Sequence[tuple[str, float]]) -> list[tuple[str, int]]:
    """Whole percentages that add up to 100 (largest remainders), so a bar has no gap."""
    total = sum(value for _, value in shares)
    if not total:  # an empty text: nothing to share out
        return [(kind, 0) for kind, _ in shares]
    exact = [(kind, 100 * value / total) for kind, value in shares]
    floors = [(kind, int(value)) for kind, value in exact]
    missing = 100 - sum(value for _, value in floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i][1] - floors[i][1], reverse=True)
    result = [value for _, value in floors]
    for i in by_remainder[:missing]:
        result[i] += 1
    return [(kind, value) for (kind, _), value in zip(floors, result, strict=True)]


@dataclass(frozen=True)
class Reuse:
    """A's text against B, in whole percent: ``copied`` + ``paraphrased`` = ``found``; 100 - ``found`` is not in B."""

    verbatim: int
    edited: int
    paraphrased: int

    @property
    def copied(self) -> int:
        """Verbatim or edited: the words themselves were taken."""
        return self.verbatim + self.edited

    @property
    def found(self) -> int:
        """With a counterpart of any kind in B."""
        return self.copied + self.paraphrased


def reuse_of(shares: Mapping[str, float]) -> Reuse:
    """``shares``: a text's shares by kind (``PairAlignment.shares_a``), fractions adding up to 1."""
    percents = dict(whole_percents([(kind, shares.get(kind, 0.0)) for kind in SHARE_KINDS]))
    return Reuse(verbatim=percents["verbatim"], edited=percents["edited"], paraphrased=percents["paraphrase"])


def reuse(alignment: PairAlignment) -> Reuse:
    """How much of A's text (``alignment.a_id``) is found in B, by kind, in whole percent."""
    return reuse_of(alignment.shares_a)
