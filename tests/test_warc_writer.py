"""The WARC writer alone: byte-for-byte reproducible with an injected clock and ids; rotation."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.clock import fixed_clock, sequential_ids
from archive.warc import HttpExchange, WarcWriter

START = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def exchange(n: int, size: int = 100) -> HttpExchange:
    return HttpExchange(
        url=f"http://portal.example/tin-tuc/bai-{n}-{1000 + n}?x=1",
        method="GET",
        request_headers=[("Host", "portal.example"), ("User-Agent", "govarchive-test")],
        status=200,
        reason="OK",
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=(f"<p>{n}</p>".encode() * size)[:size],
        fetched_at=START,
    )


def write(directory: Path, count: int, max_size: int = 10**9) -> WarcWriter:
    writer = WarcWriter(
        directory,
        max_size=max_size,
        clock=fixed_clock(START),
        new_id=sequential_ids(),
        hostname="testhost",
    )
    for n in range(count):
        writer.write_exchange(exchange(n))
    writer.close()
    return writer


def test_same_input_same_bytes(tmp_path):
    a = write(tmp_path / "a", 5)
    b = write(tmp_path / "b", 5)
    assert a.files == b.files == ["GOVARCHIVE-20240501080000000-00000-testhost.warc.gz"]
    assert (tmp_path / "a" / a.files[0]).read_bytes() == (tmp_path / "b" / b.files[0]).read_bytes()


def test_round_trip_and_pairing(tmp_path):
    writer = WarcWriter(
        tmp_path, clock=fixed_clock(START), new_id=sequential_ids(), hostname="testhost"
    )
    loc = writer.write_exchange(exchange(7))
    writer.close()
    path = tmp_path / writer.files[0]
    with path.open("rb") as fh:
        records = list(
            (r.rec_type, r.rec_headers.get_header("WARC-Record-ID"),
             r.rec_headers.get_header("WARC-Concurrent-To"), r.content_stream().read())
            for r in ArchiveIterator(fh)
        )  # fmt: skip
    assert [r[0] for r in records] == ["warcinfo", "response", "request"]
    assert records[1][1] == loc.response_record_id
    assert records[2][2] == loc.response_record_id
    assert records[1][3] == exchange(7).body
    with path.open("rb") as fh:
        fh.seek(loc.offset)
        rec = next(iter(ArchiveIterator(fh)))
        assert rec.rec_headers.get_header("WARC-Payload-Digest") == loc.payload_digest


def test_rotation_at_size_limit(tmp_path):
    writer = write(tmp_path, 12, max_size=1500)
    assert len(writer.files) > 2
    serials = [name.split("-")[2] for name in writer.files]
    assert serials == [f"{i:05d}" for i in range(len(writer.files))]
    total = 0
    for name in writer.files:
        with (tmp_path / name).open("rb") as fh:
            types = [r.rec_type for r in ArchiveIterator(fh)]
        assert types[0] == "warcinfo"
        total += types.count("response")
    assert total == 12
    check = subprocess.run(
        [
            str(Path(sys.executable).parent / "warcio"),
            "check",
            *[str(tmp_path / f) for f in writer.files],
        ],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout


def test_never_overwrites_an_existing_file(tmp_path):
    first = write(tmp_path, 1)
    second = write(tmp_path, 1)  # same fixed clock: same timestamp, so the serial moves on
    assert first.files != second.files
    assert len(list(tmp_path.glob("*.warc.gz"))) == 2
