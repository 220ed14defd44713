"""Speed and memory of the alignment engine, against baselines run in the same process.

What it measures (targets from the project brief):

* the sentence model (all-MiniLM-L6-v2, compare/engine/embed.py): its load time and the
  memory it adds, and the CPU cost of embedding 1,000 words (a version is embedded once,
  when the background task first aligns it; the vectors are stored with the article);
* two versions of about 1,000 words aligned and diffed (lexical target < 50 ms; with stored
  sentence vectors, semantic, < 100 ms CPU);
* ten such versions, all against all, as ``align_story`` does it (lexical target < 1 s;
  semantic, with stored vectors, < 1.5 s CPU); the vectors are computed before the clock
  starts, as the stored ones are, and the two modes are timed side by side on fresh texts;
* the peak RSS of a worker process with the model loaded, embedding and aligning a
  ten-version story as the alignment task does (target < 400 MB);
* peak memory of that ten-version story (tracemalloc peak and the process's ru_maxrss;
  target < 150 MB);
* how the time grows from 100 to 10,000 words per version;
* a 100,000-word run-on of ten words drawn at random (no punctuation: the segmenter cuts it
  into 600-character pieces, each holding every word) against a ~500-word version: the
  repeated words must not make the candidate search quadratic (journalist walk-through);
* the same work done by a ``difflib`` baseline (SequenceMatcher over sentences, then over
  the words of each matched stretch) and by CollateX (a general collation tool; slow, so
  only on the small sizes, each run in a child process with a time cap).

The texts are synthetic: an article drawn from a made-up vocabulary, and versions of it
with planted edits (words changed, figures changed, sentences reworded, split, merged,
moved, dropped and added), so no external data is needed. Each timed run uses freshly
generated texts so that no cache carries over from one run to the next. If the seed
articles sit next to the repository, seeds 002 and 004 are timed too.

    bin/setup requirements-bench.txt             # once: CollateX and what it needs
    .venv/bin/python bench/speed.py              # full run (CollateX makes it take ~1-2 min)
    .venv/bin/python bench/speed.py --quick      # fewer repeats, no CollateX
    .venv/bin/python bench/speed.py --collatex-cap 60

Times are wall-clock medians (the machine may be shared: compare the ratios, which are
measured side by side, more than the absolute figures).
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import random
import re
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# The word-diff counter below wraps the engine's own diff step, so it reaches below the public API.
import compare.engine.align as engine_align  # noqa: E402
from compare.engine import Document, align_pair, align_story, embed  # noqa: E402

SEEDS = REPO.parent / "shared" / "seeds"
SIZES = (100, 300, 1000, 3000, 10000)
COLLATEX_SIZES = (100, 300, 1000)
PAIR_TARGET_MS = 50.0
STORY_TARGET_S = 1.0
MEMORY_TARGET_MB = 150.0
SEMANTIC_PAIR_TARGET_MS = 100.0
SEMANTIC_STORY_TARGET_S = 1.5
WORKER_RSS_TARGET_MB = 400.0
DEMO = REPO / "articles" / "demo" / "harbour-bridge"  # our own fictional English texts

# --- synthetic articles with planted edits --------------------------------------------------

FUNCTION_WORDS_TEXT = (
    "the the the of of and and to to a a in in that is was for on with as by at from it "
    "he she they said has had have been would will not but which who after before also"
)
FUNCTION_WORDS = FUNCTION_WORDS_TEXT.split(" ")
SYLLABLES_TEXT = "ka lo ri ta mun sel dor vi ne ba tre pol gan su re mi ost hal fen dra quel ur ion var"
SYLLABLES = SYLLABLES_TEXT.split(" ")


class Vocabulary:
    """A made-up language: content words with Zipf-like frequencies, names and figures."""

    def __init__(self, rng: random.Random, size: int = 4000) -> None:
        words: set[str] = set()
        while len(words) < size:
            words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.content = sorted(words)
        self.weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(self.content))]
        rng.shuffle(self.content)
        self.names = [w.capitalize() for w in self.content[:200]]

    def word(self, rng: random.Random) -> str:
        roll = rng.random()
        if roll < 0.42:
            return rng.choice(FUNCTION_WORDS)
        if roll < 0.47:
            return rng.choice(self.names)
        if roll < 0.50:
            return str(rng.randint(2, 2000))
        return rng.choices(self.content, self.weights)[0]

    def sentence(self, rng: random.Random) -> list[str]:
        return [self.word(rng) for _ in range(rng.randint(10, 30))]


def render(paragraphs: list[list[list[str]]]) -> str:
    def sentence_text(words: list[str]) -> str:
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    return "\n\n".join(" ".join(sentence_text(s) for s in paragraph) for paragraph in paragraphs)


def base_article(vocabulary: Vocabulary, rng: random.Random, words: int) -> list[list[str]]:
    sentences: list[list[str]] = []
    count = 0
    while count < words:
        sentence = vocabulary.sentence(rng)
        sentences.append(sentence)
        count += len(sentence)
    return sentences


def version_of(base: list[list[str]], vocabulary: Vocabulary, rng: random.Random) -> str:
    """Another outlet's version: most sentences kept, some edited, reworded, split, merged,
    moved, dropped, some new ones added; then laid out in paragraphs of its own."""
    out: list[list[str]] = []
    i = 0
    while i < len(base):
        sentence = list(base[i])
        roll = rng.random()
        if roll < 0.45:  # verbatim
            out.append(sentence)
        elif roll < 0.65:  # edited: a few words or a figure changed
            for _ in range(rng.randint(1, 3)):
                sentence[rng.randrange(len(sentence))] = vocabulary.word(rng)
            out.append(sentence)
        elif roll < 0.73:  # reworded: about half the words replaced, a clause moved
            sentence = [w if rng.random() < 0.55 else vocabulary.word(rng) for w in sentence]
            cut = rng.randrange(1, len(sentence))
            out.append(sentence[cut:] + sentence[:cut])
        elif roll < 0.79 and len(sentence) > 8:  # split in two
            cut = rng.randrange(4, len(sentence) - 3)
            out += [sentence[:cut], sentence[cut:]]
        elif roll < 0.85 and i + 1 < len(base):  # merged with the next one
            out.append(sentence + ["and"] + list(base[i + 1]))
            i += 1
        elif roll < 0.90:  # dropped
            pass
        else:  # kept, and a new sentence added after it
            out += [sentence, vocabulary.sentence(rng)]
        i += 1
    for _ in range(max(1, len(out) // 20)):  # a few sentences moved elsewhere
        if len(out) > 2:
            out.insert(rng.randrange(len(out)), out.pop(rng.randrange(len(out))))
    paragraphs: list[list[list[str]]] = []
    while out:
        take = rng.randint(1, 3)
        paragraphs.append(out[:take])
        out = out[take:]
    return render(paragraphs)


def versions(words: int, count: int, seed: int) -> list[Document]:
    rng = random.Random(seed)
    vocabulary = Vocabulary(random.Random(1000 + seed))
    base = base_article(vocabulary, rng, words)
    return [Document(f"v{k}", version_of(base, vocabulary, rng)) for k in range(count)]


def repeated_words_pair() -> tuple[Document, Document]:
    """The walk-through's pathological file (ten words drawn at random 100,000 times, one line)
    and our demo's reprint, a normal version of another story."""
    rng = random.Random(1)
    words = ["alpha", "beta", "gamma", "delta", "omega", "harbour", "ferry", "council", "strike", "wage"]
    runon = " ".join(rng.choice(words) for _ in range(100_000)) + "\n"
    reprint = (DEMO / "2-daily-lantern-reprint.txt").read_text(encoding="utf-8")
    return Document("runon", runon), Document("reprint", reprint)


