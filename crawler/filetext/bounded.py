"""Worker processes that each read one file at a time under a time limit and a memory limit,
so a bad file (a bomb, a 500-page scan, a parser caught in a loop) costs its own worker a
restart, never the run. A worker streams a file's pages as it reads them: a file cut off by
its time limit keeps the pages read before. Each worker is a process group of its own, so a
kill takes its pdftoppm or tesseract with it; the memory limit (RLIMIT_AS) is inherited by them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from crawler.filetext.model import BadFile, PageText


@dataclass
class Job:
    key: Any  # the caller's name for the file
    args: tuple  # what the work function is called with


@dataclass
class Outcome:
    job: Job
    pages: list[PageText] = field(default_factory=list)
    error: str | None = None  # why the file as a whole was not (fully) read
    seconds: float = 0.0


Work = Callable[..., Iterable[PageText]]
START_SECONDS = 120.0  # a worker that has not started by then will not


class WorkersFailed(RuntimeError):
    """A worker process could not start: no file can be read (nor flagged) by this run."""


def _serve(conn: Connection, work: Work, memory: int, parent: int) -> None:
    """A worker: read the files it is sent, one at a time, streaming their pages back."""
    try:
        os.setpgrp()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a worker ends
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
        conn.send(("ready", None))
    except BaseException:  # no room to start in: the parent says so, once, without a traceback
        os._exit(4)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            for page in work(*job.args):
                conn.send(("page", page))
            conn.send(("end", None))
        except BadFile as exc:
            conn.send(("bad", str(exc)))
        except MemoryError:
            # A worker that ran out of memory is not trusted with another file: it ends.
            conn.send(("fatal", f"memory limit: needs more than {memory // 2**20} MB to read"))
            os._exit(3)
        except Exception as exc:
            text = " ".join(str(exc).split())[:200]
            conn.send(("bad", f"unreadable: {type(exc).__name__}: {text}"))


def _exit_with(parent: int) -> None:
    """A worker whose parent was killed ends too."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


@dataclass
class _Slot:
    process: Any
    conn: Connection
    outcome: Outcome | None = None
    started: float = 0.0


class BoundedWorkers:
    """`workers` processes running `work(*job.args)` for each job, at most `timeout` seconds
    and `memory_mb` of address space a file. Outcomes come back as files finish."""

    def __init__(self, workers: int, work: Work, *, timeout: float, memory_mb: int) -> None:
        self.work = work
        self.timeout = timeout
        self.memory = memory_mb * 2**20 if memory_mb else 0
        # Spawned, not forked: a forked worker would hold the archive lock's open file.
        self.context = multiprocessing.get_context("spawn")
        self.slots = [self._launch() for _ in range(max(1, workers))]
        for slot in self.slots:
            self._await_ready(slot)
        self.restarts = 0

    def _start(self) -> _Slot:
        slot = self._launch()
        self._await_ready(slot)
        return slot

    def _launch(self) -> _Slot:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(theirs, self.work, self.memory, os.getpid()), daemon=True
        )
        process.start()
        theirs.close()
        return _Slot(process, ours)

    def _await_ready(self, slot: _Slot) -> None:
        """Ready before it is trusted with a file: a worker that cannot start at all (a broken
        install) must stop the run, not flag every file as one that killed its reader."""
        try:
            ready = slot.conn.poll(START_SECONDS) and slot.conn.recv() == ("ready", None)
        except (EOFError, OSError):
            ready = False
        if not ready:
            for other in self.slots:
                other.process.kill()
            slot.process.kill()
            slot.process.join(5)
            raise WorkersFailed(f"a worker process could not start (exit {slot.process.exitcode})")

    def map(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        todo = iter(jobs)
        more = True
        while True:
            for slot in self.slots:
                if slot.outcome is None and more:
                    job = next(todo, None)
                    if job is None:
                        more = False
                        break
                    slot.outcome, slot.started = Outcome(job), time.monotonic()
                    try:
                        slot.conn.send(job)
                    except OSError:  # the worker is gone (killed from outside): replaced
                        yield self._finish(slot, "worker gone before reading it", restart=True)
            busy = [s for s in self.slots if s.outcome is not None]
            if not busy:
                if more:
                    continue  # a slot was replaced before its file started: hand out again
                return
            now = time.monotonic()
            soonest = min(s.started + self.timeout for s in busy)
            ready = wait([s.conn for s in busy], timeout=max(0.0, soonest - now))
            for slot in busy:
                if slot.conn in ready:
                    done = self._read(slot)
                elif time.monotonic() >= slot.started + self.timeout:
                    done = self._overrun(slot)
                else:
                    continue
                if done is not None:
                    yield done

    def _read(self, slot: _Slot) -> Outcome | None:
        outcome = slot.outcome
        assert outcome is not None
        while True:
            try:
                kind, value = slot.conn.recv()
            except (EOFError, OSError):
                slot.process.join(5)
                code = slot.process.exitcode
                why = f"signal {-code}" if code is not None and code < 0 else f"exit {code}"
                return self._finish(slot, f"worker died reading it ({why})", restart=True)
            if kind == "page":
                outcome.pages.append(value)
            else:
                restart = kind == "fatal" or not slot.process.is_alive()
                return self._finish(slot, value, restart=restart)
            if not slot.conn.poll():
                return None

    def _overrun(self, slot: _Slot) -> Outcome:
        assert slot.outcome is not None
        pages = len(slot.outcome.pages)
        return self._finish(
            slot, f"time limit: stopped after {self.timeout:g} s, {pages} page(s) read",
            restart=True,
        )  # fmt: skip

    def _finish(self, slot: _Slot, error: str | None, *, restart: bool) -> Outcome:
        outcome = slot.outcome
        assert outcome is not None
        outcome.error = error
        outcome.seconds = time.monotonic() - slot.started
        slot.outcome = None
        if restart:
            self._kill(slot)
            self.slots[self.slots.index(slot)] = self._start()
            self.restarts += 1
        return outcome

    def _kill(self, slot: _Slot) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(slot.process.pid, signal.SIGKILL)  # its group: its tesseract too
        slot.process.kill()  # killed before it made its group, it is in ours
        slot.process.join(5)
        slot.conn.close()

    def close(self) -> None:
        for slot in self.slots:
            if slot.outcome is None and slot.process.is_alive():
                with contextlib.suppress(OSError):
                    slot.conn.send(None)
                slot.process.join(2)
            if slot.process.is_alive():
                self._kill(slot)
            else:
                slot.conn.close()
        self.slots = []

    def __enter__(self) -> BoundedWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
