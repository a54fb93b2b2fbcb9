"""What was done to an article's text, recorded as its text_flags."""

from __future__ import annotations

from crawler.extract.legacy import convert_legacy, from_tcvn3, from_vni


class TextFlags:
    """What was done to the text, for researchers: legacy conversions, doubts, normalisation."""

    def __init__(self) -> None:
        self.flags: set[str] = set()
        self.last: str | None = None

    def add(self, flag: str) -> None:
        self.flags.add(flag)

    def fix(self, text: str) -> str:
        """Raw text (soft hyphens and all, as TCVN3 needs them) converted if it is legacy."""
        self.last = None
        if not text:
            return text
        result = convert_legacy(text)
        self.last = result.encoding
        if result.encoding:
            self.flags.add(f"legacy_{result.encoding}")
        if result.doubtful:
            self.flags.add("legacy_doubtful")
        return result.text

    def converter(self):
        """The conversion the last fix() applied, for the same block's markup."""
        return {"tcvn3": from_tcvn3, "vni": from_vni}.get(self.last or "")

    def sorted(self) -> list[str]:
        return sorted(self.flags)