# --- the difflib baseline ---------------------------------------------------------------------

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def difflib_align(a: str, b: str) -> int:
    """Sentences matched by SequenceMatcher over the sentence lists, then each replaced
    stretch diffed word by word. Returns the number of word-level changes found."""
    a_sentences = [m.group().strip() for m in _SENTENCE.finditer(a) if m.group().strip()]
    b_sentences = [m.group().strip() for m in _SENTENCE.finditer(b) if m.group().strip()]
    changes = 0
    outline = SequenceMatcher(None, a_sentences, b_sentences, autojunk=False)
    for op, i1, i2, j1, j2 in outline.get_opcodes():
        if op != "replace":
            continue
        words = SequenceMatcher(None, " ".join(a_sentences[i1:i2]).split(), " ".join(b_sentences[j1:j2]).split())
        changes += sum(1 for o in words.get_opcodes() if o[0] != "equal")
    return changes


# --- CollateX, in a child process with a time cap --------------------------------------------


def _collatex_child(texts: list[str], queue: multiprocessing.Queue) -> None:
    from collatex import Collation, collate

    collation = Collation()
    for k, text in enumerate(texts):
        collation.add_plain_witness(f"w{k}", text)
    started = time.perf_counter()
    collate(collation, output="json", segmentation=False)
    queue.put(time.perf_counter() - started)


