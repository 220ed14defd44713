"""How good is the alignment engine? Prints the figures of the README's quality table.

    .venv/bin/python bench/quality.py            # everything (minutes: dev-set sentences are embedded once)
    .venv/bin/python bench/quality.py --seeds    # only the seed story checks
    .venv/bin/python bench/quality.py --basil --meter   # only the two labelled development sets
    .venv/bin/python bench/quality.py --source   # does the likely source name the wire copy? (meter-dev)

Data is read from ../shared (never copied into the project):

* MSRP (Microsoft Research Paraphrase Corpus): the engine's pair decision (aligned or not)
  against the human label, on the test split. Two decisions are reported: the engine's own
  (``ALIGN_THRESHOLD``: "these passages correspond", which includes edited sentences with a
  fact changed, labelled 0 in MSRP) and the best-accuracy threshold chosen on the training
  split for MSRP's own notion ("semantically equivalent"). Never tuned on test.
* STS news subsets: Pearson correlation of the engine's score with the human 0-5 score,
  next to a bag-of-words cosine baseline computed here (the SemEval organisers' baseline).
* The seed story: the pairs the issue says must be found, and the one that must not.
* The likely source on meter-dev: over the stories with at least one newspaper text the
  annotators call derived from PA, how often the engine names one of the story's PA texts as
  the source, next to the baseline of the version most similar to all the others (the
  engine's rule until December 2026), computed from the same alignments.
* basil-dev (independent reports of eight events, hand-labelled corresponding passages) and
  meter-dev (PA wire copy and the papers' stories built on it, word-level reuse labels and
  document classes), each scored by the dataset's own ``score.py``, run in this process
  (the same measure as calling ``manage.py align --json`` per case, without the start-up
  cost). Both modes are printed in one run: lexical (no model) and semantic (sentence
  embeddings), so the model's contribution is measured side by side.

Sentence vectors for the benchmarks are cached in ``~/.cache/versus-bench`` (keyed by the
model version and the sentences), so a second run does not embed again.

IDF is computed over all sentences of the split being scored, as the engine does over the
sentences of the versions it compares.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import io
import json
import math
import os
import sys
import time
import types
from collections import Counter
from dataclasses import replace
from itertools import combinations
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "versus.settings")

import django  # noqa: E402

# The align command (run in process below) checks files as import does, with the articles app.
django.setup()

from compare.engine import Document, Idf, align_pair, align_story, embed, find_junk  # noqa: E402

# The sentence scorer and its threshold are measured on their own, below the public API.
from compare.engine._text import tokens  # noqa: E402
from compare.engine.align import ALIGN_THRESHOLD, SEMANTIC_THRESHOLD, judge  # noqa: E402

SHARED = REPO.parent / "shared"
MSRP = SHARED / "datasets" / "msrp"
STS = SHARED / "datasets" / "sts-news"
SEEDS = SHARED / "seeds"
BASIL = SHARED / "datasets" / "basil-dev"
METER = SHARED / "datasets" / "meter-dev"
VECTOR_CACHE = Path.home() / ".cache" / "versus-bench"

# Published figures for context (MSRP test accuracy; from the dataset's README and the literature).
MSRP_PUBLISHED = [
    ("majority class (always 'paraphrase')", "66.5%"),
    ("word-overlap baselines", "~70%"),
    ("neural models (BERT and later)", "84-92%"),
]


def read_tsv(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [line.split("\t") for line in lines]


def msrp_split(name: str) -> list[tuple[int, str, str]]:
    rows = read_tsv(MSRP / f"msr-para-{name}.tsv")[1:]
    return [(int(r[0]), r[3], r[4]) for r in rows if len(r) >= 5 and r[0] in ("0", "1")]


def scores(pairs: list[tuple[str, str]], semantic: bool = False) -> list[float]:
    """Engine score of each sentence pair, IDF over all sentences of the set. Semantic: the
    sentences' embeddings blended in as the engine does, the set's mean embedding standing
    for the story's topic (these pairs come from many stories)."""
    tokenised = [(tokens(a), tokens(b)) for a, b in pairs]
    if not semantic:
        idf = Idf(t for pair in tokenised for t in pair)
        return [judge(a, b, idf) for a, b in tokenised]
    vectors = sentence_vectors([text for pair in pairs for text in pair])
    idf = Idf((t for pair in tokenised for t in pair), [vectors])
    centred = vectors - idf.topic
    return [
        judge(a, b, idf, cos=round(float(centred[2 * n] @ centred[2 * n + 1]), 4)) for n, (a, b) in enumerate(tokenised)
    ]


