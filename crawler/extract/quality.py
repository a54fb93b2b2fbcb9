"""Scoring extraction against a labelled corpus, the article-extraction-benchmark way: NFC text,
`\\w+` tokens, multisets of 4-token shingles, precision and recall per page, averaged over pages.
Used by the CI quality gate (tests/test_extraction_quality.py) and by `make bench`."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHINGLE = 4
_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


def shingles(text: str, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    toks = tokens(text)
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def precision_recall(predicted: str, expected: str) -> tuple[float, float]:
    pred, gold = shingles(predicted), shingles(expected)
    if not pred and not gold:
        return 1.0, 1.0
    common = sum((pred & gold).values())
    precision = common / sum(pred.values()) if pred else 1.0
    recall = common / sum(gold.values()) if gold else 1.0
    return precision, recall


@dataclass
class CorpusPage:
    name: str
    url: str
    html: str
    entry: dict[str, Any]

    @property
    def is_article(self) -> bool:
        return not self.entry.get("not_article")

    @property
    def expected(self) -> dict[str, Any]:
        return self.entry.get("expected", {})


def load_corpus(directory: Path) -> list[CorpusPage]:
    pages = []
    for line in (directory / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        html = (directory / "pages" / f"{entry['name']}.html").read_text(encoding="utf-8")
        pages.append(CorpusPage(entry["name"], entry["url"], html, entry))
    return pages


@dataclass
class Prediction:
    """What an extractor produced for one page; fields it does not give stay None."""

    text: str | None  # lead + body, as scored
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    pages: int = 0
    precision: float = 0.0
    recall: float = 0.0
    leaks: list[str] = field(default_factory=list)  # pages with a must-not-appear string
    missing: list[str] = field(default_factory=list)  # pages lacking a must-appear string
    exact: dict[str, float] = field(default_factory=dict)  # field -> share of pages exact
    non_article_kept: list[str] = field(default_factory=list)
    not_nfc: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # article pages that yielded nothing

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "pages_with_chrome": len(self.leaks),
            "pages_missing_text": len(self.missing),
            "exact": {k: round(v, 4) for k, v in sorted(self.exact.items())},
            "non_articles_kept": len(self.non_article_kept),
            "not_nfc": len(self.not_nfc),
            "failures": len(self.failures),
        }


FIELDS = ("title", "summary", "author", "published_at", "category", "captions", "attachments")


def evaluate(
    pages: Iterable[CorpusPage], extract: Callable[[CorpusPage], Prediction | None]
) -> Report:
    """Score an extractor; `extract` returns None when it finds no article on the page."""
    report = Report()
    exact: Counter[str] = Counter()
    compared: Counter[str] = Counter()
    precisions, recalls = [], []
    for page in pages:
        prediction = extract(page)
        if not page.is_article:
            if prediction is not None:
                report.non_article_kept.append(page.name)
            continue
        report.pages += 1
        exp = page.expected
        expected_text = "\n\n".join(t for t in (exp["summary"], exp["body"]) if t)
        text = prediction.text if prediction and prediction.text is not None else ""
        if prediction is None:
            report.failures.append(page.name)
        p, r = precision_recall(text, expected_text)
        precisions.append(p)
        recalls.append(r)
        if any(s in text for s in page.entry["must_not_appear"]):
            report.leaks.append(page.name)
        if any(s not in text for s in page.entry["must_appear"] if s != exp["title"]):
            report.missing.append(page.name)
        if not unicodedata.is_normalized("NFC", text):
            report.not_nfc.append(page.name)
        got = prediction.fields if prediction else {}
        want = dict(exp, captions=[i["caption"] for i in exp["images"]])
        for name in FIELDS:
            if name in got:
                compared[name] += 1
                exact[name] += got[name] == want[name]
    report.precision = sum(precisions) / len(precisions) if precisions else 0.0
    report.recall = sum(recalls) / len(recalls) if recalls else 0.0
    report.exact = {name: exact[name] / compared[name] for name in compared}
    return report


def govarchive_prediction(page: CorpusPage) -> Prediction | None:
    from crawler.extract import NotArticle, extract_article

    try:
        art = extract_article(page.html, page.url)
    except NotArticle:
        return None
    return Prediction(
        text="\n\n".join(t for t in (art.summary, art.body) if t),
        fields={
            "title": art.title,
            "summary": art.summary,
            "author": art.author,
            "published_at": art.published_at,
            "category": art.category,
            "captions": [i["caption"] for i in art.images],
            "attachments": sorted(a["url"] for a in art.attachments),
        },
    )
