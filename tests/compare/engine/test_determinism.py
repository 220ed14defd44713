"""The engine's result depends on its input only: not on PYTHONHASHSEED, not on the process,
not on which other texts are embedded alongside a version."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from compare.engine import embed
from compare.engine.align import Idf
from tests.conftest import REPO

SEEDS = REPO.parent / "shared" / "seeds"

needs_model = pytest.mark.skipif(not embed.available(), reason="the sentence model is not installed")


def test_idf_totals_do_not_depend_on_the_order_of_the_stems():
    # Weights of very different sizes: a plain float sum of them changes with the order
    # (and a set yields its strings in an order that changes with PYTHONHASHSEED).
    idf = Idf([])
    idf._weights = {"a": 1e16, "b": 1.0, "c": -1e16, "d": 3.14159}
    forward = idf.total(["a", "b", "c", "d"])
    assert forward == idf.total(["b", "a", "d", "c"]) == idf.total(["c", "d", "b", "a"])
    assert forward == pytest.approx(4.14159)


@needs_model
def test_a_sentence_gets_the_same_vector_alone_or_among_others():
    sentence = "The ferry to Marrow Island will not sail for twelve days, the harbour said."
    others = [f"Engineer number {n} inspected the pier on Monday with the mayor." for n in range(40)]
    alone = embed.encode([sentence])
    among = embed.encode([*others[:20], sentence, *others[20:]])[20]
    assert alone[0].tobytes() == among.tobytes()


def _story_of_ten_long_versions(folder: Path) -> list[str]:
    """Ten versions of about 4,700 words each, made from the five real seed articles: each
    version takes the paragraphs of all five in its own order, drops some and changes a
    few words, as outlets rewriting shared copy do."""
    paragraphs = [
        p.strip()
        for path in sorted(SEEDS.glob("*.txt"))
        for p in path.read_text(encoding="utf-8").split("\n\n")
        if p.strip()
    ]
    paths = []
    for k in range(10):
        rng = random.Random(k)
        kept = [p for p in paragraphs if rng.random() > 0.1] + [p for p in paragraphs if rng.random() < 0.15]
        rng.shuffle(kept)
        edited = []
        for p in kept:
            words = p.split(" ")
            if rng.random() < 0.3 and len(words) > 6:
                words[rng.randrange(len(words))] = rng.choice(["reportedly", "officials", "Tuesday", "several"])
            edited.append(" ".join(words))
        path = folder / f"version{k}.txt"
        path.write_text("\n\n".join(edited), encoding="utf-8")
        paths.append(str(path))
    return paths


ALIGN_IN_A_FRESH_PROCESS = """
import json, sys
from compare.engine import embed
from compare.engine.junk import find_junk
from compare.engine.serialize import story_to_dict
from compare.engine.story import align_story
from compare.engine.types import Document
docs = []
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    docs.append(Document(path, text, tuple((j.start, j.end) for j in find_junk(text))))
story = align_story(embed.with_vectors(docs))
print(json.dumps({"mode": embed.mode(), "story": story_to_dict(story)}, sort_keys=True))
"""


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds/ is not here")
@needs_model
def test_a_ten_version_story_comes_out_the_same_under_every_hash_seed(tmp_path):
    paths = _story_of_ten_long_versions(tmp_path)
    words = [len(Path(p).read_text(encoding="utf-8").split()) for p in paths]
    assert min(words) > 4000
    outputs = []
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", ALIGN_IN_A_FRESH_PROCESS, *paths],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout))
    assert outputs[0]["mode"] == "semantic"
    assert outputs[0]["story"]["groups"]
    assert outputs[0] == outputs[1] == outputs[2]
