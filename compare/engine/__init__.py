"""The Versus alignment engine: plain Python over plain data, no Django.

Text goes in as ``Document`` (an id, the text, its junk spans); spans with character
offsets into that text come out. What the rest of Versus uses is imported from here, never
from the modules below: they are the engine's own business and change as it improves.

* ``align_story``: every version of a story at once (``StoryAlignment``);
  ``align_pair``, or ``prepare`` once and ``align_prepared`` many times, for two texts.
* ``story_to_dict`` / ``story_from_dict``: a ``StoryAlignment`` as JSON and back (and
  ``pair_to_dict``/``pair_from_dict``, ``segment_to_list``/``segment_from_list`` for parts);
  ``pair_alignment_entries``: one pair's passages as export entries.
* ``KINDS`` / ``SHARE_KINDS`` / ``SIMILARITY_WEIGHTS``: the kinds of pairs and what each counts for.
* ``find_junk``: page clutter in a text (credits, menus, captions).
* ``word_changes``: the word-level changes (and moved words) between two passages; ``same_wording``: the
  share of pairs' words that are the same on both sides; ``mirror``: a pair alignment
  seen from the other side; ``numbers_in``: the figures the engine reads in a text.
* ``embed``: the sentence model (installed or not, sentence vectors, their storage key).
* ``fingerprint_*``: the sentence fingerprints of the library index.
* ``ENGINE_VERSION`` / ``COMPONENT_VERSIONS``: which results a stored alignment holds.
"""

from __future__ import annotations

# story.py reads ENGINE_VERSION from this package while it is being imported: bind it first.
from .version import COMPONENT_VERSIONS, ENGINE_VERSION, JUNK_VERSION

# isort: split
from . import embed
from .align import Idf, Prepared, align_pair, align_prepared, mirror, prepare
from .diff import _numbers as numbers_in
from .diff import same_wording, word_changes
from .fingerprint import MIN_SENTENCE_WORDS as FINGERPRINT_MIN_WORDS
from .fingerprint import SCHEME as FINGERPRINT_SCHEME
from .fingerprint import Sentence as FingerprintSentence
from .fingerprint import keys as fingerprint_keys
from .fingerprint import keys_for_many as fingerprint_keys_for_many
from .fingerprint import sentences as fingerprint_sentences
from .junk import find_junk
from .reuse import Reuse, reuse, reuse_of, whole_percents
from .serialize import (
    pair_alignment_entries,
    pair_from_dict,
    pair_to_dict,
    segment_from_list,
    segment_to_list,
    story_from_dict,
    story_to_dict,
)
from .story import _DERIVED_SHARE as DERIVED_SHARE
from .story import _SIMILARITY_WEIGHT as SIMILARITY_WEIGHTS
from .story import LikelySource, align_story, likely_source, source_evidence
from .types import (
    KINDS,
    SHARE_KINDS,
    Change,
    Document,
    Flag,
    Group,
    JunkSpan,
    Kind,
    Move,
    Pair,
    PairAlignment,
    Segment,
    ShareKind,
    SourceEstimate,
    StoryAlignment,
)

__all__ = [
    "COMPONENT_VERSIONS",
    "ENGINE_VERSION",
    "FINGERPRINT_MIN_WORDS",
    "FINGERPRINT_SCHEME",
    "JUNK_VERSION",
    "KINDS",
    "SHARE_KINDS",
    "DERIVED_SHARE",
    "SIMILARITY_WEIGHTS",
    "Change",
    "Move",
    "Document",
    "FingerprintSentence",
    "Flag",
    "Group",
    "Idf",
    "JunkSpan",
    "Kind",
    "Pair",
    "PairAlignment",
    "Prepared",
    "Segment",
    "ShareKind",
    "LikelySource",
    "SourceEstimate",
    "StoryAlignment",
    "align_pair",
    "align_prepared",
    "align_story",
    "Reuse",
    "reuse",
    "reuse_of",
    "likely_source",
    "source_evidence",
    "whole_percents",
    "embed",
    "find_junk",
    "fingerprint_keys",
    "fingerprint_keys_for_many",
    "fingerprint_sentences",
    "mirror",
    "numbers_in",
    "pair_alignment_entries",
    "pair_from_dict",
    "pair_to_dict",
    "prepare",
    "same_wording",
    "segment_from_list",
    "segment_to_list",
    "story_from_dict",
    "story_to_dict",
    "word_changes",
]
