"""Every string of an item in Unicode NFC, so NFD text from Word or macOS searches like any other."""

from __future__ import annotations

import unicodedata
from dataclasses import fields, is_dataclass
from typing import Any


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def nfc_item(item):
    """Every string field of a dataclass item in NFC, in place; the item."""
    if is_dataclass(item):
        for f in fields(item):
            setattr(item, f.name, _nfc(getattr(item, f.name)))
    return item


class NormalizeTextPipeline:
    def process_item(self, item):
        return nfc_item(item)
