"""Per-site selector overrides, for the portal whose markup the general rules get wrong.

A site-profiles file is TOML, one table per portal host (as in its URL, port included):

    ["sxd.laocai.gov.vn"]
    title = "div.tieude"            # the headline
    body = "div.noidung"            # the element holding the article text
    summary = "div.sapo"            # the lead
    author = "p.tacgia"             # the byline
    date = "span.ngay-dang"         # the date line
    drop = ["div.quangcao"]         # removed before anything else

Every key is optional; a selector that matches nothing leaves that part to the general rules.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from cssselect import GenericTranslator, SelectorError

KEYS = ("title", "body", "summary", "author", "date")


class ProfileError(ValueError):
    """A site-profiles file that cannot be used, worded for the user."""


@dataclass(frozen=True)
class SiteProfile:
    title: str | None = None
    body: str | None = None
    summary: str | None = None
    author: str | None = None
    date: str | None = None
    drop: tuple[str, ...] = field(default_factory=tuple)

    def xpath(self, key: str) -> str | None:
        selector = getattr(self, key)
        return GenericTranslator().css_to_xpath(selector) if selector else None

    def drop_xpaths(self) -> list[str]:
        return [GenericTranslator().css_to_xpath(s) for s in self.drop]


def load_profiles(path: str | Path) -> dict[str, SiteProfile]:
    """Read and check a site-profiles file: every selector must be valid CSS."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"cannot read site profiles {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ProfileError(f"site profiles {path} is not valid TOML: {exc}") from None
    return parse_profiles(text, path)


def parse_profiles(text: str, path: str | Path) -> dict[str, SiteProfile]:
    """Check and read site-profiles TOML given as text (a fleet job gets its archive's file this
    way, as a setting: the node has no copy of it); `path` names it in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"site profiles {path} is not valid TOML: {exc}") from None
    profiles = {}
    for host, table in data.items():
        if not isinstance(table, dict):
            raise ProfileError(f"site profiles {path}: [{host}] must be a table of selectors")
        unknown = set(table) - {*KEYS, "drop"}
        if unknown:
            raise ProfileError(
                f"site profiles {path}: [{host}] has unknown key(s) {', '.join(sorted(unknown))}; "
                f"use {', '.join(KEYS)} or drop"
            )
        drop = table.get("drop", [])
        if isinstance(drop, str):
            drop = [drop]
        values = {k: table[k] for k in KEYS if k in table}
        for key, selector in [*values.items(), *(("drop", s) for s in drop)]:
            if not isinstance(selector, str):
                raise ProfileError(f"site profiles {path}: [{host}] {key} must be a CSS selector")
            try:
                GenericTranslator().css_to_xpath(selector)
            except SelectorError as exc:
                raise ProfileError(
                    f"site profiles {path}: [{host}] {key} = {selector!r} is not valid CSS ({exc})"
                ) from None
        profiles[host.lower()] = SiteProfile(**values, drop=tuple(drop))
    return profiles
