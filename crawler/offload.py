"""Extraction off the crawl's process (issue 16): with GOVARCHIVE_EXTRACT_WORKERS = N > 0 the
page test, the extractor and the article's identity run in N worker processes, and the crawl's
own process keeps fetching, following links and writing WARC records and rows meanwhile.

A worker reads the page exactly as the spider would (crawler/reading.read_page) but cannot ask
the crawl what it has already read: it answers "first time" and notes the questions, and the
spider asks its own memory afterwards, in the order the readings come back. So the articles are
the ones in-process reading gives (tests/test_offload.py compares them), and a second address of
an article costs an extraction in a worker, not in the crawl."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from crawler.extract import NotArticle, parse_html
from crawler.extract.profiles import SiteProfile
from crawler.reading import Reading, read_page


class _Asked:
    """A page memory that has read nothing yet, and notes what it was asked."""

    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = aliases
        self.read: tuple[str, str] | None = None
        self.text: tuple[str, str, str] | None = None

    def first_read(self, host: str, key: str) -> bool:
        self.read = (host, key)
        return True

    def first_text(self, host: str, digest: str, url: str) -> bool:
        self.text = (host, digest, url)
        return True


@dataclass
class Answer:
    """A worker's reading of a page, and what it would have asked the crawl's memory."""

    reading: Reading | None  # None: the page did not parse
    read: tuple[str, str] | None
    text: tuple[str, str, str] | None


def read_elsewhere(
    text: str,
    url: str,
    hint: str | None,
    host: str,
    capture_id: int | None,
    profile: SiteProfile | None,
    aliases: dict[str, str],
) -> Answer:
    """In a worker: the page read from its decoded text."""
    try:
        doc = parse_html(text)
    except NotArticle:
        return Answer(None, None, None)
    asked = _Asked(aliases)
    reading = read_page(doc, url, hint, host, capture_id, profile, asked, text)
    return Answer(reading, asked.read, asked.text)


class Readers:
    """The worker processes: spawned, not forked (a forked worker would hold the archive's lock
    file open after the crawl ended)."""

    def __init__(self, workers: int) -> None:
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    async def read(self, *args: Any) -> Answer:
        return await asyncio.wrap_future(self.pool.submit(read_elsewhere, *args))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
