"""The crawl's side of the files process (crawler/files): which files it takes, the jobs sent to
it, and the rows written for what it reports. Its WARC records are durable before it reports
them, and a job's frontier entry is written before the job is sent, so a kill of either process
leaves nothing recorded that is not on disk, and nothing lost that resume does not redo."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings
from twisted.internet import defer, protocol

import crawler as crawler_package
from archive.cdxj import PENDING
from archive.errors import StorageFull
from archive.records import Written
from archive.session import ArchiveSession
from crawler.archive_link import session_for
from crawler.files.protocol import Config
from crawler.urls import host_of

logger = logging.getLogger(__name__)
ATTR = "govarchive_files"
# Jobs handed over are written to the files process together, at most this long after the
# first of them (seconds): it holds a few files in hand, so this costs it no work.
SEND_EVERY = 0.05
FILE_FETCHED = object()  # a signal, with `hosts`: files that came back, per host (progress line)


@dataclass(slots=True)
class FileJob:
    """A file the files process fetches, as the spider yields it: what the frontier records of
    a request (URL, priority, meta) without a Scrapy Request's cost or its middlewares'; the
    frontier middleware takes it out of the spider's output and sends it."""

    url: str
    priority: int
    meta: dict[str, Any]

    @property
    def site(self) -> str:
        return self.meta["govarchive_site"]

    @property
    def kind(self) -> str:
        return self.meta["govarchive_asset"]

    @property
    def frontier_url(self) -> str | None:
        return self.meta.get("govarchive_frontier_url")  # set once the frontier recorded it


def files_config(settings: BaseSettings, session: ArchiveSession) -> Config:
    """What the files process needs of the run's settings: the same manners, headers and limits
    Scrapy uses for the crawl's own requests."""
    user_agent = settings.get("USER_AGENT") or ""
    headers = [["User-Agent", user_agent], ["Accept", "*/*"]]
    headers += [["Accept-Encoding", "gzip, deflate"]]
    clock, ids = settings.get("GOVARCHIVE_CLOCK"), settings.get("GOVARCHIVE_RECORD_IDS")
    return Config(
        archive=str(session.folder.root),
        index_dir=str(session.folder.root / "indexes" / PENDING),
        manners={
            "delay": settings.getfloat("DOWNLOAD_DELAY"),
            "connections": settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
            "randomize": settings.getbool("RANDOMIZE_DOWNLOAD_DELAY"),
            "autothrottle": settings.getbool("AUTOTHROTTLE_ENABLED"),
            "target": settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY", 1.0),
            "max_delay": settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 60.0),
            "slots": settings.getdict("DOWNLOAD_SLOTS"),
            "obey_robots": settings.getbool("ROBOTSTXT_OBEY"),
            "user_agent": user_agent,
        },
        headers=headers,
        timeout=settings.getfloat("DOWNLOAD_TIMEOUT"),
        max_size=settings.getint("DOWNLOAD_MAXSIZE"),
        retry_times=settings.getint("RETRY_TIMES") if settings.getbool("RETRY_ENABLED") else 0,
        retry_codes=[int(c) for c in settings.getlist("RETRY_HTTP_CODES")],
        backoff_base=settings.getfloat("GOVARCHIVE_BACKOFF_BASE"),
        backoff_max=settings.getfloat("GOVARCHIVE_BACKOFF_MAX"),
        conditional=not settings.getbool("GOVARCHIVE_FULL"),
        dedup=session.dedup,
        warc_max_size=session.warc_max_size,
        fsync=session.warc_fsync,
        warc_info=dict(session.warc_info),
        sync_log=str(session.warc_sync_log or ""),
        clock=clock if isinstance(clock, str) else "",
        record_ids=ids if isinstance(ids, str) else "",
        crawls=sorted(session.crawl_ids.values()),
    )


class _Pipe(protocol.ProcessProtocol):
    def __init__(self, owner: FilesProcess) -> None:
        self.owner = owner
        self.buffer = b""
        self.ended: defer.Deferred[None] = defer.Deferred()

    def outReceived(self, data: bytes) -> None:  # noqa: N802 - Twisted's name
        self.buffer += data
        *lines, self.buffer = self.buffer.split(b"\n")
        self.owner.heard_all([json.loads(line) for line in lines if line.strip()])

    def errReceived(self, data: bytes) -> None:  # noqa: N802
        self.owner.stderr += data.decode("utf-8", "replace")

    def processEnded(self, reason: Any) -> None:  # noqa: N802
        self.owner.ended(getattr(reason.value, "exitCode", None))
        self.ended.callback(None)


