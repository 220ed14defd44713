"""Fingerprints for the library index: MinHash LSH band keys, one set per sentence.

What is indexed, and why per sentence
-------------------------------------
A text is cut into sentences (a fast splitter of its own: paragraph breaks and ``. ! ?``
followed by space; it only has to cut the same way on both sides, not the way the
aligner does). Each sentence becomes the set of its normalised word 3-shingles
(casefolded words, apostrophes unified), shingles never crossing a sentence boundary,
so moving a paragraph or a sentence changes nothing. Each sentence gets a MinHash
signature of ``BANDS * ROWS`` values, cut into ``BANDS`` bands of ``ROWS`` values; each
band hashes to one 63-bit key. Two sentences whose shingle sets have Jaccard similarity
``j`` share at least one key with probability ``1 - (1 - j**ROWS) ** BANDS``:

    j = 1.0 (same sentence)              1.00
    j = 0.6 (one word replaced in ~14)   0.88
    j = 0.3                              0.32
    j = 0.1 (unrelated, shared phrase)   0.04

A whole-document signature would be a poor fit: a text that shares half its sentences
with a source has a document Jaccard of about 1/3, and a short quote from a long article
far less. Per sentence, a document match needs only one of its shared sentences to hit,
so recall for a text sharing ten sentences with a source is 1 - 0.12**10 even when every
one of them was edited.

How the MinHash is computed (measured with ``bench/library.py --minhash``)
-------------------------------------------------------------------------
``BANDS * ROWS`` independent hash functions are the 32-bit slices of one BLAKE2b digest
per shingle, and the signature is the column-wise minimum (``min`` over ``zip``), so
the inner loop runs in C. Measured on this machine (2 cores, shared), MinHash alone, per
article of ~270 words, in one run: pure Python 1.00x; numpy ``(a*h + b) mod p`` per
sentence 0.52x, vectorised over a whole article with ``minimum.reduceat`` 0.18x;
datasketch 2.0.0 (``MinHash.update_batch`` per sentence) 10.8x, its per-object cost
dominating on sets of ~15 shingles. But MinHash is only part of fingerprinting a text
(splitting, words, shingles and band keys are the rest): the whole pipeline took 1.5 ms
of CPU per article in pure Python against 1.0 ms with the numpy MinHash. A 1.5x faster
bulk build does not pay for a new dependency when a trace spends ~1 ms fingerprinting
and tens of ms aligning, so this module stays pure Python.

No Django here: text in, plain integers out.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ._text import STOPWORDS

# Bump when anything below changes what keys a text gets: stored keys of an older
# scheme are then stale and ``rebuild_index`` must run.
SCHEME = "sent-w3-b4r2-v2"

SHINGLE_WORDS = 3  # the stop-word test in ``shingles`` assumes three
BANDS = 4
ROWS = 2
# Sentences with fewer words say too little to identify a source ("He declined to comment.").
MIN_SENTENCE_WORDS = 5
# Run-on text without stops is cut into windows of this many words.
MAX_SENTENCE_WORDS = 60

_HASHES = BANDS * ROWS
_UNPACK = struct.Struct(f"<{_HASHES}I").unpack  # little-endian: the same keys on every machine
# Keys are reduced modulo a prime below 2**63, so they fit a signed 64-bit column (SQLite
# INTEGER, Postgres bigint); multiplier and per-band salts are fixed random constants.
_KEY_PRIME = (1 << 63) - 25
_MIX = 0x5851F42D4C957F2D
_BAND_SALTS = tuple(
    int.from_bytes(hashlib.blake2b(f"band {b}".encode(), digest_size=8).digest(), "little") for b in range(BANDS)
)

_WORD = re.compile(r"[^\W_]+")
# A sentence ends at a stop (with any closing quotes or brackets) followed by space, or at
# a line break: headlines, bylines and list items stand alone.
_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])[\"'”’»)\]]*\s+|\s*\n\s*")


@dataclass(frozen=True)
class Sentence:
    """One indexed sentence: its span in the text and its band keys."""

    start: int
    end: int
    words: int
    keys: tuple[int, ...]


def words(text: str) -> list[str]:
    """Normalised words: casefolded, curly apostrophes unified, apostrophes dropped."""
    return _WORD.findall(text.casefold().replace("’", "").replace("'", ""))


def sentence_spans(text: str, junk: Sequence[tuple[int, int]] = ()) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, never inside a junk span."""
    for region_start, region_end in _outside(junk, len(text)):
        start = region_start
        for stop in _SENTENCE_END.finditer(text, region_start, region_end):
            if stop.start() > start:
                yield start, stop.start()
            start = stop.end()
        if start < region_end:
            yield start, region_end


