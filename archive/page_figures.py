"""What a crawl found on a portal, from the kinds its HTML pages were judged to be, and the
warning a crawl ends with when it could not read the portal: an archive that finishes in silence
with no articles has lost the portal without saying so."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

SCRIPT_RENDERED = "script_rendered"


@dataclass
class PageFigures:
    html: int = 0
    article: int = 0
    list: int = 0
    other: int = 0
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # refusals of article-like pages
    scripted: int = 0  # pages whose content a script renders
    sample: str | None = None  # a refused page to inspect

    def columns(self) -> dict[str, Any]:
        return {
            "pages_html": self.html,
            "pages_article": self.article,
            "pages_list": self.list,
            "pages_other": self.other,
            "pages_rejected": self.rejected,
            "rejected_reasons": json.dumps(dict(sorted(self.reasons.items()))),
        }


def page_figures(db: Database, crawl_id: int) -> PageFigures:
    figures = PageFigures()
    for kind, reason, like, n in db.execute(
        "SELECT page_kind, page_reason, coalesce(article_like, 0), count(*) FROM captures "
        "WHERE crawl_id = ? AND page_kind IN ('article', 'list', 'other') GROUP BY 1, 2, 3",
        [crawl_id],
    ):
        figures.html += n
        setattr(figures, kind, getattr(figures, kind) + n)
        if reason == SCRIPT_RENDERED:
            figures.scripted += n
        if kind != "article" and like:
            figures.rejected += n
            figures.reasons[reason] += n
    row = db.execute(
        "SELECT url FROM captures WHERE crawl_id = ? AND page_kind != 'article' "
        "AND article_like = 1 ORDER BY id LIMIT 1",
        [crawl_id],
    ).fetchone()
    figures.sample = row[0] if row else None
    return figures


def warning_for(figures: PageFigures, articles: int, root_url: str, archive: str) -> str | None:
    """One paragraph saying what went wrong and what to run next, or None when all is well.
    `articles`: articles this crawl stored or found again unchanged."""
    if figures.html == 0:
        return None
    inspect = f"govarchive inspect {figures.sample or root_url} --archive {archive} --from-archive"
    why = ", ".join(f"{r} {n}" for r, n in figures.reasons.most_common(4))
    if articles == 0 and figures.article == 0:
        if figures.scripted and figures.scripted * 2 >= figures.html - figures.list:
            return (
                f"no articles from {root_url}: it renders its content in the browser with "
                f"JavaScript ({figures.scripted} of {figures.html} HTML pages hold no text of "
                "their own); the pages are archived in WARC as served, but govarchive reads no "
                f"text from scripts. See: {inspect}"
            )
        return (
            f"no articles from {root_url}: {figures.html} HTML pages read, {figures.list} "
            f"judged lists, {figures.other} other"
            + (f", {figures.rejected} article-looking pages refused ({why})" if why else "")
            + f". See what the crawler makes of a page: {inspect}"
        )
    if figures.rejected > figures.article:
        return (
            f"most article-looking pages of {root_url} were refused: {figures.rejected} refused "
            f"({why}) against {figures.article} read as articles. See: {inspect}"
        )
    return None
