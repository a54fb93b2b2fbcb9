"""`govarchive merge`: bring shards (archive folders a fleet node filled, one site each) into
this archive, as if their crawls had run here.

Per shard crawl, in the shard's order, once (`crawls.merged_from`): its WARC files are linked
(copied across file systems) under names unique here and made durable first; then, in one
transaction, the crawl, its captures (re-keyed, `origin_id`), and what it saw of each article,
reconciled with what this archive holds exactly as a re-crawl would (new, changed → a version,
unchanged). A kill anywhere leaves whole crawls merged or not at all: merging again finishes
the job, and merging a shard twice adds nothing. Unfinished crawls wait for a later merge.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from archive.cdxj import update_index
from archive.clock import from_iso, iso_utc, utc_now
from archive.db import ArchiveDB, ArticleRecord
from archive.documents import FIELDS, DocumentRecord, store_documents
from archive.errors import ArchiveError
from archive.folder import ArchiveFolder
from archive.lock import ArchiveLock
from archive.resume import UNFINISHED
from archive.tx import write_transaction
from archive.verify import scan_warc

SAME_FILE_PREFIX = 65536  # bytes compared to tell one WARC file from another of the same name
# Test hook: "POINT:N" kills this process (SIGKILL) the Nth time the merge passes POINT: `files`
# (a crawl's WARC files placed, no row yet), `rows` (in a crawl's transaction, its captures
# written), `index` (every crawl merged, the CDXJ index not updated yet).
CRASH_AT = "GOVARCHIVE_MERGE_CRASH_AT"
_passed: dict[str, int] = {}


def _crash_point(name: str) -> None:
    point, _, nth = os.environ.get(CRASH_AT, "").partition(":")
    if point != name:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


class NotAShard(ArchiveError):
    """A folder given as a shard holds no archive: bad input, said before anything is made."""


class Waiting(Exception):
    """A shard crawl that cannot be merged yet, and why (it is rolled back, merged later)."""


@dataclass
class ShardReport:
    shard: Path
    shard_id: str = ""
    crawls_merged: int = 0
    crawls_before: int = 0  # merged by an earlier run
    captures: int = 0
    files_linked: int = 0
    files_copied: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_older: int = 0  # texts older than this archive's: kept as earlier versions
    waiting: list[str] = field(default_factory=list)


@dataclass
class MergeReport:
    archive: Path
    shards: list[ShardReport] = field(default_factory=list)
    indexed_files: int = 0


def shard_id(path: Path) -> str:
    """The id a shard is known by here, read without writing to it; a database copied while a
    node was writing it may be torn, and is refused before anything is taken from it."""
    con = _read_only(path)
    try:
        health = con.execute("PRAGMA quick_check").fetchone()[0]
        row = con.execute("SELECT value FROM archive_info WHERE key = 'id'").fetchone()
    except sqlite3.Error as exc:
        health, row = str(exc), None
    finally:
        con.close()
    if health != "ok":
        raise ArchiveError(
            f"shard {path.parent}: its archive.db is damaged ({health}); copied while a job "
            "wrote to it? copy it again once its job has finished (govarchive fleet status)"
        )
    if not row:
        raise ArchiveError(
            f"shard {path.parent} has no archive id (made by an older govarchive); run "
            f"`govarchive verify --archive {path.parent}` once to upgrade it, then merge"
        )
    return str(row[0])


def merge_shards(
    archive_dir: str | os.PathLike[str] | None,
    shards: list[Path],
    say: Callable[[str], None] = lambda _: None,
) -> MergeReport:
    """Merge every shard into the archive (holding its writer lock), then update its CDXJ
    index. The shards are checked first: bad input makes no archive folder. Times come from
    the shards (each text stored when its node saw it), not from a clock here."""
    if not shards:
        raise ArchiveError("give at least one shard folder, e.g. govarchive merge shards/laocai")
    found: list[tuple[Path, str]] = []
    for given in shards:
        db_path = Path(given) / "archive.db"
        if not db_path.is_file():
            raise NotAShard(f"no shard at {given} (no archive.db); give a shard's folder")
        sid = shard_id(db_path)
        if sid not in {s for _, s in found}:
            found.append((Path(given), sid))
    folder = ArchiveFolder.prepare(archive_dir)
    report = MergeReport(archive=folder.root)
    with ArchiveLock(folder.root):
        archive = ArchiveDB(folder.db_path)
        try:
            own = archive.db.execute("SELECT value FROM archive_info WHERE key = 'id'").fetchone()
            for path, sid in found:
                if own and own[0] == sid:
                    raise ArchiveError(f"{path} is this archive itself; give shard folders")
            for path, sid in found:
                shard = _ShardMerge(folder, archive, path, sid)
                try:
                    report.shards.append(shard.run(say))
                finally:
                    shard.close()
        finally:
            archive.close()
        _crash_point("index")
        report.indexed_files = update_index(folder)[0]
    return report


def _read_only(db_path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    con.execute("PRAGMA busy_timeout = 10000")  # a node may be committing to it right now
    return con


def _columns(con: sqlite3.Connection | Any, table: str) -> list[str]:
    return [r[1] for r in con.execute(f"PRAGMA table_info({table})")]


class _ShardMerge:
    """One shard's crawls into the archive."""

    def __init__(self, folder: ArchiveFolder, archive: ArchiveDB, path: Path, sid: str) -> None:
        self.folder = folder
        self.archive = archive
        self.db = archive.db
        self.path = path
        self.sid = sid
        self.src = _read_only(path / "archive.db")
        self.report = ShardReport(shard=path, shard_id=sid)
        shared = set(_columns(self.src, "captures"))
        self.capture_columns = [
            c for c in _columns(self.db, "captures") if c in shared and c not in _REKEYED
        ]
        shared = set(_columns(self.src, "crawls"))
        self.crawl_columns = [
            c for c in _columns(self.db, "crawls") if c in shared and c not in _CRAWL_OWN
        ]
        self.names: dict[str, str] = {}  # shard WARC file -> its name here
        self.versioned = "extractor_version" in _columns(self.src, "articles")
        self.moment: datetime = utc_now()
        archive.clock = lambda: self.moment  # an article stored "now" is stored when seen

    def close(self) -> None:
        self.src.close()

    def run(self, say: Callable[[str], None]) -> ShardReport:
        crawls = self.src.execute(
            "SELECT c.id, c.status, s.host, s.root_url, s.name FROM crawls c "
            "JOIN sites s ON s.id = c.site_id ORDER BY c.id"
        ).fetchall()
        ready = []
        for crawl_id, status, host, root_url, name in crawls:
            if self._merged(crawl_id) is not None:
                self.report.crawls_before += 1
            elif status in UNFINISHED:
                self.report.waiting.append(
                    f"crawl {crawl_id} ({host}) is {status}: merged once it has finished "
                    "(a node that died leaves it so; its site's next dispatch resumes it)"
                )
            else:
                ready.append((crawl_id, host, root_url, name))
        # Crawls in order; one revisiting a capture of a later crawl waits for it (a pass
        # more); crawls revisiting each other's captures (sites crawled in one run share the
        # files of a storage host) are merged together, in one transaction.
        while ready:
            waiting: dict[int, str] = {}
            for crawl in ready:
                try:
                    self._merge_crawls([crawl])
                except Waiting as why:
                    waiting[crawl[0]] = f"crawl {crawl[0]} ({crawl[1]}) {why}"
                    continue
                self.report.crawls_merged += 1
                say(f"{self.path}: crawl {crawl[0]} of {crawl[1]} merged")
            if len(waiting) == len(ready):
                try:
                    self._merge_crawls(ready)
                except Waiting:
                    self.report.waiting += list(waiting.values())
                    break
                self.report.crawls_merged += len(ready)
                say(f"{self.path}: crawls {', '.join(str(c[0]) for c in ready)} merged together")
                break
            ready = [c for c in ready if c[0] in waiting]
        return self.report

    # one crawl ---------------------------------------------------------------------------------
    def _merged(self, crawl_id: int) -> int | None:
        row = self.db.execute(
            "SELECT id FROM crawls WHERE merged_from = ?", [f"{self.sid}/{crawl_id}"]
        ).fetchone()
        return int(row[0]) if row else None

    def _merge_crawls(self, crawls: list[tuple[int, str, str, str | None]]) -> None:
        """These crawls' rows in one transaction; Waiting (nothing written) when one revisits
        a capture of a crawl neither among them nor merged."""
        prepared = []
        for crawl_id, host, root_url, name in crawls:
            marks = ", ".join(self.capture_columns)
            captures = self.src.execute(
                f"SELECT id, refers_to, {marks} FROM captures WHERE crawl_id = ? ORDER BY id",
                [crawl_id],
            ).fetchall()
            files = self._bring_files(captures)  # durable before any row points at them
            _crash_point("files")
            crawl = self.src.execute(
                f"SELECT {', '.join(self.crawl_columns)} FROM crawls WHERE id = ?", [crawl_id]
            ).fetchone()
            row = dict(zip(self.crawl_columns, crawl, strict=True))
            self.moment = from_iso(row["started_at"])  # a site new here is first seen then
            site_id = self.archive.ensure_site(host, root_url, name)
            row.update(site_id=site_id, merged_from=f"{self.sid}/{crawl_id}")
            prepared.append((crawl_id, site_id, row, captures, files))
        with write_transaction(self.db):
            ids: dict[int, int] = {}
            later: list[tuple[int, int]] = []  # (capture here, the shard capture it revisits)
            inserted = []
            for crawl_id, site_id, row, captures, files in prepared:
                central = self.archive._insert("crawls", row)
                mine = self._insert_captures(central, captures, files, ids, later)
                ids.update(mine)
                inserted.append((crawl_id, site_id, central, mine))
            for capture, refers_to in later:
                target = ids.get(refers_to) or self._central_capture(refers_to)
                if target is None:
                    raise Waiting(
                        f"revisits capture {refers_to} of a crawl not merged yet: merged after it"
                    )
                self.db.execute("UPDATE captures SET refers_to = ? WHERE id = ?", [target, capture])
            _crash_point("rows")
            for crawl_id, site_id, central, mine in inserted:
                counts = self._articles(crawl_id, central, site_id, mine)
                self._documents(central, site_id, mine)
                self._carry_refetch(crawl_id, site_id)
                self.report.articles_new += counts["new"]
                self.report.articles_updated += counts["updated"]
                self.report.articles_unchanged += counts["unchanged"]
                self.report.articles_older += counts["older"]
        self.report.captures += sum(len(p[3]) for p in prepared)

    def _insert_captures(
        self,
        central_crawl: int,
        captures: list[tuple],
        files: dict[str, str],
        ids: dict[int, int],
        later: list[tuple[int, int]],
    ) -> dict[int, int]:
        """The captures' rows; a revisit of a capture not here yet gets its target `later`."""
        mine: dict[int, int] = {}
        for capture in captures:
            origin, refers_to, *values = capture
            row = dict(zip(self.capture_columns, values, strict=True))
            if row.get("warc_file"):
                row["warc_file"] = files[row["warc_file"]]
            target = None
            if refers_to is not None:
                target = mine.get(refers_to) or ids.get(refers_to)
                target = target or self._central_capture(refers_to)
                row["refers_to"] = target
            row.update(crawl_id=central_crawl, origin_id=origin)
            mine[origin] = self.archive._insert("captures", row)
            if refers_to is not None and target is None:
                later.append((mine[origin], refers_to))
        return mine

    def _central_capture(self, shard_capture: int) -> int | None:
        """This archive's copy of a capture of an earlier merged crawl of the shard."""
        row = self.src.execute("SELECT crawl_id FROM captures WHERE id = ?", [shard_capture])
        found = row.fetchone()
        central_crawl = self._merged(int(found[0])) if found else None
        if central_crawl is None:
            return None
        held = self.db.execute(
            "SELECT id FROM captures WHERE crawl_id = ? AND origin_id = ?",
            [central_crawl, shard_capture],
        ).fetchone()
        return int(held[0]) if held else None

    # WARC files ----------------------------------------------------------------------------------
    def _bring_files(self, captures: list[tuple]) -> dict[str, str]:
        """Each WARC file these captures point into, present here (linked, else copied, and
        fsynced) at least up to the end of their records: {name in shard: name here}."""
        warc_at = 2 + self.capture_columns.index("warc_file")
        offset_at = 2 + self.capture_columns.index("warc_offset")
        length_at = 2 + self.capture_columns.index("warc_length")
        needed: dict[str, int] = {}
        for c in captures:
            if c[warc_at]:
                end = int(c[offset_at] or 0) + int(c[length_at] or 0)
                needed[c[warc_at]] = max(needed.get(c[warc_at], 0), end)
        out = {}
        for name, end in sorted(needed.items()):
            out[name] = self.names.get(name) or self._bring(name, end)
            self.names[name] = out[name]
        return out

    def _bring(self, name: str, needed: int) -> str:
        source = self.path / "warc" / name
        if not source.is_file():
            raise Waiting(f"points into WARC file {name}, which the shard does not have")
        here = self.folder.warc_dir
        here.mkdir(parents=True, exist_ok=True)
        stem = name.removesuffix(".warc.gz")
        for candidate in (name, f"{stem}-{self.sid[:8]}.warc.gz", f"{stem}-{self.sid}.warc.gz"):
            dest = here / candidate
            if dest.exists() and not _same_file(source, dest):
                continue  # another file of that name: this one takes a name of its own
            if dest.exists() and dest.stat().st_size >= needed:
                return candidate
            self._place(source, dest, needed)
            return candidate
        raise ArchiveError(f"cannot find a free name for {name} in {here}")

    def _place(self, source: Path, dest: Path, needed: int) -> None:
        """Link the shard's file here, or copy it; a file a node is still writing is copied up
        to its last complete record. Synced before returning: rows will point into it."""
        writing = _being_written(source)
        tmp = dest.with_name(f".{dest.name}.merging")
        tmp.unlink(missing_ok=True)
        if not writing:
            try:
                os.link(source, tmp)
                self.report.files_linked += 1
            except OSError:
                shutil.copyfile(source, tmp)
                self.report.files_copied += 1
        else:  # the file only grows at its end: what was complete stays so in the copy
            good = scan_warc(source, check_digests=False).good_end
            shutil.copyfile(source, tmp)
            os.truncate(tmp, good)
            self.report.files_copied += 1
        if tmp.stat().st_size < needed:
            tmp.unlink()
            raise Waiting(f"has records beyond the end of {source.name} as the shard holds it")
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        _sync_dir(dest.parent)

    # articles ------------------------------------------------------------------------------------
    def _articles(
        self, crawl_id: int, central_crawl: int, site_id: int, ids: dict[int, int]
    ) -> dict[str, int]:
        """What this crawl saw of each article, in the order it saw it: each text it took from a
        page of the crawl (a new article, a change, a page fetched again), then the articles it
        found unchanged, then those whose page had gone."""
        counts = {"new": 0, "updated": 0, "unchanged": 0, "older": 0}
        if not ids:
            return counts
        marks = ",".join("?" * len(ids))
        version = "a.extractor_version" if self.versioned else "NULL"
        seen = self.src.execute(
            "SELECT 1, a.id, a.capture_id, coalesce(a.version_since, a.first_seen), a.title, "
            "a.summary, a.body, a.author, a.published_at, a.category, a.body_html, a.text_flags, "
            f"a.url, a.article_key, {version} FROM articles a "
            f"WHERE a.capture_id IN ({marks}) UNION ALL "
            "SELECT 0, v.article_id, v.capture_id, v.seen_from, v.title, v.summary, v.body, "
            "v.author, v.published_at, a.category, '', '[]', a.url, a.article_key, NULL "
            f"FROM article_versions v JOIN articles a ON a.id = v.article_id "
            f"WHERE v.capture_id IN ({marks}) ORDER BY 4, 1, 2",
            [*ids, *ids],
        ).fetchall()
        touched: set[int] = set()
        for current, aid, capture, when, *text in seen:
            self.moment = from_iso(when)
            outcome = self._store(site_id, central_crawl, ids[capture], text, aid if current else 0)
            counts[outcome] += 1
            touched.add(aid)
        for aid, url, key, last_seen in self.src.execute(
            "SELECT id, url, article_key, last_seen FROM articles WHERE last_crawl_id = ? "
            "ORDER BY id",
            [crawl_id],
        ).fetchall():
            here = self._article_here(site_id, url, key)
            if here is not None:
                self._seen_again(here, central_crawl, last_seen, aid in touched, counts)
        self._gone(crawl_id, central_crawl, site_id)
        return counts

    def _store(
        self, site_id: int, central_crawl: int, capture: int, text: list, shard_article: int
    ) -> str:
        title, summary, body, author, published, category, body_html, flags, url, key, read_by = (
            text
        )
        record = ArticleRecord(
            url=url, article_key=key, title=title, body=body, summary=summary or "",
            author=author or "", category=category or "", published_at=published,
            body_html=body_html or "", text_flags=_flags(flags),
        )  # fmt: skip
        if shard_article:
            record.images = [
                {"src": s, "alt": a or "", "caption": c or ""}
                for s, a, c in self.src.execute(
                    "SELECT src, alt, caption FROM images WHERE article_id = ? ORDER BY position",
                    [shard_article],
                )
            ]
            record.attachments = [
                {"url": u, "filename": f or "", "link_text": t or ""}
                for u, f, t in self.src.execute(
                    "SELECT url, filename, link_text FROM attachments WHERE article_id = ? "
                    "ORDER BY id",
                    [shard_article],
                )
            ]
        here = self._article_here(site_id, url, key)
        if here is not None and here[2] and self.moment < from_iso(here[2]):
            return self._older(here, record, capture)
        # the extraction code that read it on the node, kept with the text
        outcome = self.archive.store_article(site_id, central_crawl, capture, record, read_by)
        if here is None:
            here = self._article_here(site_id, url, key)
            assert here is not None
        elif here[3]:  # a shard merged late never moves an article's last sighting back
            self.db.execute(
                "UPDATE articles SET last_seen = max(last_seen, ?) WHERE id = ?", [here[3], here[0]]
            )
        if shard_article and outcome != "unchanged":
            self._attachment_files(shard_article, here[0])
        if outcome == "new":
            self._gone_since(here[0], url)
        return outcome

    def _older(self, here: tuple, record: ArticleRecord, capture: int) -> str:
        """A text seen before this archive's current one (a shard merged late): kept as an
        earlier version unless it is one already, never put in front of the newer text."""
        article_id, digest, since = here[0], here[1], here[2]
        moment = iso_utc(self.moment)
        new_hash = record.content_hash()
        if new_hash == digest:
            self.db.execute(
                "UPDATE articles SET version_since = min(version_since, ?), "
                "first_seen = min(first_seen, ?) WHERE id = ?",
                [moment, moment, article_id],
            )
            return "unchanged"
        known = self.db.execute(
            "SELECT 1 FROM article_versions WHERE article_id = ? AND content_hash = ? "
            "AND seen_from = ?",
            [article_id, new_hash, moment],
        ).fetchone()
        if known is None:
            self.db.execute(
                "INSERT INTO article_versions (article_id, title, summary, body, author, "
                "published_at, content_hash, seen_from, seen_until, capture_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    article_id, record.title, record.summary, record.body, record.author,
                    record.published_at, new_hash, moment, since, capture,
                ],
            )  # fmt: skip
            self.db.execute(
                "UPDATE articles SET first_seen = min(first_seen, ?) WHERE id = ?",
                [moment, article_id],
            )
        return "older"

    def _article_here(self, site_id: int, url: str, key: str) -> tuple | None:
        """(id, content hash, version_since, last_seen, last_crawl_id) of the article here."""
        return self.db.execute(
            "SELECT id, content_hash, version_since, last_seen, last_crawl_id FROM articles "
            "WHERE url = ? OR (site_id = ? AND article_key = ?)",
            [url, site_id, key],
        ).fetchone()

    def _seen_again(
        self, here: tuple, central_crawl: int, last_seen: str, stored: bool, counts: dict
    ) -> None:
        """An article the crawl met (unchanged, or a 304): seen then, never earlier than here."""
        self.db.execute(
            "UPDATE articles SET last_seen = max(coalesce(last_seen, ''), ?), "
            "last_crawl_id = CASE WHEN coalesce(last_seen, '') <= ? THEN ? ELSE last_crawl_id END "
            "WHERE id = ?",
            [last_seen, last_seen, central_crawl, here[0]],
        )
        if not stored and here[4] != central_crawl:
            self.db.execute(
                "UPDATE crawls SET articles_unchanged = articles_unchanged + 1 WHERE id = ?",
                [central_crawl],
            )
            counts["unchanged"] += 1

    def _gone(self, crawl_id: int, central_crawl: int, site_id: int) -> None:
        """Article pages that answered 404 or 410 in this crawl: those articles are gone here
        too (as the crawl marks them), unless this archive has seen them since."""
        for url, when in self.src.execute(
            "SELECT url, min(fetched_at) FROM captures WHERE crawl_id = ? AND status IN (404, 410) "
            "GROUP BY url ORDER BY url",
            [crawl_id],
        ).fetchall():
            cursor = self.db.execute(
                "UPDATE articles SET gone_at = ? WHERE url = ? AND site_id = ? AND gone_at IS NULL "
                "AND last_seen <= ?",
                [when, url, site_id, when],
            )
            if cursor.rowcount:
                self.db.execute(
                    "UPDATE crawls SET articles_gone = articles_gone + 1 WHERE id = ?",
                    [central_crawl],
                )

    def _gone_since(self, article_id: int, url: str) -> None:
        """An article this archive meets for the first time from a shard merged late may have
        been seen gone already (its page answered 404 or 410 after this sighting)."""
        row = self.db.execute(
            "SELECT min(c.fetched_at) FROM captures c JOIN articles a ON a.id = ? "
            "WHERE c.url = ? AND c.status IN (404, 410) AND c.fetched_at >= a.last_seen",
            [article_id, url],
        ).fetchone()
        if row and row[0]:
            self.db.execute("UPDATE articles SET gone_at = ? WHERE id = ?", [row[0], article_id])

    def _attachment_files(self, shard_article: int, article_id: int) -> None:
        """What the shard learnt of each attachment's file (type, size, hash, its capture)."""
        for url, ctype, size, digest, capture in self.src.execute(
            "SELECT url, content_type, size, sha256, capture_id FROM attachments "
            "WHERE article_id = ? AND sha256 IS NOT NULL",
            [shard_article],
        ).fetchall():
            held = self._central_capture(capture) if capture is not None else None
            self.db.execute(
                "UPDATE attachments SET content_type = ?, size = ?, sha256 = ?, "
                "capture_id = coalesce(?, capture_id) WHERE article_id = ? AND url = ? "
                "AND sha256 IS NULL",
                [ctype, size, digest, held, article_id, url],
            )

    def _documents(self, central_crawl: int, site_id: int, ids: dict[int, int]) -> None:
        """The shard's documents shown by pages of this crawl, stored as the crawl stored them
        (the archive's rules merge them with what it holds), each on its page's capture here."""
        if not self.src.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'document_pages'"
        ).fetchone():
            return  # a shard from before documents
        marks = ",".join("?" * len(ids))
        pages = self.src.execute(
            "SELECT p.capture_id, p.source, d.id, d.number, d.year, d.first_seen, "
            f"{', '.join(FIELDS)}, d.detail_url FROM document_pages p "
            f"JOIN documents d ON d.id = p.document_id WHERE p.capture_id IN ({marks}) "
            "ORDER BY p.capture_id, d.id",
            list(ids),
        ).fetchall()
        for capture, source, shard_doc, number, year, seen, *fields, detail in pages:
            files = [
                r[0]
                for r in self.src.execute(
                    "SELECT url FROM document_files WHERE document_id = ? ORDER BY position",
                    [shard_doc],
                )
            ]
            given = dict(zip(FIELDS, fields, strict=True))
            record = DocumentRecord(
                number_text=number or "",
                **{k: v or ("" if k not in ("issued_at", "effective_at") else None)
                   for k, v in given.items()},
                files=files,
                detail_url=detail,
            )  # fmt: skip
            store_documents(
                self.archive, site_id, central_crawl, ids[capture], source, [record], seen, year
            )

    def _carry_refetch(self, crawl_id: int, site_id: int) -> None:
        """Pages the shard queued to fetch again (their records were lost) stay queued here, for
        the articles whose text this archive took from those lost records."""
        for url, reason, queued_at in self.src.execute(
            "SELECT r.url, r.reason, r.queued_at FROM refetch r JOIN articles a "
            "ON a.id = r.article_id JOIN captures c ON c.id = a.capture_id WHERE c.crawl_id = ?",
            [crawl_id],
        ).fetchall():
            self.db.execute(
                "INSERT OR IGNORE INTO refetch (site_id, url, article_id, reason, queued_at) "
                "SELECT a.site_id, a.url, a.id, ?, ? FROM articles a JOIN captures c "
                "ON c.id = a.capture_id WHERE a.url = ? AND a.site_id = ? AND c.lost_at IS NOT NULL",
                [reason, queued_at, url, site_id],
            )


_REKEYED = {"id", "crawl_id", "refers_to", "origin_id"}
_CRAWL_OWN = {
    "id", "site_id", "merged_from",
    "articles_new", "articles_updated", "articles_unchanged", "articles_gone",
}  # fmt: skip


def _flags(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _same_file(a: Path, b: Path) -> bool:
    """Whether `b` is `a`, or a copy of a first part of it: the first record of a WARC file is
    its warcinfo, with a record id of its own, so equal openings mean the same file."""
    try:
        if os.path.samefile(a, b):
            return True
        with a.open("rb") as fa, b.open("rb") as fb:
            head_a, head_b = fa.read(SAME_FILE_PREFIX), fb.read(SAME_FILE_PREFIX)
        shorter = min(len(head_a), len(head_b))
        return shorter > 0 and head_a[:shorter] == head_b[:shorter]
    except OSError:
        return False


def _being_written(path: Path) -> bool:
    """A crawl holds an exclusive lock on the WARC file it writes (archive/warc.py)."""
    with path.open("rb") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return False


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
