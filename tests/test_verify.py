"""`govarchive verify` finds what is wrong with an archive, and `--repair` fixes what it safely can."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.conftest import run_cli


@pytest.fixture
def archive(crawled, tmp_path):
    copy = tmp_path / "archive"
    shutil.copytree(crawled.archive, copy, ignore=shutil.ignore_patterns(".lock"))
    return copy


def last_warc(archive):
    return sorted((archive / "warc").glob("*.warc.gz"))[-1]


def test_clean_archive_verifies(archive):
    result = run_cli("verify", "--archive", str(archive))
    assert result.returncode == 0, result.stdout
    assert "archive OK" in result.stdout


def test_truncated_tail_found_then_repaired(archive):
    warc = last_warc(archive)
    con = sqlite3.connect(archive / "archive.db")
    last = con.execute(
        "SELECT max(warc_offset) FROM captures WHERE warc_file = ?", [warc.name]
    ).fetchone()[0]
    con.close()
    with warc.open("r+b") as fh:
        fh.truncate(last + 100)  # inside the last capture's record, as a kill leaves it
    bad = run_cli("verify", "--archive", str(archive))
    assert bad.returncode == 1
    assert "incomplete record" in bad.stdout and "--repair" in bad.stderr
    fixed = run_cli("verify", "--archive", str(archive), "--repair")
    assert fixed.returncode == 0, fixed.stdout
    assert "repaired:" in fixed.stdout
    again = run_cli("verify", "--archive", str(archive))
    assert again.returncode == 0 and "archive OK" in again.stdout
    con = sqlite3.connect(archive / "archive.db")
    pending = con.execute("SELECT count(*) FROM frontier WHERE state = 'pending'").fetchone()[0]
    assert pending >= 1, "the lost captures go back to the frontier"


def test_corrupted_record_fails_its_digest(archive):
    con = sqlite3.connect(archive / "archive.db")
    name, offset, length = con.execute(
        "SELECT warc_file, warc_offset, warc_length FROM captures WHERE url LIKE '%.jpg' "
        "AND record_type = 'response' ORDER BY id LIMIT 1"
    ).fetchone()
    con.close()
    warc = archive / "warc" / name
    # Rewrite one record with a flipped payload byte, keeping it a valid gzip member.
    import gzip

    data = warc.read_bytes()
    record = bytearray(gzip.decompress(data[offset : offset + length]))
    record[-10] ^= 0xFF
    warc.write_bytes(data[:offset] + gzip.compress(bytes(record)) + data[offset + length :])
    result = run_cli("verify", "--archive", str(archive))
    assert result.returncode == 1
    assert "digest" in result.stdout


def test_capture_row_pointing_nowhere(archive):
    con = sqlite3.connect(archive / "archive.db")
    con.execute(
        "UPDATE captures SET warc_offset = warc_offset + 1 WHERE id = (SELECT max(id) FROM captures WHERE warc_file IS NOT NULL)"
    )
    con.commit()
    con.close()
    result = run_cli("verify", "--archive", str(archive))
    assert result.returncode == 1
    assert "capture" in result.stdout


def test_resume_repairs_a_file_killed_before_its_first_capture(archive, sample_portal):
    """A kill right after a new WARC file was opened leaves a file no capture points into."""
    donor = last_warc(archive).read_bytes()
    orphan = archive / "warc" / "GOVARCHIVE-29990101000000000-00000-test.warc.gz"
    orphan.write_bytes(donor[:900])  # the warcinfo record and part of the next
    con = sqlite3.connect(archive / "archive.db")
    con.execute("UPDATE crawls SET status = 'running', finished_at = NULL")
    con.commit()
    con.close()
    assert run_cli("verify", "--archive", str(archive)).returncode == 1
    resumed = run_cli("resume", "--archive", str(archive), "--delay", "0", "--concurrency", "8")
    assert resumed.returncode == 0, resumed.stderr
    check = run_cli("verify", "--archive", str(archive))
    assert check.returncode == 0, check.stdout


def _an_article(archive):
    con = sqlite3.connect(archive / "archive.db")
    row = con.execute(  # one whose page another address repeats (a revisit), if any
        "SELECT a.id, a.url, a.capture_id FROM articles a ORDER BY (SELECT count(*) FROM "
        "captures r WHERE r.refers_to = a.capture_id) DESC, a.id LIMIT 1"
    ).fetchone()
    con.close()
    return row


def test_orphaned_article_listed_repaired_and_healed_by_a_crawl(archive, sample_portal):
    """An article whose page record is gone: verify lists it (exit 1); --repair keeps it and
    queues its page; the next crawl fetches the page again and the archive verifies clean."""
    article_id, url, capture_id = _an_article(archive)
    con = sqlite3.connect(archive / "archive.db")
    con.execute("UPDATE captures SET warc_offset = warc_offset + 1 WHERE id = ?", [capture_id])
    con.commit()
    con.close()
    bad = run_cli("verify", "--archive", str(archive))
    assert bad.returncode == 1
    assert f"article {article_id} ({url}): orphaned" in bad.stdout
    fixed = run_cli("verify", "--archive", str(archive), "--repair")
    assert fixed.returncode == 0, fixed.stdout
    assert "1 orphaned article(s) kept, their pages queued for the next crawl" in fixed.stdout
    waiting = run_cli("verify", "--archive", str(archive))
    assert waiting.returncode == 1 and "queued for the next crawl" in waiting.stdout
    con = sqlite3.connect(archive / "archive.db")
    assert con.execute("SELECT url FROM refetch").fetchall() == [(url,)]
    assert con.execute("SELECT count(*) FROM articles WHERE id = ?", [article_id]).fetchone()[0]
    con.close()

    con = sqlite3.connect(archive / "archive.db")
    revisits = con.execute(
        "SELECT count(*) FROM captures WHERE refers_to = ?", [capture_id]
    ).fetchone()[0]
    con.close()
    urls = [s.home_url() for s in sample_portal.sites]
    crawl = run_cli("crawl", *urls, "--archive", str(archive), "--delay", "0")
    assert crawl.returncode == 0, crawl.stderr
    healed = run_cli("verify", "--archive", str(archive))
    assert healed.returncode == 0, healed.stdout
    con = sqlite3.connect(archive / "archive.db")
    new_capture, lost = con.execute(
        "SELECT c.id, c.lost_at FROM articles a JOIN captures c ON c.id = a.capture_id "
        "WHERE a.id = ?",
        [article_id],
    ).fetchone()
    assert new_capture != capture_id and lost is None
    adopted = con.execute("SELECT count(*) FROM captures WHERE refers_to = ?", [new_capture])
    assert adopted.fetchone()[0] >= revisits, "revisits of the lost record point at the new one"
    assert con.execute("SELECT count(*) FROM refetch").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM articles WHERE url = ?", [url]).fetchone()[0] == 1


def test_an_article_cannot_lose_its_capture(archive):
    con = sqlite3.connect(archive / "archive.db")
    with pytest.raises(sqlite3.IntegrityError, match="needs the capture of its page"):
        con.execute("UPDATE articles SET capture_id = NULL")
    con.close()


def test_fetched_images_point_at_their_captures(archive):
    con = sqlite3.connect(archive / "archive.db")
    images, pointing, right = con.execute(
        "SELECT count(*), count(i.capture_id), sum(c.url = i.src OR c.record_type = 'response') "
        "FROM images i LEFT JOIN captures c ON c.id = i.capture_id"
    ).fetchone()
    con.close()
    assert images > 0 and pointing == images == right
