"""The engine's version says which results a stored alignment holds (compare/engine/version.py)."""

from __future__ import annotations

import hashlib
import json

from compare.engine import COMPONENT_VERSIONS, ENGINE_VERSION, Document, align_story, find_junk, story_to_dict
from compare.models import StoredAlignment
from tests.conftest import REPO

DEMO = REPO / "articles" / "demo" / "harbour-bridge"

# What the engine made of the demo story under each version. When a change to the engine
# makes this test fail, the results changed: bump the number of the component that changed
# in COMPONENT_VERSIONS (so stored alignments are recomputed) and record the new digest here.
DEMO_DIGESTS = {
    "segment1.align1.diff1.story1.format2": "f322ab38361a11121343826e14390b596c2ac40dcdb0cc35c7567529e2fb937f",
    # Shared content words between edits stay shared; weekdays and months count as figures.
    "segment1.align2.diff2.story1.format2": "668a3a9017975124f3ed057f841b937f9927335ff7cc761d3221077d640598b9",
    # Words kept but moved to another place in a passage are not changes.
    "segment1.align2.diff3.story1.format2": "1812fbc18f79a22ad8fbd5a7aa9eba3b72290407177b659d256f49c88604f289",
    # Moves are kept with each pair (shown as moved words), not only left out of the changes.
    "segment1.align2.diff3.story1.format3": "3aa34e7127e0d239d88ef1d73aa617c58c258cbb836bb4cd290f167bd68bca86",
    # Of two tied versions the source is the one added first (id 9 before id 10).
    "segment1.align2.diff3.story2.format3": "3aa34e7127e0d239d88ef1d73aa617c58c258cbb836bb4cd290f167bd68bca86",
    # A US state's abbreviation ("Ariz. Gov. Jan Brewer") ends a sentence only before a clear start.
    "segment2.align2.diff3.story2.format3": "3aa34e7127e0d239d88ef1d73aa617c58c258cbb836bb4cd290f167bd68bca86",
    # A quoted question followed by a named speaker ("“Why?” Mr. Jordan asked.") is one sentence.
    "segment3.align2.diff3.story2.format3": "3aa34e7127e0d239d88ef1d73aa617c58c258cbb836bb4cd290f167bd68bca86",
    # A quotation kept word for word inside other framing makes an edited pair, not a paraphrase.
    "segment3.align3.diff3.story2.format3": "2d779f52895abe841dc041804c6c20861031dcfb590506649ccee3fd218b65f4",
    # Neighbours join a pair on uncapped scores (a sentence merged from two copied ones makes
    # one pair); words that only change their capitals in place are a trivial change, not a move.
    "segment3.align4.diff4.story2.format3": "c29570da3593ae94fddcde5934949d0e32fb0d5e3ae6c4e504afa3b663f88b2e",
    # A neighbour whose words are all on the other side joins a pair though its figure differs.
    "segment3.align5.diff4.story2.format3": "c29570da3593ae94fddcde5934949d0e32fb0d5e3ae6c4e504afa3b663f88b2e",
    # Verbatim means the same words in the same order: no function word may differ.
    "segment3.align6.diff4.story2.format3": "7d7f10a16cecdb8e4d9432c319b1767e9fcbaa4884d3a32462a29be1db957a1c",
    # The likely source's evidence states shares of one text found in another (copied / paraphrased).
    "segment3.align6.diff4.story3.format3": "cd76e9f3b8c19f87af49c44f60c9d7361c48463c937297574bb3ebb7dd1128f2",
    # The likely source is the version in which most of the others' text is found.
    "segment3.align6.diff4.story4.format3": "910577d4338f9a7e80c833abde55851ddd09dea4e2305674a4428809658531c7",
    # A function word of four letters or more standing once on each side moves ("said").
    "segment3.align6.diff5.story4.format3": "a43818db985cba89654c035d1a58734ce7044b2d08c2bd5b227c60eefdf323d7",
    # ... and most like all the others (similarity counting twice): an expansion is not its source's source.
    "segment3.align6.diff5.story5.format3": "de49aac0a6dba065103be8d4810d20ee424552c3002d2342768767b9f9706d8c",
    # The evidence names a text "the text of X", not "X’s text" (a version named "Version 2 (…)").
    "segment3.align6.diff5.story6.format3": "18fd35b96f9b568366a561e6e5eaee4e0e8a062547bed7a6f38dd57856967529",
}


def _rounded(value: object) -> object:
    # Scores as a reader sees them (whole percents): the engine's float sums can differ in the
    # last digits from one run to the next (they follow set order, which depends on the hash seed).
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def demo_digest() -> str:
    documents = []
    for path in sorted(DEMO.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        documents.append(Document(path.stem, text, tuple((j.start, j.end) for j in find_junk(text))))
    data = story_to_dict(align_story(documents))
    data.pop("engine_version")
    return hashlib.sha256(json.dumps(_rounded(data), sort_keys=True).encode("utf-8")).hexdigest()


def test_the_version_is_made_of_the_component_numbers():
    assert ".".join(f"{name}{number}" for name, number in COMPONENT_VERSIONS.items()) == ENGINE_VERSION


def test_the_version_fits_the_column_it_is_stored_in():
    assert len(ENGINE_VERSION) <= StoredAlignment._meta.get_field("engine_version").max_length


def test_the_demo_story_aligns_as_this_version_recorded():
    digest = demo_digest()
    assert DEMO_DIGESTS.get(ENGINE_VERSION) == digest, (
        f"The engine's results changed under version {ENGINE_VERSION}: bump the changed component in "
        f"compare/engine/version.py and record the new version with digest {digest} in DEMO_DIGESTS."
    )
