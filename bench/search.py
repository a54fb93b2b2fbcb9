"""Search latency on generated archives of many articles.

    .venv/bin/python -m bench.search [--articles 100000] [--rounds 20]

Two archives of --articles articles, stored through the normal store (so the full-text index is
the real one): one repeats the sample portal's texts (~40 sentences, so common phrases match a
quarter to half of all articles: a worst case), one keeps one sample sentence per article and
fills the rest with Vietnamese-shaped words at random (phrases about as rare as in a real
archive). Each gets a mix of queries: words with and without diacritics, phrases, prefixes,
OR/NOT, and filters by site, date and category. Prints p50/p95/max.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from archive import Archive
from archive.db import ArchiveDB, ArticleRecord
from archive.folder import ArchiveFolder
from govarchive.sampleportal.content import build_portal

QUERIES = [
    ("duong lien thon", {}),
    ("đường liên thôn", {}),
    ('"nghi quyet so 35"', {}),
    ("Nghị quyết số 35", {}),
    ("NONG THON MOI", {}),
    ("ocop*", {}),
    ("chuyen doi so OR VNeID", {}),
    ("giao thong NOT tet", {}),
    ("hoc sinh", {"since": "2024-01-01"}),
    ("phong chay", {"site": "site3.example"}),
    ("ho so thu tuc", {"until": "2023-12-31"}),
    ("ban chi dao", {"category": "Chuyên mục 3"}),
]
ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh",
          "ph", "qu", "s", "t", "th", "tr", "v", "x"]  # fmt: skip
RHYMES = ["a", "á", "à", "ả", "ạ", "an", "ang", "anh", "ao", "ai", "âm", "ân", "ất", "ấy", "e",
          "em", "ên", "ết", "i", "in", "inh", "ít", "o", "oa", "oan", "ói", "ông", "ốc", "ơn", "u",
          "un", "ung", "uy", "ưa", "ước", "ương", "ười", "ay", "ậy", "iên", "iết", "yêu"]  # fmt: skip


def varied_text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(ONSETS) + rng.choice(RHYMES) for _ in range(words)) + "."


def build(root: Path, n: int, varied: bool) -> None:
    rng = random.Random(5)
    folder = ArchiveFolder.prepare(root)
    db = ArchiveDB(folder.db_path)
    portal = build_portal("bench", 2000)
    sites = [db.ensure_site(f"site{i}.example", f"http://site{i}.example/") for i in range(10)]
    crawls = [db.start_crawl(s, "bench", {}) for s in sites]
    for i in range(n):
        art = portal.articles[i % len(portal.articles)]
        site = i % len(sites)
        summary, body = art.lead, "\n\n".join(art.paragraphs)
        if varied:
            first = art.paragraphs[0].split(". ")[0].rstrip(".") + "."
            summary = varied_text(rng, 25)
            body = "\n\n".join([first] + [varied_text(rng, 40) for _ in range(6)])
        db.store_article(
            sites[site],
            crawls[site],
            None,
            ArticleRecord(
                url=f"http://site{site}.example/a/{i}", article_key=str(i), title=art.title,
                summary=summary, body=body, author=art.author, category=art.category.name,
                published_at=art.published_iso(),
            ),
        )  # fmt: skip
    db.close()


def run(articles: int, rounds: int, varied: bool) -> None:
    kind = "varied text" if varied else "the sample texts repeated (worst case)"
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        build(Path(tmp), articles, varied)
        print(f"\n{articles} articles, {kind}: built in {time.perf_counter() - started:.1f} s")
        timings = []
        with Archive(tmp) as archive:
            for _ in range(rounds):
                for query, filters in QUERIES:
                    t = time.perf_counter()
                    archive.search(query, limit=20, **filters)
                    timings.append((time.perf_counter() - t) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{len(timings)} searches ({len(QUERIES)} kinds x {rounds}), top 20 each: "
            f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    print(f"# search benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    for varied in (False, True):
        run(args.articles, args.rounds, varied)


if __name__ == "__main__":
    main()