def _outside(junk: Sequence[tuple[int, int]], length: int) -> Iterator[tuple[int, int]]:
    position = 0
    for start, end in sorted((max(0, s), min(length, e)) for s, e, *_ in junk):
        if start > position:
            yield position, start
        position = max(position, end)
    if position < length:
        yield position, length


def shingles(sentence_words: Sequence[str]) -> set[str]:
    """Word 3-shingles of one sentence (a shorter sentence is one shingle).

    Shingles of function words only ("one of the", "it was a") are left out: every other
    sentence has them, so as a sentence's minimum they would make unrelated sentences meet.
    """
    n = SHINGLE_WORDS
    if len(sentence_words) <= n:
        return {" ".join(sentence_words)}
    stop = [w in STOPWORDS for w in sentence_words]
    found = {
        " ".join(sentence_words[i : i + n])
        for i in range(len(sentence_words) - n + 1)
        if not (stop[i] and stop[i + 1] and stop[i + 2])
    }
    return found or {" ".join(sentence_words[i : i + n]) for i in range(len(sentence_words) - n + 1)}


def minhash(shingle_set: set[str]) -> tuple[int, ...]:
    """MinHash signature: for each of BANDS*ROWS hash functions, the least value over the set."""
    rows = (_UNPACK(hashlib.blake2b(s.encode("utf-8"), digest_size=4 * _HASHES).digest()) for s in shingle_set)
    return tuple(min(column) for column in zip(*rows, strict=True))


def band_keys(signature: Sequence[int]) -> tuple[int, ...]:
    """One 63-bit key per band: its ROWS 32-bit values side by side, the band number mixed in
    (so one column holds all bands and equal values in different bands do not meet)."""
    keys = []
    for band in range(BANDS):
        packed = 0
        for value in signature[band * ROWS : (band + 1) * ROWS]:
            packed = (packed << 32) | value
        keys.append((packed * _MIX + _BAND_SALTS[band]) % _KEY_PRIME)
    return tuple(keys)


def sentences(text: str, junk: Sequence[tuple[int, int]] = ()) -> list[Sentence]:
    """Every indexable sentence of a text with its band keys (short ones are left out)."""
    result = []
    for start, end in sentence_spans(text, junk):
        sentence_words = words(text[start:end])
        for window in range(0, len(sentence_words), MAX_SENTENCE_WORDS):
            chunk = sentence_words[window : window + MAX_SENTENCE_WORDS]
            if len(chunk) < MIN_SENTENCE_WORDS:
                continue
            result.append(Sentence(start, end, len(chunk), band_keys(minhash(shingles(chunk)))))
    return result


def keys(text: str, junk: Sequence[tuple[int, int]] = ()) -> set[int]:
    """All band keys of a text: what the index stores for an article."""
    return {key for sentence in sentences(text, junk) for key in sentence.keys}


def keys_for_many(
    documents: Sequence[tuple[int, str, Sequence[tuple[int, int]]]],
) -> list[tuple[int, int, list[int]]]:
    """(id, number of indexed sentences, keys) for each (id, text, junk): one batch of a bulk build.

    A plain top-level function over plain data, so worker processes can run it.
    """
    result = []
    for document_id, text, junk in documents:
        found = sentences(text, junk)
        result.append((document_id, len(found), sorted({key for sentence in found for key in sentence.keys})))
    return result