def sentence_vectors(texts: list[str]) -> Any:
    """The model's vectors for a list of sentences, cached on disk by the list's content."""
    import numpy as np

    digest = hashlib.sha256(embed.EMBEDDING_VERSION.encode())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\x00")
    path = VECTOR_CACHE / f"sentences-{digest.hexdigest()[:32]}.npy"
    if path.exists():
        return np.load(path)
    vectors = embed.encode(texts)
    VECTOR_CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def accuracy_f1(labels: list[int], predicted: list[bool]) -> tuple[float, float]:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    accuracy = sum(1 for y, p in zip(labels, predicted, strict=True) if bool(y) == p) / len(labels)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return accuracy, f1


def best_threshold(labels: list[int], values: list[float]) -> float:
    """Threshold with the best accuracy (ties: the lowest), scanning every observed value."""
    best = (-1.0, 0.0)
    for candidate in sorted(set(values)):
        accuracy, _ = accuracy_f1(labels, [v >= candidate for v in values])
        if accuracy > best[0]:
            best = (accuracy, candidate)
    return best[1]


def pearson(x: list[float], y: list[float]) -> float:
    n = len(x)
    mean_x, mean_y = sum(x) / n, sum(y) / n
    cov = sum((a - mean_x) * (b - mean_y) for a, b in zip(x, y, strict=True))
    var_x = sum((a - mean_x) ** 2 for a in x)
    var_y = sum((b - mean_y) ** 2 for b in y)
    return cov / math.sqrt(var_x * var_y) if var_x and var_y else 0.0


def bag_cosine(a: str, b: str) -> float:
    """SemEval's baseline: cosine of word-count vectors."""
    count_a, count_b = Counter(a.lower().split()), Counter(b.lower().split())
    dot = sum(count_a[w] * count_b[w] for w in count_a)
    norm = math.sqrt(sum(v * v for v in count_a.values()) * sum(v * v for v in count_b.values()))
    return dot / norm if norm else 0.0


def report_msrp() -> None:
    for semantic in [False] + ([True] if embed.available() else []):
        print(f"## MSRP (pair decision vs human label), {'semantic' if semantic else 'lexical'}")
        train, test = msrp_split("train"), msrp_split("test")
        train_labels, test_labels = [y for y, _, _ in train], [y for y, _, _ in test]
        train_scores = scores([(a, b) for _, a, b in train], semantic)
        test_scores = scores([(a, b) for _, a, b in test], semantic)
        bar = SEMANTIC_THRESHOLD if semantic else ALIGN_THRESHOLD
        chosen = best_threshold(train_labels, train_scores)
        rows = [
            (f"engine decision (score >= {bar})", bar),
            (f"threshold chosen on train ({chosen:.3f})", chosen),
        ]
        print(f"{'decision':48s} {'train acc':>9s} {'test acc':>9s} {'test F1':>8s}")
        for name, threshold in rows:
            train_acc, _ = accuracy_f1(train_labels, [s >= threshold for s in train_scores])
            test_acc, test_f1 = accuracy_f1(test_labels, [s >= threshold for s in test_scores])
            print(f"{name:48s} {train_acc:9.1%} {test_acc:9.1%} {test_f1:8.1%}")
        majority_acc, majority_f1 = accuracy_f1(test_labels, [True] * len(test_labels))
        print(f"{'majority class, computed here':48s} {'':9s} {majority_acc:9.1%} {majority_f1:8.1%}")
        recall = sum(1 for y, s in zip(test_labels, test_scores, strict=True) if y and s >= bar)
        print(f"MSRP test paraphrases the engine aligns: {recall / sum(test_labels):.1%}")
        print("published (test accuracy): " + "; ".join(f"{name} {figure}" for name, figure in MSRP_PUBLISHED))
        print()


def report_sts() -> None:
    semantic = embed.available()
    print("## STS news subsets (Pearson r with the human 0-5 score)")
    print(f"{'subset':28s} {'pairs':>6s} {'lexical':>8s} {'semantic':>9s} {'bag-of-words cosine':>20s}")
    for path in sorted(STS.glob("*.tsv")):
        rows = []
        for row in read_tsv(path):
            if len(row) < 3:
                continue
            try:
                rows.append((float(row[0]), row[1], row[2]))
            except ValueError:
                continue  # rows without a score
        gold = [g for g, _, _ in rows]
        lexical = pearson(scores([(a, b) for _, a, b in rows]), gold)
        with_model = f"{pearson(scores([(a, b) for _, a, b in rows], True), gold):9.3f}" if semantic else f"{'-':>9s}"
        baseline = pearson([bag_cosine(a, b) for _, a, b in rows], gold)
        print(f"{path.stem:28s} {len(rows):6d} {lexical:8.3f} {with_model} {baseline:20.3f}")
    print("published: best SemEval systems reached roughly 0.73-0.84 on these subsets")
    print()