def collatex_seconds(texts: list[str], cap: float) -> float | None:
    """Seconds CollateX takes to collate the texts, or None if it exceeds ``cap``."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=_collatex_child, args=(texts, queue))
    child.start()
    child.join(cap)
    if child.is_alive():
        child.terminate()
        child.join()
        return None
    return queue.get() if not queue.empty() else None


# --- timing helpers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Median wall-clock and CPU milliseconds of one piece of work over fresh inputs."""

    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.wall:8.1f} ms (CPU {self.cpu:6.1f} ms)"


def timed(run: Callable[[int], object], repeats: int) -> Timing:
    """Median times of ``run(seed)`` for seeds 0..repeats-1 (the seed picks fresh inputs).
    CPU time is printed too: on a shared machine it is the steadier of the two."""
    walls, cpus = [], []
    for seed in range(repeats):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        run(seed)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return Timing(statistics.median(walls), statistics.median(cpus))


def two_versions(words: int, repeats: int) -> dict[int, list[Document]]:
    """Fresh pairs of versions, generated before any clock starts."""
    return {seed: versions(words, 2, seed) for seed in range(repeats)}


def word_diff_share(docs: list[Document]) -> tuple[float, float, int]:
    """CPU ms spent in the word diff (word_changes) while aligning a story, the story's CPU ms, and the calls.
    (Instrumentation: the alignment module's reference to word_changes is wrapped for the
    duration of one run, then restored.)"""
    real = engine_align.word_changes
    spent = [0.0, 0]

    def counted(*args: object, **kwargs: object) -> object:
        started = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            spent[0] += time.process_time() - started
            spent[1] += 1

    engine_align.word_changes = counted
    try:
        started = time.process_time()
        align_story(docs)
        total = time.process_time() - started
    finally:
        engine_align.word_changes = real
    return spent[0] * 1000, total * 1000, int(spent[1])


def verdict(value: float, target: float) -> str:
    """Time targets are judged on CPU time: on a busy shared machine the wall clock also
    counts the time spent waiting for a core, which says nothing about the engine."""
    return "ok" if value < target else "OVER TARGET"


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.1f}x" if baseline > 0 else "n/a"


def rss_mb() -> float:
    """The process's resident memory now (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def model_figures(repeats: int) -> None:
    """Load time and memory of the sentence model, and what embedding 1,000 words costs.
    Must run before anything else in the process loads the model."""
    gc.collect()
    before = rss_mb()
    tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    loaded = embed.available()
    load_wall, load_cpu = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if not loaded:
        print(f"Sentence model: not available ({embed.unavailable_reason()}); semantic figures are skipped.\n")
        return
    print(f"Sentence model {embed.MODEL_NAME} ({embed.EMBEDDING_VERSION}):")
    print(
        f"  load: {load_wall:.0f} ms (CPU {load_cpu:.0f} ms); memory it adds: {peak / 2**20:.1f} MB allocated "
        f"(tracemalloc), {rss_mb() - before:.1f} MB of RSS (libraries and weights)"
    )
    # English prose (our demo story), whole versions as the engine cuts them, ~1,000 words a run.
    demo = [Document(p.stem, p.read_text(encoding="utf-8")) for p in sorted(DEMO.glob("*.txt"))]
    words, cpu_ms = 0, 0.0
    for document in demo:
        started = time.process_time()
        embed.document_vectors(document)
        cpu_ms += (time.process_time() - started) * 1000
        words += len(document.text.split())
    print(
        f"  embedding English prose (the {len(demo)} demo versions, {words} words): CPU {cpu_ms:.0f} ms;  "
        f"per 1,000 words: CPU {cpu_ms * 1000 / words:.0f} ms"
    )
    synthetic = {seed: versions(1000, 1, 500 + seed)[0] for seed in range(repeats)}
    made_up = timed(lambda seed: embed.document_vectors(synthetic[seed]), repeats)
    print(f"  embedding one synthetic 1,000-word version (made-up words: more word pieces than English): {made_up}\n")


def worker_child() -> None:
    """What a worker does for a ten-version story, in a process of its own: Django set up,
    the model loaded, the versions embedded, then aligned. Prints its peak RSS in MB."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "versus.settings")
    import django

    django.setup()
    import compare.tasks  # noqa: F401  (the worker's own imports)

    align_story(embed.with_vectors(versions(1000, 10, 777)))
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(peak_kb / 1024)


