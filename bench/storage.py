"""Storage benchmarks: WARC writing (MB/s, records/s) and SQLite article ingest (articles/s).

.venv/bin/python -m bench.storage [--records 5000] [--articles 5000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from archive.clock import fixed_clock, sequential_ids
from archive.db import ArchiveDB, ArticleRecord
from archive.tx import GroupCommit
from archive.warc import HttpExchange, WarcWriter
from govarchive.sampleportal import render
from govarchive.sampleportal.content import build_portal
from govarchive.sampleportal.site import Site


def pages(n: int) -> list[tuple[str, bytes]]:
    site = Site(build_portal("bench", min(n, 2000)), "http://portal.test", "http://storage.test")
    out = [
        (site.article_url(a), render.article_page(site, a).encode()) for a in site.portal.articles
    ]
    return (out * (n // len(out) + 1))[:n]


def warc_bench(n: int, directory: Path) -> str:
    sample = pages(n)
    writer = WarcWriter(
        directory, clock=fixed_clock(datetime(2024, 1, 1, tzinfo=UTC)), new_id=sequential_ids()
    )
    started = time.perf_counter()
    for url, body in sample:
        writer.write_exchange(
            HttpExchange(
                url=url, method="GET", request_headers=[("Host", "portal.test")], status=200,
                reason="OK", response_headers=[("Content-Type", "text/html; charset=utf-8")],
                body=body, fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
            )
        )  # fmt: skip
    writer.close()
    seconds = time.perf_counter() - started
    raw_mb = sum(len(b) for _, b in sample) / 1e6
    on_disk = sum(p.stat().st_size for p in directory.glob("*.warc.gz")) / 1e6
    return (
        f"WARC write: {n} request/response pairs, {raw_mb:.1f} MB of payload in {seconds:.2f} s: "
        f"{raw_mb / seconds:.1f} MB/s, {2 * n / seconds:.0f} records/s ({on_disk:.1f} MB gzipped)"
    )


def sqlite_bench(n: int, path: Path, grouped: bool = False) -> str:
    site = Site(build_portal("bench", min(n, 2000)), "http://portal.test", "http://storage.test")
    arts = (site.portal.articles * (n // len(site.portal.articles) + 1))[:n]
    db = ArchiveDB(path)
    site_id = db.ensure_site("portal.test", "http://portal.test/")
    crawl_id = db.start_crawl(site_id, "bench", {})
    records = [
        ArticleRecord(
            url=f"http://portal.test/a/{i}", article_key=str(i), title=a.title, body="\n\n".join(a.paragraphs),
            summary=a.lead, author=a.author, category=a.category.name, published_at=a.published_iso(),
            images=[{"src": f"http://storage.test{im.path}", "caption": im.caption} for im in a.images],
            attachments=[{"url": f"http://storage.test{x.path}", "filename": x.filename} for x in a.attachments],
        )
        for i, a in enumerate(arts)
    ]  # fmt: skip
    group = GroupCommit(db.db, 0.5 if grouped else 0)
    started = time.perf_counter()
    for record in records:
        db.store_article(site_id, crawl_id, None, record)
        group.commit_if_due()
    group.commit()
    seconds = time.perf_counter() - started
    db.close()
    how = "committed together every 0.5 s, as a crawl does" if grouped else "one commit each"
    return (
        f"SQLite ingest: {n} articles with images and attachments in {seconds:.2f} s: "
        f"{n / seconds:.0f} articles/s ({how})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args()
    print(f"# storage benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory() as tmp:
        print(warc_bench(args.records, Path(tmp) / "warc"))
        print(sqlite_bench(args.articles, Path(tmp) / "archive.db"))
        print(sqlite_bench(args.articles, Path(tmp) / "grouped.db", grouped=True))


if __name__ == "__main__":
    main()
