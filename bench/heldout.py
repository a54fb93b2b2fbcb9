"""Extraction on the held-out sample portals, whose templates the test suite never uses.

    .venv/bin/python -m bench.heldout

Prints the same figures as the CI gate, so "the same figures hold on unseen markup" is checked,
not assumed.
"""

from __future__ import annotations

import json

from crawler.extract.quality import CorpusPage, evaluate, govarchive_prediction
from govarchive.sampleportal import render
from govarchive.sampleportal.content import HELD_OUT_PROFILES, build_portal
from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.site import Site
from tests.corpus.build_corpus import CHROME


def held_out_pages() -> list[CorpusPage]:
    pages = []
    for key in HELD_OUT_PROFILES:
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


def main() -> None:
    report = evaluate(held_out_pages(), govarchive_prediction)
    print(f"# held-out portals: {', '.join(HELD_OUT_PROFILES)}")
    print(json.dumps(report.as_dict(), indent=1))
    if report.leaks:
        print("pages with chrome:", ", ".join(report.leaks))


if __name__ == "__main__":
    main()
