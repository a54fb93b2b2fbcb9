"""One crawl run's hold on the archive: the database, the WARC writer, and a crawl row per site."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from archive.cdxj import PENDING
from archive.clock import Clock, IdFactory, iso_utc, random_record_id, utc_now
from archive.db import ArchiveDB, ArticleRecord, StoreOutcome
from archive.documents import DocumentRecord, file_fetched, store_documents
from archive.errors import ArchiveError, StorageFull, no_room
from archive.folder import ArchiveFolder
from archive.frontier import Frontier
from archive.lock import ArchiveLock
from archive.records import Written, revisit_for, written_of
from archive.resume import (
    Recorded,
    ResumeState,
    recorded_response,
    repair_tails,
    resume_state,
    unfinished_crawl,
)
from archive.tx import GroupCommit, write_transaction
from archive.warc import (
    DEFAULT_MAX_SIZE,
    HttpExchange,
    WarcWriter,
)

INTERRUPTED = {"shutdown", "cancelled"}  # Scrapy's close reasons for SIGINT/SIGTERM


@dataclass(frozen=True)
class Captured:
    id: int
    refers_to: int | None  # the capture a revisit record repeats
    not_modified: bool  # a 304 that confirmed an archived response


@dataclass
class ArchiveSession:
    folder: ArchiveFolder
    clock: Clock = utc_now
    new_id: IdFactory = random_record_id
    warc_max_size: int = DEFAULT_MAX_SIZE
    warc_info: dict[str, str] = field(default_factory=dict)
    commit_interval: float = 0.0  # > 0: group the crawl's writes (see GroupCommit)
    dedup: bool = True  # write payloads already archived as revisit records
    warc_fsync: bool = True  # fsync the WARC file before each commit (GOVARCHIVE_WARC_FSYNC)
    warc_sync_log: Path | None = None  # test hook: the length of each file at each fsync

    db: ArchiveDB | None = field(default=None, init=False)
    warc: WarcWriter | None = field(default=None, init=False)
    crawl_ids: dict[str, int] = field(default_factory=dict, init=False)  # portal host -> crawl id
    site_ids: dict[str, int] = field(default_factory=dict, init=False)
    warc_files: list[str] = field(default_factory=list, init=False)  # written by this session
    warc_files_elsewhere: list[str] = field(default_factory=list, init=False)  # files process
    resumed: dict[str, ResumeState] = field(default_factory=dict, init=False)  # host -> state
    lock: ArchiveLock | None = field(default=None, init=False)
    repaired: list[str] = field(default_factory=list, init=False)  # what resume cut off
    # host -> (url, article key) of pages whose records were lost, for a fresh crawl to fetch
    refetch: dict[str, list[tuple[str, str]]] = field(default_factory=dict, init=False)
    halted: str | None = field(default=None, init=False)  # why writing stopped (no room)
    on_halt: Callable[[str], None] | None = field(default=None, init=False, repr=False)
    frontier: Frontier = field(init=False, repr=False)
    group: GroupCommit = field(init=False, repr=False)  # joined by every write_transaction

    def open(self) -> None:
        if self.db is not None:
            return
        if self.halted:
            raise StorageFull(self.halted)
        self.lock = ArchiveLock(self.folder.root).acquire()
        try:
            self.db = ArchiveDB(self.folder.db_path, clock=self.clock)
        except ArchiveError as exc:
            self.lock.release()
            self.lock = None
            reason = no_room(exc)
            if reason is None:
                raise
            self._halt(reason)
            raise StorageFull(reason) from None
        self.frontier = Frontier(self.db.db)
        self.group = GroupCommit(self.db.db, self.commit_interval)
        self.warc = WarcWriter(
            self.folder.warc_dir,
            max_size=self.warc_max_size,
            clock=self.clock,
            new_id=self.new_id,
            info=self.warc_info,
            index_dir=self.folder.root / "indexes" / PENDING,
            fsync=self.warc_fsync,
            sync_log=self.warc_sync_log,
        )
        # Write ordering: the WARC bytes a commit's rows point at are durable before it.
        self.group.before_durable = self.warc.sync

    @contextmanager
    def _storing(self) -> Iterator[None]:
        """Around every write: once the disk (or the file size limit) is full, writing stops
        for good, whatever was not committed is rolled back (the archive stays as it was at its
        last commit, the WARC file ends with a whole record) and StorageFull is raised."""
        if self.halted:
            raise StorageFull(self.halted)
        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            reason = no_room(exc)
            if reason is None:
                raise
            self._halt(reason)
            raise StorageFull(reason) from None

    def halt(self, reason: str) -> None:
        """No room left, as another writer of this run found (the files process): writing stops
        here too, as if this process had found it."""
        if not self.halted:
            self._halt(reason)

    def _halt(self, reason: str) -> None:
        self.halted = reason
        if self.db is not None:
            if self.db.db.conn.in_transaction:
                with suppress(sqlite3.Error):
                    self.db.db.conn.execute("ROLLBACK")
            self.group.discard()
        if self.on_halt is not None:
            self.on_halt(reason)

    def begin(
        self,
        sites: Sequence[tuple[str, str]],
        user_agent: str,
        settings: Mapping[str, Any],
        resume: bool = False,
        run: Mapping[str, Any] | None = None,
    ) -> None:
        """Register each (host, root_url) and open a crawl row for it, or, resuming, reopen the
        site's cut-off crawl after repairing its WARC tails."""
        self.open()
        assert self.db is not None
        with self._storing():
            self._begin(sites, user_agent, settings, resume, run)
            self.group.commit()  # the crawl rows exist whatever happens next: resumable

    def _begin(self, sites, user_agent, settings, resume, run) -> None:
        assert self.db is not None
        if resume:  # every file at once: portals share files, and each cut affects them all
            self.repaired = repair_tails(self.db.db, self.folder.warc_dir)
        for host, root in sites:
            if host in self.crawl_ids:
                continue
            site_id = self.db.ensure_site(host, root)
            self.site_ids[host] = site_id
            previous = unfinished_crawl(self.db.db, site_id) if resume else None
            queued = self.db.refetch_urls(site_id)  # pages whose records were lost
            if previous is None:
                self.crawl_ids[host] = self.db.start_crawl(site_id, user_agent, settings, run)
                if queued:
                    self.refetch[host] = queued
                continue
            self.crawl_ids[host] = previous
            if queued and self.frontier.known_urls(previous):
                self.frontier.requeue(previous, host, queued)  # redone as not done
            elif queued:  # killed before its frontier had anything: the crawl starts afresh
                self.refetch[host] = queued
            self.resumed[host] = resume_state(
                self.db.db, self.folder.warc_dir, previous, host, site_id
            )
            self.db.reopen_crawl(previous)

    def frontier_record(
        self,
        host: str,
        entries: list[tuple[str, str, int, dict]],
        done_url: str | None,
        verdict: tuple[int, str, str, bool] | None = None,
    ) -> None:
        """A parsed page's new requests, the page marked done, and what the page was judged to
        be (capture id, kind, reason, article-like), in one transaction."""
        if self.halted:  # nothing more is recorded: resume redoes the page
            return
        assert self.db is not None
        with self._storing(), write_transaction(self.db.db):
            self.frontier.add_many(self.crawl_for(host), entries, done_url)
            if verdict is not None:
                self.db.judge_page(*verdict)

    def frontier_done(self, host: str, url: str) -> None:
        if self.halted:
            return
        with self._storing():
            self.frontier.done(self.crawl_for(host), url)

    def commit_if_due(self) -> None:
        """For the crawl's commit timer; a full disk stops the crawl instead of raising."""
        if self.halted:
            return
        try:
            with self._storing():
                self.group.commit_if_due()
        except StorageFull:
            pass

    def recorded(self, host: str | None, url: str) -> Recorded | None:
        """A response a resumed crawl already holds, so it is replayed rather than refetched."""
        if not self.resumed or self.db is None:
            return None
        return recorded_response(self.db.db, self.folder.warc_dir, self.crawl_for(host), url)

    def crawl_for(self, host: str | None) -> int:
        """The crawl a fetch belongs to; fetches from shared hosts go to the run's first crawl."""
        if host and host in self.crawl_ids:
            return self.crawl_ids[host]
        return next(iter(self.crawl_ids.values()))

    def capture(
        self,
        crawl_id: int,
        exchange: HttpExchange,
        content_type: str | None,
        frontier_url: str | None = None,
        asset_kind: str | None = None,
    ) -> Captured:
        """Write the exchange to WARC, then record it (and its frontier entry as fetched) in one
        transaction: a capture row always points at a record that is fully on disk. A payload
        already archived, or a 304 confirming one, is written as a revisit record instead."""
        assert self.db is not None and self.warc is not None
        with self._storing():
            return self._capture(crawl_id, exchange, content_type, frontier_url, asset_kind)

    def _capture(
        self,
        crawl_id: int,
        exchange: HttpExchange,
        content_type: str | None,
        frontier_url: str | None,
        asset_kind: str | None,
    ) -> Captured:
        assert self.db is not None and self.warc is not None
        revisit, refers_to = (
            revisit_for(self.db, self.folder.warc_dir, exchange) if self.dedup else (None, None)
        )
        location = self.warc.write_exchange(exchange, revisit)
        if self.commit_interval <= 0:  # each transaction commits: the bytes go first
            self.warc.sync()
        written = written_of(exchange, content_type, location, revisit, refers_to)
        return self._record(crawl_id, written, frontier_url, asset_kind)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Many writes as one transaction (the rows of a batch of files reported together):
        the writes inside it take no savepoint each."""
        assert self.db is not None
        with self._storing(), write_transaction(self.db.db):
            yield

    def record_written(
        self,
        crawl_id: int,
        written: Written,
        frontier_url: str | None = None,
        asset_kind: str | None = None,
    ) -> Captured:
        """Record a fetch another process wrote to a WARC file of its own and made durable (the
        files process, crawler/files): the rows `capture` writes for one written here."""
        assert self.db is not None
        with self._storing():
            return self._record(crawl_id, written, frontier_url, asset_kind)

    def _record(
        self, crawl_id: int, written: Written, frontier_url: str | None, asset_kind: str | None
    ) -> Captured:
        assert self.db is not None
        location, revisit, refers_to = written.location, written.revisit, written.refers_to
        if revisit is not None and refers_to is None:
            refers_to = self.db.capture_of_record(revisit.digest, revisit.record_id)
        with write_transaction(self.db.db):
            capture_id = self.db.add_capture(
                crawl_id,
                written.url,
                method=written.method,
                status=written.status,
                content_type=written.content_type,
                content_length=written.content_length,
                fetched_at=written.fetched_at,
                location=location,
                refers_to=refers_to,
                validators=written.validators if written.status == 200 else (None, None),
            )
            if frontier_url:
                self.frontier.fetched(crawl_id, frontier_url, capture_id)
            if written.status in (404, 410):
                self.db.mark_gone(written.url, written.fetched_at, crawl_id)
            self.db.count_capture(crawl_id, location.written, revisit)
            if revisit is None and location.record_type == "response":
                # Revisits whose original record was lost repeat this payload: point them here.
                self.db.adopt_revisits(capture_id, location.payload_digest)
            # An article's image may come as the page's requisite: any file fetched counts.
            if asset_kind and written.status in (200, 304):
                held = refers_to if refers_to and revisit and not revisit.not_modified else None
                self.db.image_fetched(written.url, held or capture_id)
                file_fetched(self.db.db, written.url, held or capture_id)
        return Captured(capture_id, refers_to, revisit is not None and revisit.not_modified)

    def capture_failure(self, crawl_id: int, url: str, method: str, error: str) -> int:
        assert self.db is not None
        with self._storing():
            return self._capture_failure(crawl_id, url, method, error)

    def _capture_failure(self, crawl_id: int, url: str, method: str, error: str) -> int:
        assert self.db is not None
        return self.db.add_capture(
            crawl_id,
            url,
            method=method,
            status=None,
            content_type=None,
            content_length=None,
            fetched_at=iso_utc(self.clock()),
            location=None,
            error=error,
        )

    def store_article(
        self,
        host: str,
        capture_id: int | None,
        article: ArticleRecord,
        extractor_version: str | None = None,
    ) -> StoreOutcome:
        assert self.db is not None
        with self._storing():
            return self.db.store_article(
                self.site_ids[host], self.crawl_ids[host], capture_id, article, extractor_version
            )

    def store_documents(
        self,
        host: str,
        capture_id: int | None,
        source: str,
        records: Sequence[DocumentRecord],
        published_year: int | None = None,
    ) -> int:
        """The official documents a page shows, on the page's capture: one transaction; returns
        how many were new. Never stored without the capture that backs them."""
        assert self.db is not None
        if capture_id is None:
            raise ArchiveError(f"documents on {host} have no capture of their page")
        with self._storing(), write_transaction(self.db.db):
            return store_documents(
                self.db, self.site_ids[host], self.crawl_ids[host], capture_id, source,
                records, iso_utc(self.clock()), published_year,
            )  # fmt: skip

    def article_seen(self, host: str, url: str) -> bool:
        assert self.db is not None
        with self._storing():
            return self.db.article_seen(self.site_ids[host], self.crawl_ids[host], url)

    def article_seen_at(self, host: str, url: str):
        """When the archive last confirmed the article at `url` (aware UTC), or None."""
        assert self.db is not None
        return self.db.article_seen_at(self.site_ids[host], url)

    def file_is_fresh(self, url: str, days: float) -> bool:
        """Whether the archive holds the file at `url` from a fetch fewer than `days` ago."""
        assert self.db is not None
        since = self.db.file_held_since(url)
        return since is not None and self.db.clock() - since < timedelta(days=days)

    def record_attachment_file(self, url: str, **facts: Any) -> int:
        assert self.db is not None
        with self._storing():
            return self.db.record_attachment_file(url, **facts)

    def finish(self, reason: str, errors: Mapping[str, str]) -> dict[str, dict[str, int]]:
        """Close every crawl and return the figures per host. A crawl that never got a response
        failed; one stopped by a signal or a full disk is interrupted (and can be resumed); one
        ended by a limit is stopped."""
        figures: dict[str, dict[str, int]] = {}
        if self.db is None:
            return figures
        if not self.halted:
            try:
                with self._storing():
                    return self._finish(reason, errors)
            except StorageFull:
                pass  # the disk filled at the last commit: as when it fills mid-crawl
        self._finish_halted()
        return figures

    def _finish(self, reason: str, errors: Mapping[str, str]) -> dict[str, dict[str, int]]:
        assert self.db is not None
        figures: dict[str, dict[str, int]] = {}
        self.group.commit()
        for host, crawl_id in self.crawl_ids.items():
            if not self.db.has_response(crawl_id):
                status, error = "failed", errors.get(host, "portal root page not fetched")
            elif reason in INTERRUPTED:
                status, error = "interrupted", None
            elif reason != "finished":
                status, error = "stopped", reason
            else:
                status, error = "finished", None
            figures[host] = self.db.finish_crawl(crawl_id, status, error)
        return figures

    def _finish_halted(self) -> None:
        """Each crawl marked interrupted, saying why, if the disk still takes that much; else
        it stays `running`, which resume treats the same."""
        assert self.db is not None
        ids = list(self.crawl_ids.values())
        marks = ",".join("?" * len(ids))
        try:
            with write_transaction(self.db.db):
                self.db.db.execute(
                    f"UPDATE crawls SET status = 'interrupted', error = ? WHERE id IN ({marks})",
                    [f"no room: {self.halted}", *ids],
                )
            self.group.commit()
        except (OSError, sqlite3.Error):
            if self.db.db.conn.in_transaction:
                self.db.db.conn.execute("ROLLBACK")
            self.group.discard()

    def close(self) -> None:
        try:
            if self.warc is not None:
                self.warc_files = list(self.warc.files) + self.warc_files_elsewhere
                try:
                    self.warc.close()
                except OSError:
                    if not self.halted:
                        raise
            if self.db is not None:
                if not self.halted:
                    self.group.commit()
                self.db.close()
        finally:
            self.db = None
            self.warc = None
            if self.lock is not None:
                self.lock.release()
                self.lock = None
