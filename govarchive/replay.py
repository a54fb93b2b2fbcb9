"""The "page as captured" beside `govarchive serve`: pywb 2.10 replaying the archive's WARC files
in place, through the archive's own CDXJ index (docs/serve.md says why pywb).

Nothing is copied and nothing in the archive folder is written: pywb gets a configuration in a
temporary folder naming DIR/warc/ for the records and an index folder holding a link to
DIR/indexes/index.cdxj plus, when WARC files are not in that index yet (a crawl still running,
an archive never indexed), a CDXJ of those files made at start (from the index lines the crawl
wrote beside them, else by reading them). pywb runs from `.venv-replay`
(`make replay`), `$GOVARCHIVE_WAYBACK`, or a `wayback` on PATH; without it serve still runs and
the article pages say how to install it.
"""

from __future__ import annotations

import heapq
import json
import os
import shutil
import socket
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from archive.cdxj import INDEX_NAME, LISTING, PENDING, index_warcs
from archive.folder import ArchiveFolder

COLLECTION = "archive"
REPO_WAYBACK = Path(__file__).resolve().parent.parent / ".venv-replay" / "bin" / "wayback"
MISSING = (
    "pywb is not installed, so the page as captured cannot be replayed here: run `make replay` "
    "in the govarchive checkout (it installs pywb 2.10 in .venv-replay), or set "
    "GOVARCHIVE_WAYBACK to a pywb `wayback` program, and start `govarchive serve` again."
)


@dataclass
class Replay:
    """A running pywb, or why there is none."""

    port: int | None
    proc: subprocess.Popen | None
    missing: str = ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def find_wayback() -> str | None:
    given = os.environ.get("GOVARCHIVE_WAYBACK")
    if given:
        return given if os.access(given, os.X_OK) else None
    if os.access(REPO_WAYBACK, os.X_OK):
        return str(REPO_WAYBACK)
    return shutil.which("wayback")


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def index_folder(folder: ArchiveFolder, into: Path) -> Path:
    """A folder of CDXJ files covering every WARC file of the archive, without writing there."""
    out = into / "index"
    out.mkdir()
    indexes = folder.root / "indexes"
    listing = indexes / LISTING
    known: dict[str, int] = {}
    if (indexes / INDEX_NAME).is_file() and listing.is_file():
        try:
            known = json.loads(listing.read_text())
        except (OSError, ValueError):
            known = {}
    present = {p.name: p for p in sorted(folder.warc_dir.glob("*.warc.gz"))}
    # a file the index lists at another size was cut back since (verify --repair): its lines
    # in the index may point past its end, so everything is indexed here instead
    if any(n in present and present[n].stat().st_size != s for n, s in known.items()):
        known = {}
    else:  # linked even before it exists: pywb reads it once a crawl writes it
        (out / INDEX_NAME).symlink_to(indexes / INDEX_NAME)
    rest = [p for n, p in present.items() if n not in known]
    if rest:
        _index_rest(rest, indexes / PENDING, out / "unindexed.cdxj")
    return out


def _index_rest(paths: list[Path], pending: Path, out: Path) -> None:
    """One sorted CDXJ of `paths`: the lines a crawl wrote as it wrote each record (a file being
    written: NAME.part; a closed one: NAME@SIZE.cdxj, at its present size) where there are some,
    else the lines cdxj-indexer makes reading the file. Serve starts fast beside a crawl."""
    written: list[str] = []
    unread: list[Path] = []
    for path in paths:
        done, part = (
            pending / f"{path.name}@{path.stat().st_size}.cdxj",
            pending / f"{path.name}.part",
        )
        source = done if done.is_file() else part if part.is_file() else None
        if source is None:
            unread.append(path)
            continue
        with source.open(encoding="utf-8", errors="replace") as fh:
            written += [line for line in fh if line.endswith("}\n")]  # not a line cut short
    read = out.with_suffix(".read")
    if unread:
        with warnings.catch_warnings():  # a file a crawl is writing may end in half a record
            warnings.simplefilter("ignore")
            try:
                index_warcs(unread, read)
            except Exception:  # noqa: BLE001 - replay does without what it could not index
                read.unlink(missing_ok=True)
    written.sort()
    with out.open("w", encoding="utf-8") as fh:
        if read.is_file():
            with read.open(encoding="utf-8") as lines:
                fh.writelines(heapq.merge(written, lines))
            read.unlink()
        else:
            fh.writelines(written)


def start_replay(folder: ArchiveFolder, host: str, workdir: Path) -> Replay:
    """Start pywb on `host` (a free port) over the archive; it serves /archive/<ts>/<url>."""
    wayback = find_wayback()
    if wayback is None:
        return Replay(None, None, MISSING)
    root = workdir / "pywb"
    root.mkdir()
    index = index_folder(folder, root)
    config = {
        "collections": {
            COLLECTION: {
                "index_paths": str(index),
                "archive_paths": str(folder.warc_dir.resolve()) + os.sep,
            }
        },
        # the page itself with pywb's banner, not pywb's frame around it: a link opens the page
        "framed_replay": False,
    }
    (root / "config.yaml").write_text(json.dumps(config, indent=1))  # JSON is YAML
    try:
        port = free_port(host)
        proc = subprocess.Popen(
            [wayback, "-p", str(port), "-b", host, "-d", str(root)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    except OSError as exc:
        return Replay(None, None, f"pywb could not be started on {host}: {exc.strerror or exc}")
    return Replay(port, proc)


def replay_path(fetched_at: str, url: str) -> str:
    """pywb's path for the capture of `url` at `fetched_at` (UTC ISO): /archive/<14 digits>/url."""
    stamp = "".join(ch for ch in fetched_at if ch.isdigit())[:14]
    return f"/{COLLECTION}/{stamp}/{url}"
