"""The extraction quality gate: the labelled corpus scored against pinned floors."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from crawler.extract import NotArticle, extract_article
from crawler.extract.quality import Report, evaluate, govarchive_prediction, load_corpus

CORPUS = Path(__file__).resolve().parent / "corpus"
FLOORS = json.loads((CORPUS / "floors.json").read_text(encoding="utf-8"))
# The bar the extraction issue set. Floors may rise above it, never fall below it.
BAR = {"f1": 0.99, "title": 0.99, "published_at": 0.99, "author": 0.95, "captions": 1.0}


@cache
def pages():
    return load_corpus(CORPUS)


@cache
def report() -> Report:
    return evaluate(pages(), govarchive_prediction)


def test_floors_do_not_fall_below_the_bar():
    assert FLOORS["f1"] >= BAR["f1"]
    for name in ("title", "published_at", "author", "captions"):
        assert FLOORS["exact"][name] >= BAR[name]
    assert FLOORS["max_pages_with_chrome"] == 0
    assert FLOORS["min_article_pages"] >= 60


def test_corpus_covers_what_portals_do():
    articles = [p for p in pages() if p.is_article]
    assert len(articles) >= FLOORS["min_article_pages"]
    traits = {t for p in articles for t in p.entry["traits"]}
    for needed in ("nfd", "legacy_tcvn3", "legacy_vni", "no_author", "no_images", "many_images",
                   "attachments", "long", "short", "no_lead", "skin_new", "skin_old",
                   "template_classic", "template_html5", "editor_markup", "ckeditor_figure",
                   "photo_table", "inline_image", "data_table", "credit_caption"):  # fmt: skip
        assert needed in traits, needed
    assert len([p for p in pages() if not p.is_article]) >= 10


def test_shingle_f1_meets_the_floor():
    r = report()
    print(json.dumps(r.as_dict(), indent=1))
    assert r.pages == len([p for p in pages() if p.is_article])
    assert r.f1 >= FLOORS["f1"], r.as_dict()


def test_no_chrome_and_nothing_missing():
    r = report()
    assert len(r.leaks) <= FLOORS["max_pages_with_chrome"], r.leaks
    assert len(r.missing) <= FLOORS["max_pages_missing_text"], r.missing
    assert len(r.not_nfc) <= FLOORS["max_not_nfc"], r.not_nfc
    assert not r.failures, r.failures


@pytest.mark.parametrize("name", sorted(FLOORS["exact"]))
def test_field_exactness_meets_the_floor(name):
    assert report().exact[name] >= FLOORS["exact"][name], report().exact


def test_non_articles_yield_nothing_with_a_reason():
    kept, reasons = [], set()
    for page in pages():
        if page.is_article:
            continue
        try:
            extract_article(page.html, page.url)
            kept.append(page.name)
        except NotArticle as reason:
            reasons.add(str(reason))
    assert len(kept) <= FLOORS["max_non_articles_kept"], kept
    assert {"table_page", "empty_body", "no_title"} <= reasons


def test_every_caption_on_its_image_and_flags_right():
    for page in pages():
        if not page.is_article:
            continue
        got = extract_article(page.html, page.url)
        exp = page.expected
        assert [(i["src"], i["caption"]) for i in got.images] == [
            (i["src"], i["caption"]) for i in exp["images"]
        ], page.name
        assert got.text_flags == exp["text_flags"], page.name


def test_the_gate_can_fail():
    """A deliberately bad extractor must fall below the floors, or the gate proves nothing."""
    from crawler.extract.quality import Prediction

    def lazy(page):
        return Prediction(text=page.html)

    bad = evaluate(pages(), lazy)
    assert bad.f1 < FLOORS["f1"]
    assert len(bad.leaks) > FLOORS["max_pages_with_chrome"]
