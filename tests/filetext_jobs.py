"""Work functions for the bounded-worker tests: a file that never ends, one that eats memory,
one that kills its worker. Kept apart from the test module so a spawned worker imports little."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

from crawler.filetext.model import PageText


def pages(count: int, pause: float = 0.0) -> Iterator[PageText]:
    for n in range(1, count + 1):
        time.sleep(pause)
        yield PageText(n, f"trang {n}", "pdf-text")


def endless() -> Iterator[PageText]:
    yield PageText(1, "trang một", "pdf-text")
    while True:
        time.sleep(0.05)


def hog(megabytes: int) -> Iterator[PageText]:
    held = [bytearray(1 << 20) for _ in range(megabytes)]
    yield PageText(1, str(len(held)), "pdf-text")


def crash() -> Iterator[PageText]:
    yield PageText(1, "", "pdf-text")
    os._exit(9)
