"""What was done to an article's text, recorded as its text_flags."""

from __future__ import annotations

from crawler.extract.legacy import convert_legacy, from_tcvn3, from_vni, validity


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

    def same_document(self, text: str) -> str:
        """A short line (a byline) of a document whose body was in a legacy encoding: too short
        to be judged on its own ("Vuõ Hoàng Nhung" is VNI for "Vũ Hồng Nhung", yet "Hoàng"
        reads as Unicode), it is converted the body's way when that reads better."""
        for encoding, convert in (("tcvn3", from_tcvn3), ("vni", from_vni)):
            if f"legacy_{encoding}" in self.flags:
                converted = convert(text)
                if converted != text and validity(converted) > validity(text):
                    return converted
        return text

    def sorted(self) -> list[str]:
        return sorted(self.flags)