def seed_story() -> tuple[dict[str, Document], Any, float]:
    docs = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        docs[path.name[:3]] = Document(path.name[:3], text, tuple((j.start, j.end) for j in find_junk(text)))
    docs = {d.id: d for d in cached_vectors(list(docs.values()))}
    started = time.perf_counter()
    story = align_story(list(docs.values()))
    return docs, story, time.perf_counter() - started


def report_seeds() -> int:
    print("## Seed story (../shared/seeds)")
    docs, story, elapsed = seed_story()

    def segment(doc_id: str, key: str) -> int | None:
        text = docs[doc_id].text
        found = [s.index for s in story.segments[doc_id] if key in text[s.start : s.end]]
        return found[0] if len(found) == 1 else None

    def pair(a: str, key_a: str, b: str, key_b: str):
        i, j = segment(a, key_a), segment(b, key_b)
        for p in story.pairwise[(a, b)].pairs:
            if i in p.a and j in p.b:
                return p
        return None

    checks = [
        ("Sullivan's CNN quote, 002/004", ("002", "privately with Beijing"), ("004", "directly, privately"), "edited"),
        ("Peskov's statement, 000/003", ("000", "own potential"), ("003", "independent capacity"), "paraphrase"),
        ("Zhao Lijian's denial, 001/003", ("001", "dismissed the claims"), ("003", "Lijian rejected"), "paraphrase"),
        ("000's official vs Sullivan in 004", ("000", "privately and directly"), ("004", "directly, privately"), None),
    ]
    failures = 0
    for name, (a, key_a), (b, key_b), expected in checks:
        found = pair(a, key_a, b, key_b)
        got = f"{found.kind} ({found.score:.2f})" if found else "no pair"
        ok = (found.kind if found else None) == expected
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {name:36s} expected {expected or 'no pair':10s} got {got}")
    shares = story.pairwise[("004", "002")].shares_a
    print(
        f"004 (reprint) against 002 (spun copy): verbatim {shares['verbatim']:.0%}, edited {shares['edited']:.0%}, "
        f"paraphrase {shares['paraphrase']:.0%}, unique {shares['unique']:.0%}"
    )
    pairs = {k: len(v.pairs) for k, v in story.pairwise.items() if k[0] < k[1]}
    print("pairs found per couple of versions: " + ", ".join(f"{a}-{b}: {n}" for (a, b), n in sorted(pairs.items())))
    print(f"source estimate: {story.source.document} (confidence {story.source.confidence})")
    for line in story.source.evidence:
        print(f"  - {line}")
    print(f"five versions aligned in {elapsed * 1000:.0f} ms ({embed.mode()}; sentence vectors computed beforehand)")
    print()
    return failures


# --- the labelled development sets -------------------------------------------------------

USE_VECTORS = True  # switched off for the lexical run of the side-by-side comparison


def cached_vectors(documents: list[Document]) -> list[Document]:
    """The documents with their sentence vectors (from the cache, else computed and cached),
    or unchanged in the lexical run or without the model."""
    if not USE_VECTORS or not embed.available():
        return documents
    import numpy as np

    VECTOR_CACHE.mkdir(parents=True, exist_ok=True)
    out = []
    for document in documents:
        path = VECTOR_CACHE / f"{embed.vectors_key(document)}.npy"
        if path.exists():
            vectors = np.load(path)
        else:
            vectors = embed.with_vectors([document])[0].vectors
            np.save(path, vectors)
        out.append(replace(document, vectors=vectors))
    return out


def align_files(paths: list[str]) -> dict[str, Any]:
    """What ``manage.py align PATHS --json`` prints, computed in this process."""
    from compare.management.commands.align import as_json, read_documents

    documents, junk = read_documents(paths)
    documents = cached_vectors(documents)
    if len(documents) == 2:
        return as_json(documents, junk, [align_pair(documents[0], documents[1])], None)
    story = align_story(documents)
    return as_json(documents, junk, [story.pairwise[(a.id, b.id)] for a, b in combinations(documents, 2)], story)


