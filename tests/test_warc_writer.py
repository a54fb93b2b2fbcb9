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


def test_index_lines_written_with_the_records_are_cdxj_indexers(tmp_path):
    """The CDXJ lines a crawl writes as it goes are the lines cdxj-indexer makes of the files:
    responses with and without a Referer or a Content-Type, a digest revisit, a 304 revisit
    carrying the original's headers (and its metadata record, not indexed), rotation."""
    from warcio.statusandheaders import StatusAndHeaders

    from archive.cdxj import index_warcs
    from archive.warc import RevisitOf

    pending = tmp_path / "pending"
    writer = WarcWriter(
        tmp_path / "warc", max_size=2500, clock=fixed_clock(START), new_id=sequential_ids(),
        hostname="testhost", index_dir=pending,
    )  # fmt: skip
    first = writer.write_exchange(exchange(1))
    referred = exchange(2)
    referred.request_headers.append(("Referer", "http://portal.example/"))
    writer.write_exchange(referred)
    bare = exchange(3)
    bare.response_headers = []
    writer.write_exchange(bare)
    again = exchange(1)
    again.url = "http://portal.example/Default.aspx?id=1001"
    again.request_headers.append(("Referer", "http://portal.example/list"))
    writer.write_exchange(
        again, RevisitOf(exchange(1).url, "2024-05-01T08:00:00Z", first.response_record_id,
                         first.payload_digest)
    )  # fmt: skip
    not_modified = exchange(1)
    not_modified.status, not_modified.reason, not_modified.body = 304, "Not Modified", b""
    original = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_exchange(
        not_modified, RevisitOf(exchange(1).url, "2024-05-01T08:00:00Z",
                                first.response_record_id, first.payload_digest, True, original)
    )  # fmt: skip
    assert list(pending.glob("*.part")), "lines go to a .part file while the WARC is open"
    writer.close()
    assert len(writer.files) > 1 and not list(pending.glob("*.part"))
    ours, theirs = [], []
    for name in writer.files:
        path = tmp_path / "warc" / name
        sidecar = pending / f"{name}@{path.stat().st_size}.cdxj"
        ours += sidecar.read_text(encoding="utf-8").splitlines()
        index_warcs([path], tmp_path / "ref.cdxj")
        theirs += (tmp_path / "ref.cdxj").read_text(encoding="utf-8").splitlines()
    assert len(theirs) == 5
    assert sorted(ours) == sorted(theirs)
    assert any('"referrer": "http://portal.example/"' in line for line in ours)
    assert sum('"mime": "warc/revisit"' in line for line in ours) == 2


def test_index_update_trusts_written_lines_only_for_the_file_they_describe(tmp_path, monkeypatch):
    """A file closed normally is indexed from its lines; a crash's file (lines still .part) and
    a file cut back after closing (size no longer matching) are read back with cdxj-indexer.
    Either way the index is cdxj-indexer's, and no pending file is left."""
    from archive.cdxj import index_warcs, update_index
    from archive.folder import ArchiveFolder

    monkeypatch.setattr("archive.cdxj.SORT_BUFFER", 500)  # lines sorted in runs, then merged
    folder = ArchiveFolder.prepare(tmp_path / "archive")
    pending = folder.root / "indexes" / "pending"

    def writer() -> WarcWriter:
        return WarcWriter(folder.warc_dir, clock=fixed_clock(START), new_id=sequential_ids(),
                          hostname="testhost", index_dir=pending)  # fmt: skip

    closed = writer()
    for n in range(3):
        closed.write_exchange(exchange(n))
    closed.close()
    crashed = writer()
    for n in range(3, 6):
        crashed.write_exchange(exchange(n))
    crashed._fh.flush()  # killed here: never closed, its lines never renamed
    cut = writer()
    for n in range(6, 9):
        loc = cut.write_exchange(exchange(n))
    cut.close()
    path = folder.warc_dir / cut.files[0]
    with path.open("r+b") as fh:  # what `verify --repair` does to a damaged tail
        fh.truncate(loc.offset)
    assert update_index(folder) == (3, 3)
    index_warcs(sorted(folder.warc_dir.glob("*.warc.gz")), tmp_path / "ref.cdxj")
    built = (folder.root / "indexes" / "index.cdxj").read_text(encoding="utf-8")
    assert built == (tmp_path / "ref.cdxj").read_text(encoding="utf-8")
    assert len(built.splitlines()) == 8
    assert list(pending.iterdir()) == []