class FilesProcess:
    def __init__(self, crawler: Crawler, session: ArchiveSession) -> None:
        self.crawler = crawler
        self.session = session
        self.pipe: _Pipe | None = None
        self.transport: Any = None
        self.jobs: dict[int, FileJob] = {}  # sent, not yet reported, by id
        self.next_id = 0
        self.waiting = False  # the spider is idle but for us
        self.files: list[str] = []
        self.stderr = ""
        # No more files go to a files process: the session stopped recording (no room), or the
        # process ended before the crawl (the crawl's process fetches them).
        self.broken = False
        self.died = False  # ended before the crawl: its files are the crawl's process's now
        self.closing = False
        self.unsent: list[dict[str, Any]] = []  # jobs handed over, not yet written
        self.send_call: Any = None  # the timer that writes them

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FilesProcess:
        s = crawler.settings
        if not (s.getbool("GOVARCHIVE_FILES_PROCESS") and s.getbool("GOVARCHIVE_FETCH_ASSETS")):
            raise NotConfigured("files are fetched in the crawl's process")
        if any(
            s.get(k) and not isinstance(s.get(k), str)
            for k in ("GOVARCHIVE_CLOCK", "GOVARCHIVE_RECORD_IDS")
        ):
            raise NotConfigured("a clock or record ids given as objects stay in this process")
        ext = cls(crawler, session_for(crawler))
        setattr(crawler, ATTR, ext)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        return ext

    # what the spider hands over ---------------------------------------------------------------
    def takes(self, url: str, spider: Any) -> bool:
        """Files on a host that serves none of the run's pages: each host has one asker."""
        host = host_of(url)
        return host not in spider.portal_roots and host not in spider.aliases and not self.broken

    def send(self, jobs: list[FileJob]) -> None:
        if self.died:  # handed over while it was ending (a page's output is read in turns)
            self._fetch_here(jobs)
            return
        if self.broken or not jobs:
            return
        if self.pipe is None:
            self._spawn()
        for job in jobs:
            self.next_id += 1
            self.jobs[self.next_id] = job
            self.unsent.append({"id": self.next_id, "url": job.url, "kind": job.kind})
        if self.send_call is None:
            from twisted.internet import reactor

            self.send_call = reactor.callLater(SEND_EVERY, self._send_unsent)  # type: ignore[attr-defined]

    def _send_unsent(self) -> None:
        """The jobs handed over since the last write, in one write: every write to the pipe
        wakes the files process, and the kernel runs the woken reader on the writer's core
        (a pipe's wake-up says the writer will sleep), so the crawl waited about a
        millisecond for each of the ~400 writes a page-by-page hand-over made."""
        if self.send_call is not None and self.send_call.active():
            self.send_call.cancel()
        self.send_call = None
        lines, self.unsent = self.unsent, []
        if lines:
            self._write(lines)

    def _spawn(self) -> None:
        from twisted.internet import reactor  # the one Scrapy installed, imported once it has

        self.pipe = _Pipe(self)
        config = files_config(self.crawler.settings, self.session)
        python = sys.executable
        # The code this crawl runs, wherever it is (under Scrapyd: the deployed egg, which is
        # not installed), goes first on the files process's path.
        code = str(Path(crawler_package.__file__).resolve().parent.parent)
        path = os.pathsep.join(p for p in (code, os.environ.get("PYTHONPATH", "")) if p)
        self.transport = reactor.spawnProcess(  # type: ignore[attr-defined]
            self.pipe,
            python,
            [python, "-m", "crawler.files.worker"],
            env={**os.environ, "PYTHONPATH": path},
        )
        self._write([config.as_json()])

    def _write(self, messages: list[dict[str, Any]]) -> None:
        if self.unsent and messages and "id" not in messages[0]:
            self._send_unsent()  # the jobs go before a word that ends or stops them
        if self.transport is not None:
            self.transport.write("".join(json.dumps(m) + "\n" for m in messages).encode())

    # what the files process reports -----------------------------------------------------------
    def heard_all(self, messages: list[dict[str, Any]]) -> None:
        """What one read brought, recorded in one transaction (a batch the files process made
        durable together)."""
        for message in messages:
            if message.get("done"):
                self.files = list(message.get("files", []))
                assert self.crawler.stats is not None
                self.crawler.stats.set_value(
                    "govarchive/files_process/peak_rss_mb", message.get("peak_rss_mb")
                )
            if message.get("no_room") and not self.broken:
                self.broken = True
                self.session.halt(str(message["no_room"]))  # stops the crawl, says why
        messages = [m for m in messages if not m.get("done") and not m.get("no_room")]
        if self.broken or not messages:
            return
        counts: Counter[str] = Counter()  # the batch's stats, added to Scrapy's at once
        hosts: Counter[str] = Counter()
        try:
            with self.session.writing():
                for message in messages:
                    self.heard(message, counts, hosts)
        except StorageFull:
            self.broken = True  # the session has stopped the crawl and says why
            self._write([{"stop": True}])
            return
        stats = self.crawler.stats
        assert stats is not None
        for key, n in counts.items():
            stats.inc_value(key, n)
        self.crawler.signals.send_catch_log(FILE_FETCHED, hosts=hosts)
        if not self.jobs and self.waiting:
            self._nudge()

    def heard(self, message: dict[str, Any], counts: Counter[str], hosts: Counter[str]) -> None:
        job = self.jobs.get(message["id"]) if message.get("id") is not None else None
        self._record(message, job, counts, hosts)
        if job is not None and message.get("final", True):
            self.jobs.pop(message["id"], None)

    def _record(
        self,
        message: dict[str, Any],
        job: FileJob | None,
        counts: Counter[str],
        hosts: Counter[str],
    ) -> None:
        crawl_id = self.session.crawl_for(job.site if job else None)
        if "written" in message:
            written = Written.from_json(message["written"])
            captured = self.session.record_written(
                crawl_id, written, job.frontier_url if job else None, job.kind if job else None
            )
            hosts[_name(written.url)] += 1
            counts.update(("govarchive/captures", f"govarchive/captures/status/{written.status}"))
            if captured.refers_to:
                counts["govarchive/revisits"] += 1
            if written.status >= 400:
                counts["govarchive/errors"] += 1
            if "crawl_delay" in message:
                self._crawl_delay(_name(written.url), *message["crawl_delay"])
            if job is None or not message.get("final"):
                return
            if "sha256" in message:
                held = (
                    captured.refers_to if captured.refers_to and not captured.not_modified else None
                )
                self.session.record_attachment_file(
                    job.url,
                    content_type=(written.content_type or "").split(";")[0].strip() or None,
                    size=message["body_size"],
                    sha256=message["sha256"],
                    capture_id=held or captured.id,
                )
                counts["govarchive/attachments/stored"] += 1
            self._follow(message.get("refs") or [], job.site)
        elif "failed" in message and job is not None:
            self.session.capture_failure(crawl_id, job.url, "GET", str(message["failed"])[:500])
            counts.update(
                ("govarchive/fetch_errors", "govarchive/errors", "govarchive/fetch_failed")
            )
        elif "refused" in message:
            counts["robotstxt/forbidden"] += 1
        if job is not None and job.frontier_url:
            self.session.frontier_done(job.site, job.frontier_url)

    def _crawl_delay(self, host: str, asked: float, used: float) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(f"govarchive/crawl_delay/{host}", used)
        logger.info("robots.txt of %s asks for Crawl-delay %s s: using %s s", host, asked, used)

    def waiting_by_host(self) -> Counter[str]:
        """Files sent and not yet reported, per host (the progress line's `waiting`)."""
        return Counter(_name(job.url) for job in self.jobs.values())

    def _follow(self, refs: list[str], site: str) -> None:
        """A stylesheet's fonts and images, asked for as the crawl asks for any file."""
        spider = self.crawler.spider
        ask = getattr(spider, "ask_for_files", None)
        if ask is not None and refs:
            ask(refs, site)

    # ending -----------------------------------------------------------------------------------
    def spider_idle(self) -> None:
        self._send_unsent()  # nothing else to do: the files need not wait for the timer
        if self.jobs and self.pipe is not None and not self.broken:
            self.waiting = True
            raise DontCloseSpider

    def _nudge(self) -> None:
        """The spider waits on the engine's next look at its idleness, which comes every five
        seconds otherwise."""
        slot = getattr(self.crawler.engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    def finish(self, reason: str) -> defer.Deferred[None]:
        """At the spider's close: the files process finishes (a crawl cut short: only what is
        under way) and reports; the crawl's rows are written before the session closes."""
        if self.pipe is None or self.transport is None:
            return defer.succeed(None)
        self.closing = True
        stop = reason != "finished" or self.broken
        self._write([{"stop": True} if stop else {"end": True}])
        self.transport.closeStdin()
        return self.pipe.ended

    def ended(self, code: int | None) -> None:
        self.session.warc_files_elsewhere.extend(self.files)
        spider = self.crawler.spider
        if self.stderr.strip() and spider is not None:
            spider.logger.warning("files process: %s", self.stderr.strip()[-2000:])
        self.pipe = self.transport = None
        if self.closing or self.broken or spider is None:
            return
        # It ended before the crawl did: from now on the crawl's process fetches every file
        # itself, those the files process had not reported first.
        assert self.crawler.stats is not None and self.crawler.engine is not None
        self.crawler.stats.inc_value("govarchive/files_process/died")
        spider.logger.warning(
            "files process ended (exit %s) before the crawl, with %d files to fetch: "
            "fetching them here",
            code,
            len(self.jobs),
        )
        self.broken = self.died = True
        if not self.jobs and self.waiting:
            self._nudge()
        jobs, self.jobs = self.jobs, {}
        self._fetch_here(list(jobs.values()))

    def _fetch_here(self, jobs: list[FileJob]) -> None:
        """Files the crawl's process fetches itself; their frontier entries are recorded (the
        meta says so)."""
        spider, engine = self.crawler.spider, self.crawler.engine
        assert spider is not None and engine is not None
        for job in jobs:
            engine.crawl(spider.file_request(job.url, job.meta))


def _name(url: str) -> str:
    """A URL's host name, as Scrapy's download slots and the progress line key hosts."""
    return urlsplit(url).hostname or ""