def load_scorer(folder: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(f"score_{folder.name.replace('-', '_')}", folder / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_scorer(module: types.ModuleType, argv: list[str]) -> str:
    """Run a dataset's score.py main() with ``argv`` and return what it printed."""
    saved, sys.argv = sys.argv, [module.__file__ or "score.py", *argv]
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            module.main()
    finally:
        sys.argv = saved
    return out.getvalue()


def basil_figures() -> list[str]:
    scorer = load_scorer(BASIL)

    class Done:
        returncode = 0
        stderr = ""

        def __init__(self, stdout: str) -> None:
            self.stdout = stdout

    def run_in_process(command: str, **_: Any) -> Done:
        a, b = command.split("\x00")
        return Done(json.dumps(align_files([a, b])))

    scorer.subprocess = types.SimpleNamespace(run=run_in_process)  # type: ignore[attr-defined]
    return run_scorer(scorer, ["{a}\x00{b}"]).strip().splitlines()[-2:]


def meter_figures() -> list[str]:
    scorer = load_scorer(METER)

    def run_in_process(command: str, files: list[str], timeout: int, cache: Any) -> tuple[dict[str, Any], float, str]:
        started = time.perf_counter()
        return align_files(files), time.perf_counter() - started, ""

    scorer.run_tool = run_in_process  # type: ignore[attr-defined]
    thresholds = VECTOR_CACHE / f"meter-thresholds-{os.getpid()}.json"
    VECTOR_CACHE.mkdir(parents=True, exist_ok=True)
    printed = run_scorer(scorer, ["x {files}", "--jobs", "1", "--thresholds", str(thresholds)])
    thresholds.unlink(missing_ok=True)
    lines = printed.splitlines()
    kept = ("Versus  ", "Versus (trivial", "difflib", "word 3-gram", "1-gram", "newspaper texts with no PA pair")
    keep = [line for line in lines if line.strip().startswith(kept)]
    keep += [line for line in lines if "cross-validation" in line or line.startswith("meter dev:")]
    return keep


def report_dev_sets(basil: bool, meter: bool) -> None:
    global USE_VECTORS
    modes = [("lexical", False)] + ([("semantic", True)] if embed.available() else [])
    if not embed.available():
        print(f"(the sentence model is not available: {embed.unavailable_reason()}; lexical figures only)")
    sets = [
        ("basil-dev", basil and BASIL.is_dir(), basil_figures, "F1 >= 0.70 with P >= 0.85 (December 2026: F1 0.460)"),
        ("meter-dev", meter and METER.is_dir(), meter_figures, "word accuracy >= 0.78, CV macro-F1 >= 0.68"),
    ]
    for name, use in modes:
        USE_VECTORS = use
        for title, wanted, figures, target in sets:
            if wanted:
                started = time.perf_counter()
                lines = figures()
                print(f"## {title}, {name} ({time.perf_counter() - started:.0f} s)")
                print("\n".join(lines))
                print(f"target: {target}")
                print()
    USE_VECTORS = True


def report_source() -> None:
    """How often the likely source is a PA text, in the stories where a paper took from PA."""
    from compare.management.commands.align import read_documents

    labels = json.loads((METER / "labels.json").read_text(encoding="utf-8"))
    counts = {"engine": Counter[str](), "most similar to all the others": Counter[str]()}
    for story_id, story in sorted(labels["stories"].items()):
        if all(labels["papers"][f"{story_id}/{paper}"]["class"] == "non-derived" for paper in story["papers"]):
            continue
        folder = METER / "stories" / story_id
        paths = [str(folder / "pa" / f"{n}.txt") for n in story["pa"]]
        paths += [str(folder / "papers" / f"{n}.txt") for n in story["papers"]]
        if len(paths) < 2:
            continue
        documents = cached_vectors(read_documents(paths)[0])
        aligned = align_story(documents)
        ids = aligned.documents
        similar = max(ids, key=lambda x: (sum(aligned.similarity[(x, y)] for y in ids if y != x), -ids.index(x)))
        for name, chosen in (("engine", aligned.source.document), ("most similar to all the others", similar)):
            where = "none" if chosen is None else "PA text" if f"{os.sep}pa{os.sep}" in chosen else "paper"
            counts[name][where] += 1
    for name, counted in counts.items():
        total = sum(counted.values())
        print(
            f"  {name:32s} a PA text {counted['PA text']:3d} of {total}, a paper {counted['paper']:3d}, "
            f"no source named {counted['none']:3d}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", action="store_true", help="the seed story checks")
    parser.add_argument("--basil", action="store_true", help="basil-dev (independent reports)")
    parser.add_argument("--meter", action="store_true", help="meter-dev (wire copy reuse)")
    parser.add_argument("--pairs", action="store_true", help="MSRP and STS")
    parser.add_argument("--source", action="store_true", help="the likely source on meter-dev")
    args = parser.parse_args()
    everything = not (args.seeds or args.basil or args.meter or args.pairs or args.source)
    print(f"engine mode: {embed.mode()}")
    failures = report_seeds() if SEEDS.is_dir() and (everything or args.seeds) else 0
    if everything or args.pairs:
        if MSRP.is_dir():
            report_msrp()
        if STS.is_dir():
            report_sts()
    if (everything or args.source) and METER.is_dir():
        print("## likely source on meter-dev stories with a paper derived from PA (semantic)")
        report_source()
        print()
    if everything or args.basil or args.meter:
        report_dev_sets(everything or args.basil, everything or args.meter)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
