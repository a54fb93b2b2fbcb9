"""Extraction benchmark: govarchive's extractor vs trafilatura on the labelled corpus.

    .venv/bin/python -m bench.extraction [--seconds 5]

Prints shingle-F1 (lead + body), pages with chrome, and pages/s for both, with the ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from crawler.extract import NotArticle, extract_article
from crawler.extract.quality import (
    CorpusPage,
    Prediction,
    evaluate,
    govarchive_prediction,
    load_corpus,
)

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"


def trafilatura_prediction(page: CorpusPage) -> Prediction | None:
    import trafilatura

    text = trafilatura.extract(page.html, url=page.url)
    return None if text is None else Prediction(text=text)


def pages_per_second(run, pages: list[CorpusPage], seconds: float) -> float:
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for page in pages:
            run(page)
        done += len(pages)
    return done / (time.perf_counter() - start)


def govarchive_run(page: CorpusPage) -> None:
    with contextlib.suppress(NotArticle):
        extract_article(page.html, page.url)


def trafilatura_run(page: CorpusPage) -> None:
    import trafilatura

    trafilatura.extract(page.html, url=page.url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="timing window per extractor")
    args = parser.parse_args()
    pages = load_corpus(CORPUS)
    articles = [p for p in pages if p.is_article]
    print(f"# extraction benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    )
    print(
        f"versions: govarchive {version('govarchive')}, trafilatura {version('trafilatura')}, lxml {version('lxml')}"
    )
    print(f"corpus: {len(articles)} article pages, {len(pages) - len(articles)} non-article pages")
    rows = []
    for name, predict, run in (
        ("govarchive", govarchive_prediction, govarchive_run),
        ("trafilatura", trafilatura_prediction, trafilatura_run),
    ):
        report = evaluate(pages, predict)
        speed = pages_per_second(run, articles, args.seconds)
        rows.append((name, report, speed))
    print()
    print(
        f"{'extractor':<12} {'F1':>6} {'P':>6} {'R':>6} {'chrome pages':>12} {'non-articles kept':>17} {'pages/s':>9}"
    )
    for name, r, speed in rows:
        print(
            f"{name:<12} {r.f1:>6.3f} {r.precision:>6.3f} {r.recall:>6.3f} "
            f"{len(r.leaks):>8}/{r.pages:<3} {len(r.non_article_kept):>17} {speed:>9.1f}"
        )
    (_, _, ours), (_, _, theirs) = rows
    print(f"\nspeed ratio govarchive/trafilatura: {ours / theirs:.2f}x")
    page_test_costs()


def page_test_costs(repeat: int = 300) -> None:
    """What deciding a page's kind costs: the page test (crawler.extract.page_kind) against the
    extractor's own refusal, which is what a list page would pay without the test."""
    from crawler.extract import NotArticle, extract_article, parse_html
    from crawler.extract.page_kind import judge_page
    from govarchive.sampleportal import render
    from govarchive.sampleportal.content import build_portal
    from govarchive.sampleportal.site import Site

    site = Site(build_portal("bench", 200), "http://portal.example", "http://storage.example")
    pages = {
        "list page (20 items)": render.category_page(site, site.portal.categories[0], 0),
        "home page": render.home_page(site),
        "article page": render.article_page(site, site.portal.articles[5]),
    }
    print(f"\n{'page':<22} {'verdict':<34} {'page test ms':>12} {'extractor ms':>13}")
    for name, html in pages.items():
        doc = parse_html(html)
        started = time.perf_counter()
        for _ in range(repeat):
            verdict = judge_page(doc)
        test_ms = (time.perf_counter() - started) / repeat * 1000
        started = time.perf_counter()
        for _ in range(repeat):
            with contextlib.suppress(NotArticle):
                extract_article(parse_html(html), "http://portal.example/x")
        started_parse = time.perf_counter()
        for _ in range(repeat):
            parse_html(html)
        parse_s = time.perf_counter() - started_parse
        extract_ms = ((started_parse - started) - parse_s) / repeat * 1000
        label = f"{verdict.kind} ({verdict.reason})"
        print(f"{name:<22} {label:<34} {test_ms:>12.3f} {extract_ms:>13.3f}")


if __name__ == "__main__":
    main()