FULL_DISK_CHILD = """
import errno, resource, signal, sys
from pathlib import Path
from tests.test_warc_writer import exchange, START
from archive.clock import fixed_clock, sequential_ids
from archive.warc import WarcWriter
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
writer = WarcWriter(Path(sys.argv[1]), clock=fixed_clock(START), new_id=sequential_ids())
written = 0
try:
    while True:
        writer.write_exchange(exchange(written, size=3000))
        written += 1
except OSError as exc:
    assert exc.errno == errno.EFBIG, exc
print(written)
"""


def test_a_write_that_finds_no_room_is_cut_off(tmp_path):
    """EFBIG (or ENOSPC) part-way through a record: the file is cut back to the record before,
    so it ends whole, and the error goes up for the crawl to stop on."""
    from archive.verify import scan_warc

    out = subprocess.run(
        [sys.executable, "-c", FULL_DISK_CHILD, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert out.returncode == 0, out.stderr
    written = int(out.stdout)
    [path] = tmp_path.glob("*.warc.gz")
    scan = scan_warc(path)
    assert 0 < path.stat().st_size <= 20_000
    assert not scan.truncated_tail and scan.problems == []
    assert scan.records == 1 + 2 * written  # warcinfo, then a response and a request each


def test_sync_logs_the_length_it_made_durable(tmp_path):
    log = tmp_path / "syncs.log"
    writer = WarcWriter(tmp_path, clock=fixed_clock(START), new_id=sequential_ids(), sync_log=log)
    writer.write_exchange(exchange(1))
    writer.sync()
    writer.sync()  # nothing new: no second line
    name, size = writer.current or ("", 0)
    writer.write_exchange(exchange(2))
    writer.close()  # syncs what is left
    lines = [line.split("\t") for line in log.read_text().splitlines()]
    assert lines[0] == [name, str(size)]
    assert len(lines) == 2 and lines[1] == [name, str((tmp_path / name).stat().st_size)]


def test_resume_leaves_a_file_another_worker_is_writing_alone(tmp_path):
    """A crawl worker resuming repairs WARC tails; a file another worker still has open (its
    flock held) may end in a record being written, and is not cut."""
    from archive.db import open_database
    from archive.resume import repair_tails

    warc_dir = tmp_path / "warc"
    writer = WarcWriter(warc_dir, clock=fixed_clock(START), new_id=sequential_ids())
    writer.write_exchange(exchange(1))
    [path] = warc_dir.glob("*.warc.gz")
    whole = path.stat().st_size
    with path.open("ab") as fh:
        fh.write(b"\x1f\x8b half a record")  # what a reader may see mid-write
    db = open_database(tmp_path / "archive.db")
    assert repair_tails(db, warc_dir) == []
    assert path.stat().st_size == whole + 16
    writer.close()
    assert repair_tails(db, warc_dir) == [f"{path.name}: cut 16 bytes of incomplete record"]
    assert path.stat().st_size == whole
    db.close()


def test_scan_from_a_record_boundary_keeps_the_records_after_it(tmp_path):
    """The root cause of issue 14's orphans: scanning from a resume's starting point counted
    offsets twice, so every complete record after it looked torn and was cut off."""
    from archive.verify import scan_warc

    writer = WarcWriter(tmp_path, clock=fixed_clock(START), new_id=sequential_ids())
    writer.write_exchange(exchange(1))
    second = writer.write_exchange(exchange(2))
    writer.write_exchange(exchange(3))
    writer.close()
    [path] = tmp_path.glob("*.warc.gz")
    scan = scan_warc(path, check_digests=False, start=second.offset)
    assert scan.records == 4 and scan.good_end == scan.size == path.stat().st_size


def test_payloads_are_decoded_as_a_reader_gets_them():
    """gzip, deflate with and without its zlib header, br, and two codings in a row; a body
    that does not decode as its header claims is given as stored."""
    import gzip
    import zlib

    import brotli

    from archive.warc import decoded_payload

    text = "Ủy ban nhân dân tỉnh Lào Cai".encode() * 20
    raw_deflate = zlib.compressobj(wbits=-15)
    raw = raw_deflate.compress(text) + raw_deflate.flush()
    cases = {
        "gzip": gzip.compress(text),
        "deflate": zlib.compress(text),
        "Deflate": raw,
        "br": brotli.compress(text),
        "gzip, br": brotli.compress(gzip.compress(text)),
        "identity": text,
    }
    for coding, body in cases.items():
        assert decoded_payload(body, [("Content-Encoding", coding)]) == text, coding
    assert decoded_payload(text, []) == text
    assert decoded_payload(b"not gzip", [("content-encoding", "gzip")]) == b"not gzip"
