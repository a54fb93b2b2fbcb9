"""Memory-lean sets for what a long crawl has seen (URLs, article ids)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from hashlib import blake2b


class SeenSet:
    """Strings (or tuples of strings) kept as 64-bit digests: a few times less memory than the
    strings themselves over a crawl's many URLs. A false "seen" needs a 64-bit collision."""

    def __init__(self) -> None:
        self._digests: set[int] = set()

    @staticmethod
    @lru_cache(maxsize=4096)  # every page asks again for its portal's menu links (~0.5 MB)
    def _digest(item: str | tuple[str, ...]) -> int:
        text = "\x1f".join(item) if isinstance(item, tuple) else item
        return int.from_bytes(blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")

    def add(self, item: str | tuple[str, ...]) -> None:
        self._digests.add(self._digest(item))

    def update(self, items: Iterable[str | tuple[str, ...]]) -> None:
        self._digests.update(self._digest(i) for i in items)

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, str | tuple):
            return False
        return self._digest(item) in self._digests

    def __len__(self) -> int:
        return len(self._digests)
