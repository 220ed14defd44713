"""The library index, Django side: band keys of every article's sentences in one table.

How it works
------------
``compare/engine/fingerprint.py`` turns a text into MinHash LSH band keys, a few per
sentence. Each article's keys are rows of ``IndexKey`` (article, key) with an index on
(key, article); ``IndexedArticle`` records for which text and fingerprint scheme they
were computed. Finding the articles that may share passages with a text is then one
``key IN (...) GROUP BY article`` query, answered from the index alone, on SQLite and on
Postgres alike, and shared by every web and worker process because it lives in the
database (there is no in-memory index to warm up or to keep in step).

Kept in step by a ``post_save`` signal on Article (registered in ``articles/apps.py``):
every way in, including ``Article.objects.create`` in ``articles/services.py``, indexes
the article in the same transaction; a save that leaves the text alone costs one query.
Deleting an article (or its story) deletes its keys by cascade. ``QuerySet.update()``
and raw SQL bypass signals: run ``python manage.py rebuild_index --stale`` after those.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, QuerySet

from articles.models import Article, IndexedArticle, IndexKey
from compare.engine import FINGERPRINT_SCHEME, fingerprint_keys_for_many, fingerprint_sentences

# Keys per lookup query: far below SQLite's bound on query parameters.
LOOKUP_CHUNK = 2000
# Candidates checked against the caller's queryset per query.
CHECK_PAGE = 500
# Articles per transaction in a bulk build.
BUILD_BATCH = 500


def index_article(article: Article, *, created: bool = False) -> bool:
    """Store the article's keys unless they are current. True if keys were (re)written.

    ``created``: the article was just inserted, so it has no keys yet and the checks for
    old ones are skipped (two inserts instead of five queries: this runs in every save).
    """
    if not created:
        indexed = IndexedArticle.objects.filter(pk=article.pk).values_list("scheme", "content_hash").first()
        if indexed == (FINGERPRINT_SCHEME, article.content_hash):
            return False
    found = fingerprint_sentences(article.text, article.junk_ranges())
    keys = sorted({key for sentence in found for key in sentence.keys})
    entry = IndexedArticle(
        article_id=article.pk, scheme=FINGERPRINT_SCHEME, content_hash=article.content_hash, sentences=len(found)
    )
    with transaction.atomic():
        if not created:
            IndexKey.objects.filter(article_id=article.pk).delete()
            IndexedArticle.objects.filter(article_id=article.pk).delete()
        IndexKey.objects.bulk_create([IndexKey(article_id=article.pk, key=key) for key in keys])
        entry.save(force_insert=True)
    return True


def article_saved(sender: type[Article], instance: Article, created: bool = False, **kwargs: object) -> None:
    """post_save receiver: index the article that was just saved."""
    index_article(instance, created=created)


def find_candidates(
    keys: Iterable[int], articles: QuerySet[Article] | None = None, limit: int = 20, min_hits: int = 1
) -> list[tuple[int, int]]:
    """(article id, number of the given keys it holds), most first, among ``articles`` only.

    ``articles`` is what the caller may search (e.g. public stories plus the user's own);
    None means the whole library. Ties go to the older article, so results are stable.

    The keys are counted over the whole index first (one GROUP BY answered from the
    (key, article) index), and only then are the best candidates checked against
    ``articles``, by primary key, a page at a time. Putting the restriction inside the
    key query instead (``article_id IN (SELECT ...)``) measured 100x slower on SQLite at
    10,000 articles, as the planner walks the whole subquery for every lookup.
    """
    hits: Counter[int] = Counter()
    ordered = sorted(set(keys))
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        rows = IndexKey.objects.filter(key__in=ordered[start : start + LOOKUP_CHUNK])
        for article_id, count in rows.values("article_id").annotate(n=Count("id")).values_list("article_id", "n"):
            hits[article_id] += count
    ranked = sorted(((pk, n) for pk, n in hits.items() if n >= min_hits), key=lambda item: (-item[1], item[0]))
    if articles is None or not articles.query.has_filters():
        return ranked[:limit]
    chosen: list[tuple[int, int]] = []
    for start in range(0, len(ranked), CHECK_PAGE):
        page = ranked[start : start + CHECK_PAGE]
        allowed = set(articles.filter(pk__in=[pk for pk, _ in page]).order_by().values_list("pk", flat=True))
        chosen += [item for item in page if item[0] in allowed]
        if len(chosen) >= limit:
            break
    return chosen[:limit]


@dataclass
class RebuildReport:
    articles: int
    keys: int
    seconds: float

    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def keys_held(keys: Iterable[int], article_ids: Sequence[int]) -> dict[int, set[int]]:
    """Which of the given keys each of these articles holds (for a few candidates of find_candidates)."""
    held: dict[int, set[int]] = {pk: set() for pk in article_ids}
    ordered = sorted(set(keys))
    for start in range(0, len(ordered), LOOKUP_CHUNK):  # a long article has more keys than SQL takes at once
        rows = IndexKey.objects.filter(article_id__in=article_ids, key__in=ordered[start : start + LOOKUP_CHUNK])
        for article_id, key in rows.values_list("article_id", "key"):
            held[article_id].add(key)
    return held


def rebuild_index(
    *,
    stale_only: bool = False,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> RebuildReport:
    """Recompute the keys of every article (or only of those missing or stale) in batches.

    ``workers`` > 1 computes fingerprints in that many processes (pure Python, no database)
    while this process writes; each batch is its own transaction, so an interrupted
    rebuild keeps what it wrote and ``stale_only`` continues it.
    """
    began = time.perf_counter()
    if stale_only:
        _create_lookup_index()  # in case a full rebuild was killed before it could
        current = IndexedArticle.objects.filter(scheme=FINGERPRINT_SCHEME, content_hash=F("article__content_hash"))
        todo = Article.objects.exclude(pk__in=current.values("article_id"))
    else:
        with transaction.atomic():
            IndexKey.objects.all().delete()
            IndexedArticle.objects.all().delete()
        todo = Article.objects.all()
    ids = list(todo.order_by("pk").values_list("pk", flat=True))
    total, done, key_count = len(ids), 0, 0
    if progress:
        progress(0, total)
    # A full rebuild writes millions of rows: building the lookup index once at the end
    # (one sort) is several times faster than keeping it up to date row by row. Traces
    # during a full rebuild are incomplete anyway, as the keys were just emptied.
    if not stale_only:
        _drop_lookup_index()
    try:
        for batch, results in _fingerprinted_batches(ids, workers):
            key_count += _store_batch(batch, results)
            done += len(batch)
            if progress:
                progress(done, total)
    finally:
        _create_lookup_index()
    return RebuildReport(articles=total, keys=key_count, seconds=time.perf_counter() - began)


def _lookup_index_sql(create: bool) -> str:
    (lookup,) = IndexKey._meta.indexes
    quote = connection.ops.quote_name
    if not create:
        return f"DROP INDEX IF EXISTS {quote(lookup.name)}"
    columns = ", ".join(quote(IndexKey._meta.get_field(f).column) for f in lookup.fields)  # type: ignore[union-attr,arg-type]  # concrete fields of our own model
    return f"CREATE INDEX IF NOT EXISTS {quote(lookup.name)} ON {quote(IndexKey._meta.db_table)} ({columns})"


def _drop_lookup_index() -> None:
    _index_ddl(_lookup_index_sql(create=False))


def _create_lookup_index() -> None:
    _index_ddl(_lookup_index_sql(create=True))


def _index_ddl(sql: str) -> None:
    with connection.cursor() as cursor:
        # Postgres refuses index DDL on a table with deferred foreign-key checks still
        # pending, which is the case inside a caller's transaction that wrote keys: run
        # the checks now, then defer again (Django's constraints are initially deferred).
        deferred = connection.vendor == "postgresql" and connection.in_atomic_block
        if deferred:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)
        if deferred:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


Batch = list[tuple[int, str, str, list]]  # (id, content hash, text, junk spans)


def _batches(ids: Sequence[int]) -> Iterator[Batch]:
    for start in range(0, len(ids), BUILD_BATCH):
        chunk = ids[start : start + BUILD_BATCH]
        yield list(
            Article.objects.filter(pk__in=chunk).order_by("pk").values_list("pk", "content_hash", "text", "junk_spans")
        )


def _plain(batch: Batch) -> list[tuple[int, str, list]]:
    return [(pk, text, junk) for pk, _, text, junk in batch]


def _fingerprinted_batches(ids: Sequence[int], workers: int) -> Iterator[tuple[Batch, list]]:
    if workers <= 1:
        for batch in _batches(ids):
            yield batch, fingerprint_keys_for_many(_plain(batch))
        return
    # Workers get plain tuples and import only the engine module (spawn: no copy of Django's
    # connections). Batches are read here ahead of the workers, a few at a time.
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        pending: list[tuple[Batch, multiprocessing.pool.AsyncResult]] = []
        for batch in _batches(ids):
            pending.append((batch, pool.apply_async(fingerprint_keys_for_many, (_plain(batch),))))
            if len(pending) > workers * 2:
                done_batch, result = pending.pop(0)
                yield done_batch, result.get()
        for done_batch, result in pending:
            yield done_batch, result.get()


def _store_batch(batch: Batch, results: list[tuple[int, int, list[int]]]) -> int:
    hashes = {pk: digest for pk, digest, _, _ in batch}
    rows = [(pk, key) for pk, _, keys in results for key in keys]
    ids = [pk for pk, _, _ in results]
    with transaction.atomic():
        IndexKey.objects.filter(article_id__in=ids).delete()
        IndexedArticle.objects.filter(article_id__in=ids).delete()
        _insert_keys(rows)
        IndexedArticle.objects.bulk_create(
            [
                IndexedArticle(article_id=pk, scheme=FINGERPRINT_SCHEME, content_hash=hashes[pk], sentences=n)
                for pk, n, _ in results
            ]
        )
    return len(rows)


def _insert_keys(rows: list[tuple[int, int]]) -> None:
    """Many (article, key) rows at once: COPY on Postgres, executemany elsewhere (bulk_create
    builds a model instance per row, which is most of the cost at millions of rows)."""
    if not rows:
        return
    table = connection.ops.quote_name(IndexKey._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} (article_id, key) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # The table name is our own model's, quoted; the values are parameters.
            cursor.executemany(f"INSERT INTO {table} (article_id, key) VALUES (%s, %s)", rows)  # noqa: S608


def text_progress(write: Callable[[str], None]) -> Callable[[int, int], None]:
    """A plain-text progress line rewritten in place with ``\\r``, through ``write``."""

    def show(done: int, total: int) -> None:
        share = done / total if total else 1.0
        write(f"\r{done:,}/{total:,} articles ({share:.0%})" + ("\n" if done >= total else ""))

    return show
