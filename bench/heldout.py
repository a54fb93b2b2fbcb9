"""The held-out sample portals, whose templates neither the tests nor any tuning use, reported
apart: they stand in for the hundreds of portals nobody here has seen.

    .venv/bin/python -m bench.heldout

1. Extraction alone on every article page of the held-out families whose pages can be rendered
   one by one (the CI gate's figures, on unseen markup).
2. A real crawl of every held-out family over loopback, scored against its gold: each gold
   article stored exactly once, articles stored that are no article, shingle-F1, title and date
   exactness, captions and chrome in bodies (the bar of issue 13: F1 >= 0.98, title and date
   >= 99 %, no captions or chrome).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench.sample_crawl import crawl_sample
from crawler.extract.quality import CorpusPage, evaluate, govarchive_prediction
from govarchive.sampleportal import render
from govarchive.sampleportal.content import HELD_OUT_PROFILES, PROFILES, build_portal
from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.process import SamplePortalProcess
from govarchive.sampleportal.scoring import score_family
from govarchive.sampleportal.site import Site
from tests.corpus.build_corpus import CHROME

RENDERED_ONE_BY_ONE = ("classic", "html5", "tables", "portlet")  # the original page templates


def held_out_pages() -> list[CorpusPage]:
    pages = []
    for key in HELD_OUT_PROFILES:
        if PROFILES[key].template not in RENDERED_ONE_BY_ONE or PROFILES[key].family != "vnportal":
            continue
        site = Site(build_portal(key), f"https://{key}.example.gov.vn", "https://storage.example")
        by_id = {a.id: a for a in site.portal.articles}
        for gold in gold_articles(site):
            art = by_id[int(gold["key"])]
            expected = {k: gold[k] for k in ("title", "summary", "body", "author", "published_at",
                                             "category", "images", "text_flags")}  # fmt: skip
            expected["attachments"] = sorted(a["url"] for a in gold["attachments"])
            must_not = [*CHROME, "Các tin đã đưa", "In trang", "Quay lại", "Tài liệu đính kèm"]
            must_not += [i["caption"] for i in gold["images"] if i["caption"]]
            must_not += [gold["author"]] if gold["author"] else []
            entry = {
                "expected": expected,
                "must_appear": [gold["title"]],
                "must_not_appear": must_not,
            }
            pages.append(
                CorpusPage(f"{key}-{art.id}", gold["url"], render.article_page(site, art), entry)
            )
    return pages


def crawl_scores() -> list[dict]:
    with SamplePortalProcess(HELD_OUT_PROFILES) as portal, tempfile.TemporaryDirectory() as tmp:
        crawl_sample(portal, tmp, f"{len(portal.sites)} held-out portals")
        return [score_family(Path(tmp), site).as_dict() for site in portal.sites]


def main() -> None:
    pages = held_out_pages()
    report = evaluate(pages, govarchive_prediction)
    names = sorted({p.name.rsplit("-", 1)[0] for p in pages})
    print(f"# extraction alone, held-out templates: {', '.join(names)} ({len(pages)} pages)")
    print(json.dumps(report.as_dict(), indent=1))
    if report.leaks:
        print("pages with chrome:", ", ".join(report.leaks))
    print(f"# crawled, held-out families: {', '.join(HELD_OUT_PROFILES)}")
    for score in crawl_scores():
        print(json.dumps(score, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
