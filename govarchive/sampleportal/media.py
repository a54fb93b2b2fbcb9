"""Deterministic bytes for the storage host's images, attachments and audio."""

from __future__ import annotations

import hashlib
import struct
import zlib
from functools import cache

CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "mp3": "audio/mpeg",
}


def content_type_for(path: str) -> str:
    return CONTENT_TYPES.get(path.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def media_bytes(path: str) -> bytes:
    """The file at `path`, the same bytes on every run (so gold sha256 values hold): a real
    document for an official document's file (vanban.FILE_MAKERS), else bytes from its path."""
    from govarchive.sampleportal.vanban import FILE_MAKERS

    if path in FILE_MAKERS:
        return _document_file(path)
    seed = hashlib.sha256(path.encode("utf-8")).digest()
    ext = path.rsplit(".", 1)[-1].lower()
    if ext in ("jpg", "png"):
        return _png(seed)
    if ext == "pdf":
        text = f"govarchive sample attachment {path}".encode()
        body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + text + b"\n"
        return body + seed * 64 + b"\n%%EOF\n"
    if ext in ("docx", "xlsx"):
        return b"PK\x03\x04" + seed * 96
    return b"ID3" + seed * 32


def _png(seed: bytes) -> bytes:
    width = height = 16
    r, g, b = seed[0], seed[1], seed[2]
    raw = b"".join(b"\x00" + bytes((r, g, b)) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


@cache
def _document_file(path: str) -> bytes:
    from govarchive.sampleportal.vanban import FILE_MAKERS

    return FILE_MAKERS[path][0]()
