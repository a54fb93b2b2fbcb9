"""The files process itself: `python -m crawler.files.worker`, driven by the crawl over its
stdin and stdout, one JSON message a line (crawler/files/protocol.py says which).

Threads: each host has as many as it may have connections, taking that host's jobs in turn;
one writer thread decides revisits, writes the WARC records, and every batch it has written is
fsynced before the crawl hears of it, so no row the crawl writes can point at bytes a power cut
could take back. Jobs the crawl never heard of stay pending in its frontier: resume redoes them."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import queue
import signal
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urljoin, urlsplit

import urllib3

from archive.clock import iso_utc, random_record_id, utc_now
from archive.db import ArchiveDB
from archive.errors import no_room
from archive.records import revisit_for, written_of
from archive.resume import recorded_response
from archive.warc import HttpExchange, RevisitOf, WarcWriter, decoded_payload, payload_digest
from crawler.files.fetch import FetchError, Limits, fetch, pool_for
from crawler.files.hosts import HostPace, Manners
from crawler.files.protocol import Config
from crawler.politeness import backoff_seconds, retry_after_seconds
from crawler.process_memory import peak_rss_mb
from crawler.urls import CSS_REF

_REDIRECTS = {301, 302, 303, 307, 308}
# Test hook: the process dies (exit 70) once it has reported this many jobs done, so a test can
# show the crawl takes their files back.
DIE_AFTER = "GOVARCHIVE_FILES_DIE_AFTER"
NICENESS = 19  # the lowest: measured against 5 (docs/benchmarks.md)
RECENT_ORIGINALS = 4096  # far more than a commit interval's worth of files
_END = object()


class Host:
    """One host name (as Scrapy's download slots and the hosts rules are keyed): its pace, its
    connections, its queue of jobs and the threads that take them, one per connection."""

    def __init__(self, url: str, pace: HostPace, limits: Limits, run: FilesRun) -> None:
        self.pace = pace
        self.limits = limits
        self.pools: dict[str, urllib3.HTTPConnectionPool] = {}
        self.jobs: queue.Queue[dict[str, Any]] = queue.Queue()
        self.robots_lock = threading.Lock()
        self.origin = _origin(url)  # where its robots.txt is asked for
        for _ in range(pace.connections):
            threading.Thread(target=run.serve_host, args=(self,), daemon=True).start()

    def pool(self, url: str) -> urllib3.HTTPConnectionPool:
        origin = _origin(url)
        if origin not in self.pools:
            self.pools[origin] = pool_for(url, self.pace.connections, self.limits)
        return self.pools[origin]


class FilesRun:
    def __init__(self, config: Config, out: TextIO) -> None:
        self.config = config
        self.out = out
        self.manners = Manners(**config.manners)
        self.limits = Limits(config.timeout, config.max_size)
        clock: Callable = load_object(config.clock) if config.clock else utc_now
        self.clock = clock
        root = Path(config.archive)
        self.warc_dir = root / "warc"
        self.db = ArchiveDB.reading(root / "archive.db", clock)
        self.db_lock = threading.Lock()
        self.warc = WarcWriter(
            self.warc_dir,
            max_size=config.warc_max_size,
            clock=clock,
            new_id=load_object(config.record_ids) if config.record_ids else random_record_id,
            info=config.warc_info,
            index_dir=Path(config.index_dir),
            fsync=config.fsync,
            sync_log=Path(config.sync_log) if config.sync_log else None,
        )
        self.hosts: dict[str, Host] = {}
        self.writes: queue.Queue[Any] = queue.Queue()
        # Payloads this process wrote lately, by digest: the archive finds them once the crawl
        # has committed their rows (twice a second), so only the latest few are needed here.
        self.originals: OrderedDict[str, RevisitOf] = OrderedDict()
        self.stopping = threading.Event()
        self.ending = threading.Event()
        self._outstanding = 0
        self._count_lock = threading.Lock()
        self.die_after = int(os.environ.get(DIE_AFTER) or 0)
        self.reported = 0

    # jobs ---------------------------------------------------------------------------------------
    def add(self, job: dict[str, Any]) -> None:
        with self._count_lock:
            self._outstanding += 1
        self._queue(job)

    def _queue(self, job: dict[str, Any]) -> None:
        host = urlsplit(job["url"]).hostname or ""
        # Under the lock: a redirect (a host's thread) and a new job (the main thread) may meet
        # a host first at once, and two Host objects would each open its connections.
        with self._count_lock:
            if host not in self.hosts:
                self.hosts[host] = Host(job["url"], self.manners.pace(host), self.limits, self)
            target = self.hosts[host]
        target.jobs.put(job)

    def _finished(self) -> None:
        with self._count_lock:
            self._outstanding -= 1
            last = self._outstanding == 0
        if last and (self.ending.is_set() or self.stopping.is_set()):
            self.writes.put(_END)

    def end(self, stop: bool) -> None:
        """No more jobs: finish the queued ones, or (stop) only those under way."""
        (self.stopping if stop else self.ending).set()
        with self._count_lock:
            idle = self._outstanding == 0
        if idle:
            self.writes.put(_END)

    def serve_host(self, host: Host) -> None:
        while True:
            job = host.jobs.get()
            try:
                if not self.stopping.is_set():
                    self._do(host, job)
            except Exception as exc:  # noqa: BLE001 - one file never ends the run
                self.writes.put(("failed", job, f"{type(exc).__name__}: {exc}"))
            self._finished()

    def _do(self, host: Host, job: dict[str, Any]) -> None:
        self._robots(host, job)
        url = job["url"]
        if not host.pace.allows(url):
            self.writes.put(("refused", job, "robots.txt"))
            return
        attempt = 0
        while True:
            host.pace.turn()
            started = time.monotonic()
            try:
                ex = fetch(host.pool(url), url, self._headers(url), self.limits, self.clock)
            except FetchError as exc:
                attempt += 1
                if attempt > self.config.retry_times or self.stopping.is_set():
                    self.writes.put(("failed", job, str(exc)))
                    return
                time.sleep(self._wait(attempt, None))
                continue
            host.pace.answered(time.monotonic() - started, ex.status)
            retry = ex.status in self.config.retry_codes and attempt < self.config.retry_times
            if retry and not self.stopping.is_set():
                self.writes.put(("captured", job, ex, False))
                attempt += 1
                time.sleep(self._wait(attempt, retry_after_seconds(_header(ex, "retry-after"))))
                continue
            target = _header(ex, "location")
            if ex.status in _REDIRECTS and target and job.get("hops", 0) < 20:
                self.writes.put(("captured", job, ex, False))
                after = {**job, "url": urljoin(url, target), "hops": job.get("hops", 0) + 1}
                with self._count_lock:
                    self._outstanding += 1
                self._queue(after)  # the same job, at its new address (perhaps another host)
                return
            self.writes.put(("captured", job, ex, True))
            return

    def _robots(self, host: Host, job: dict[str, Any]) -> None:
        """The host's robots.txt, fetched (and archived) once, before its first file."""
        if host.pace.robots_done.is_set() or not self.manners.obey_robots:
            return
        with host.robots_lock:
            if host.pace.robots_done.is_set():
                return
            url = host.origin + "/robots.txt"
            held = self._held(url)
            if held is not None:  # a resumed crawl fetched it before it was cut off
                host.pace.read_robots(held)
                return
            try:
                host.pace.turn()
                ex = fetch(host.pool(url), url, self._headers(None), self.limits, self.clock)
            except FetchError:
                host.pace.read_robots("")  # unreachable: everything allowed, as Scrapy does
                return
            text = decoded_payload(ex.body, ex.response_headers) if ex.status == 200 else b""
            asked = host.pace.read_robots(text.decode("utf-8", "replace"))
            delay = (asked, host.pace.floor) if asked else None
            self.writes.put(("captured", {"id": None, "url": url, "kind": None}, ex, False, delay))

    def _held(self, url: str) -> str | None:
        """The text of a robots.txt one of the run's crawls already holds, if any."""
        with self.db_lock:
            for crawl_id in self.config.crawls:
                held = recorded_response(self.db.db, self.warc_dir, crawl_id, url)
                if held is not None:
                    body = decoded_payload(held.body, held.headers) if held.status == 200 else b""
                    return body.decode("utf-8", "replace")
        return None

    def _headers(self, url: str | None) -> list[tuple[str, str]]:
        headers = [tuple(h) for h in self.config.headers]
        if url is None or not self.config.conditional:
            return headers  # type: ignore[return-value]
        with self.db_lock:
            etag, modified = self.db.validators(url)
        if etag:
            headers.append(("If-None-Match", etag))
        if modified:
            headers.append(("If-Modified-Since", modified))
        return headers  # type: ignore[return-value]

    def _wait(self, attempt: int, after: float | None) -> float:
        return backoff_seconds(attempt, after, self.config.backoff_base, self.config.backoff_max)

    # writing ------------------------------------------------------------------------------------
    def write_all(self) -> None:
        """The writer thread: records written in batches, each batch fsynced, then reported."""
        while True:
            batch = [self.writes.get()]
            while len(batch) < 256:
                try:
                    batch.append(self.writes.get_nowait())
                except queue.Empty:
                    break
            try:
                lines = [self._message(item) for item in batch if item is not _END]
                if lines:
                    self.warc.sync()
            except OSError as exc:  # what was written in this batch is cut off, not reported
                reason = no_room(exc)
                if reason is None:
                    raise
                self.stopping.set()
                self._send(json.dumps({"no_room": reason}) + "\n")
                self._drain()
                break
            if lines:
                self._send("".join(lines))
                self.reported += len(lines)
                if self.die_after and self.reported >= self.die_after:
                    os._exit(70)
            if _END in batch:
                break
        with suppress(OSError):  # a full disk was reported already
            self.warc.close()
        done = {"done": True, "files": self.warc.files, "peak_rss_mb": peak_rss_mb()}
        self._send(json.dumps(done) + "\n")

    def _drain(self) -> None:
        """After the disk filled: the jobs under way finish unrecorded, then the process ends."""
        while self.writes.get() is not _END:
            pass

    def _message(self, item: tuple) -> str:
        what, job = item[0], item[1]
        if what != "captured":
            return json.dumps({"id": job["id"], what: item[2]}) + "\n"
        ex, final = item[2], item[3]
        message: dict[str, Any] = {"id": job["id"], "final": final, "written": self._write(ex)}
        if job["id"] is None and len(item) > 4 and item[4]:
            message["crawl_delay"] = item[4]  # robots.txt's, and what this process uses
        if final and ex.status == 200:
            body = decoded_payload(ex.body, ex.response_headers)
            if job["kind"] == "attachment":
                message["body_size"] = len(body)
                message["sha256"] = hashlib.sha256(body).hexdigest()
            if "css" in (_header(ex, "content-type") or "").lower():
                text = body.decode("utf-8", "replace")
                message["refs"] = [
                    urljoin(ex.url, (m.group(1) or m.group(2)).strip())
                    for m in CSS_REF.finditer(text)
                ]
        return json.dumps(message) + "\n"

    def _write(self, ex: HttpExchange) -> dict[str, Any]:
        revisit, refers_to = None, None
        if self.config.dedup:
            with self.db_lock:
                revisit, refers_to = revisit_for(self.db, self.warc_dir, ex)
            if revisit is None and ex.body and ex.status != 304:
                revisit = self.originals.get(payload_digest(ex.body))
        location = self.warc.write_exchange(ex, revisit)
        if revisit is None and location.record_type == "response" and ex.body:
            self.originals[location.payload_digest] = RevisitOf(
                ex.url, iso_utc(ex.fetched_at), location.response_record_id, location.payload_digest
            )
            if len(self.originals) > RECENT_ORIGINALS:
                self.originals.popitem(last=False)
        ctype = _header(ex, "content-type")
        return written_of(ex, ctype, location, revisit, refers_to).as_json()

    def _send(self, text: str) -> None:
        try:
            self.out.write(text)
            self.out.flush()
        except (BrokenPipeError, ValueError):
            self.stopping.set()  # the crawl is gone: nobody records what we fetch


def load_object(path: str) -> Any:
    """`module.attr` or `module:attr` (as the settings give a clock): Scrapy's load_object
    would cost this process Scrapy's import, a fifth of a second."""
    module, _, name = path.rpartition(":") if ":" in path else path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _header(ex: HttpExchange, name: str) -> str | None:
    for key, value in ex.response_headers:
        if key.lower() == name:
            return value
    return None


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl's to handle: it says stop
    # The crawl's process is the one the run waits on (it parses every page); this one keeps
    # up with a few files in hand, so on a busy machine the crawl goes first.
    with suppress(OSError):
        os.nice(NICENESS)
    config = Config.from_json(json.loads(sys.stdin.readline()))
    run = FilesRun(config, sys.stdout)
    writer = threading.Thread(target=run.write_all)
    writer.start()
    ended = False
    for line in sys.stdin:
        message = json.loads(line)
        if "url" in message:
            run.add(message)
        elif "end" in message or "stop" in message:
            run.end(stop="stop" in message)
            ended = True
            break
    if not ended:
        # Stdin closed without a word: the crawl was killed. Nobody will record what this
        # process fetches, and a resumed crawl may soon repair the tails of the WARC files:
        # stop writing now (each record went out in one write, so the file ends whole).
        os._exit(0)
    writer.join()


if __name__ == "__main__":
    main()