def worker_peak_rss() -> float | None:
    import subprocess

    done = subprocess.run(
        [sys.executable, __file__, "--worker-child"], capture_output=True, text=True, cwd=REPO, check=False
    )
    if done.returncode != 0:
        print(done.stderr[-2000:])
        return None
    return float(done.stdout.strip().splitlines()[-1])


def semantic_line(label: str, timing: Timing, lexical: Timing, target: float) -> str:
    return (
        f"  {label}{timing}   target < {target:.0f} ms CPU: {verdict(timing.cpu, target)}   "
        f"semantic / lexical = {ratio(timing.cpu, lexical.cpu)} CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats and no CollateX")
    parser.add_argument("--collatex-cap", type=float, default=30.0, help="seconds allowed to one CollateX run")
    parser.add_argument("--worker-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker_child:
        worker_child()
        return
    repeats = 3 if args.quick else 7

    print("Versus engine speed bench (synthetic articles with planted edits; medians over fresh texts)")
    print(f"Python {sys.version.split()[0]}, {repeats} runs per figure; time targets judged on CPU time")
    print(f"Load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPU(s)\n")

    # 0. The sentence model.
    model_figures(repeats)
    semantic = embed.available()

    # 1. Two versions of ~1,000 words.
    inputs = two_versions(1000, repeats)
    engine = timed(lambda seed: align_pair(*inputs[seed]), repeats)
    baseline = timed(lambda seed: difflib_align(inputs[seed][0].text, inputs[seed][1].text), repeats)
    found = align_pair(*inputs[0])
    print(
        f"Two versions of ~1,000 words, aligned and word-diffed: {engine}   target < {PAIR_TARGET_MS:.0f} ms: "
        f"{verdict(engine.cpu, PAIR_TARGET_MS)}"
    )
    print(
        f"  difflib baseline on the same texts:                  {baseline}   "
        f"engine / difflib = {ratio(engine.wall, baseline.wall)}"
    )
    print(
        f"  (the engine found {len(found.pairs)} pairs, {sum(1 for p in found.pairs if len(p.a) + len(p.b) > 2)} "
        f"of them one-to-many, and {sum(len(p.changes) for p in found.pairs)} word-level changes)"
    )
    if semantic:
        # Fresh texts of the same kind (the engine's memo caches must not carry over), vectors stored first.
        stored: dict[int, Any] = {seed: embed.with_vectors(versions(1000, 2, 300 + seed)) for seed in range(repeats)}
        with_model = timed(lambda seed: align_pair(*stored[seed]), repeats)
        print(semantic_line("with stored sentence vectors (semantic): ", with_model, engine, SEMANTIC_PAIR_TARGET_MS))
    print()

    # 2. Ten versions all against all, and memory.
    stories = {seed: versions(1000, 10, 100 + seed) for seed in range(max(3, repeats // 2))}
    story = timed(lambda seed: align_story(stories[seed]), len(stories))
    story_baseline = timed(
        lambda seed: [difflib_align(a.text, b.text) for a, b in combinations(stories[seed], 2)], len(stories)
    )
    print(
        f"Ten versions of ~1,000 words, all against all (45 pairs): {story}   target < "
        f"{STORY_TARGET_S * 1000:.0f} ms: {verdict(story.cpu, STORY_TARGET_S * 1000)}"
    )
    print(
        f"  difflib baseline, the same 45 pairs:                   {story_baseline}   "
        f"engine / difflib = {ratio(story.wall, story_baseline.wall)}"
    )
    diff_cpu, total_cpu, calls = word_diff_share(versions(1000, 10, 998))
    print(
        f"  of which word-level diffs: {diff_cpu:.0f} of {total_cpu:.0f} CPU ms ({diff_cpu / total_cpu:.0%}) "
        f"in {calls} calls to word_changes"
    )
    if semantic:
        stored_stories = {seed: embed.with_vectors(versions(1000, 10, 400 + seed)) for seed in range(len(stories))}
        story_model = timed(lambda seed: align_story(stored_stories[seed]), len(stored_stories))
        print(
            semantic_line(
                "with stored sentence vectors (semantic): ", story_model, story, SEMANTIC_STORY_TARGET_S * 1000
            )
        )

    gc.collect()
    tracemalloc.start()
    align_story(versions(1000, 10, 999))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mb = peak / 2**20
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"  peak memory allocated while aligning ten versions (tracemalloc): {peak_mb:6.1f} MB   "
        f"target < {MEMORY_TARGET_MB:.0f} MB: {verdict(peak_mb, MEMORY_TARGET_MB)}"
    )
    print(f"  the whole bench process so far (ru_maxrss):                      {maxrss_mb:6.1f} MB")
    if semantic:
        worker = worker_peak_rss()
        if worker is None:
            print("  worker with the model: the child process failed (above)")
        else:
            print(
                f"  a worker process (Django, model loaded, ten versions embedded and aligned), peak RSS: "
                f"{worker:6.1f} MB   target < {WORKER_RSS_TARGET_MB:.0f} MB: {verdict(worker, WORKER_RSS_TARGET_MB)}"
            )
    print()

    # 3. Growth with size, against the baselines.
    print("Growth with the length of each version (two versions, aligned and word-diffed; wall-clock ms):")
    columns = ("words", "engine", "engine CPU", "difflib", "engine/difflib", "CollateX", "CollateX/engine")
    widths = (7, 10, 11, 10, 15, 12, 16)
    header = " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True))
    print(header)
    print("-" * len(header))
    growth: list[str] = []
    previous: tuple[int, float] | None = None
    for words in SIZES:
        size_repeats = repeats if words <= 3000 else max(2, repeats // 3)
        inputs = two_versions(words, size_repeats)
        engine = timed(lambda seed: align_pair(*inputs[seed]), size_repeats)  # noqa: B023
        baseline = timed(lambda seed: difflib_align(inputs[seed][0].text, inputs[seed][1].text), size_repeats)  # noqa: B023
        collatex, collatex_ratio = "not run", ""
        if not args.quick and words in COLLATEX_SIZES:
            seconds = collatex_seconds([d.text for d in inputs[0]], args.collatex_cap)
            if seconds is None:
                collatex = f">{args.collatex_cap * 1000:.0f}"
                collatex_ratio = f">{args.collatex_cap * 1000 / engine.wall:.0f}x"
            else:
                collatex, collatex_ratio = f"{seconds * 1000:.0f}", ratio(seconds * 1000, engine.wall)
        cells = (
            words,
            f"{engine.wall:.1f}",
            f"{engine.cpu:.1f}",
            f"{baseline.wall:.1f}",
            ratio(engine.wall, baseline.wall),
            collatex,
            collatex_ratio,
        )
        print(" ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
        if previous:
            growth.append(f"x{words / previous[0]:.1f} words: x{engine.cpu / previous[1]:.1f} CPU time")
        previous = (words, engine.cpu)
    print("  engine growth from size to size: " + "; ".join(growth))
    print("  (linear growth multiplies the time by the same factor as the words)\n")

    # 3b. Ten words repeated 100,000 times: every sentence holds every stem.
    runon = repeated_words_pair()
    engine = timed(lambda _seed: align_pair(*runon), max(2, repeats // 3))
    baseline = timed(lambda _seed: difflib_align(runon[0].text, runon[1].text), max(2, repeats // 3))
    print(f"A 100,000-word run-on of ten random words against a ~{len(runon[1].text.split())}-word version (lexical):")
    print(f"  engine  {engine}")
    print(f"  difflib {baseline}   engine / difflib = {ratio(engine.wall, baseline.wall)}")
    if semantic:
        print(
            "  (with the sentence model, embedding the run-on's pieces comes first: about a second of CPU per "
            "1,000 words, see above; align shows its progress on stderr)"
        )
    print()

    # 4. The seed articles, if present.
    seed_files = [*sorted(SEEDS.glob("002_*.txt")), *sorted(SEEDS.glob("004_*.txt"))] if SEEDS.is_dir() else []
    if len(seed_files) != 2:
        print("Seeds 002 and 004 are not next to the repository: skipped.")
        return
    a, b = (Document(p.stem, p.read_bytes().decode("utf-8")) for p in seed_files)
    engine = timed(lambda _seed: align_pair(a, b), repeats)
    baseline = timed(lambda _seed: difflib_align(a.text, b.text), repeats)
    print(f"Seeds 002 and 004 ({len(a.text.split())} and {len(b.text.split())} words):")
    print(f"  engine  {engine}")
    print(f"  difflib {baseline}   engine / difflib = {ratio(engine.wall, baseline.wall)}")
    if not args.quick:
        seconds = collatex_seconds([a.text, b.text], args.collatex_cap)
        if seconds is None:
            print(f"  CollateX did not finish within {args.collatex_cap:.0f} s")
        else:
            print(f"  CollateX {seconds * 1000:8.1f} ms   CollateX / engine = {ratio(seconds * 1000, engine.wall)}")


if __name__ == "__main__":
    main()
