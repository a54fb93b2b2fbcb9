"""Politeness per host (issue 19): `govarchive hosts` rules, a registered site's own settings and
robots.txt Crawl-delay pace each host on its own, measured where it counts: at the server, which
records when each request arrived. A portal on 127.0.0.1 keeps its images on a media host at
127.0.0.2, as VNPT tenants keep theirs on a shared storage host."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from scrapy.settings import Settings

from archive.folder import ArchiveFolder
from crawler.politeness import BUILT_IN, HostRule, download_slots, global_concurrency, resolve
from crawler.run import apply_politeness
from tests.conftest import run_cli

ARTICLES = 6
IMAGES = 3
PARAGRAPH = (
    "Sáng nay, Ủy ban nhân dân huyện tổ chức hội nghị tổng kết công tác năm với sự tham dự của "
    "lãnh đạo các phòng, ban và các xã, thị trấn trên địa bàn huyện. "
)


class _Media(BaseHTTPRequestHandler):
    crawl_delay: float | None = None
    arrivals: list[float]

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            lines = ["User-agent: *", "Allow: /"]
            if self.crawl_delay is not None:
                lines.append(f"Crawl-delay: {self.crawl_delay}")
            self._send("text/plain", "\n".join(lines).encode())
            return
        self.arrivals.append(time.monotonic())
        self._send("image/jpeg", b"\xff\xd8\xff" + self.path.encode() * 20)

    def _send(self, ctype: str, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _portal(media: str, pages: list[float]) -> type[BaseHTTPRequestHandler]:
    class Portal(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                body = b"User-agent: *\nAllow: /\n"
                ctype = "text/plain"
            elif self.path == "/":
                links = "".join(
                    f"<li><a href='/tin-tuc/bai-viet-so-{n}-{1000 + n}'>Bài viết số {n} về "
                    "công tác năm của huyện</a></li>"
                    for n in range(ARTICLES)
                )
                body = f"<html><head><title>Trang chủ</title></head><body><ul>{links}</ul></body></html>".encode()
                ctype = "text/html; charset=utf-8"
            elif not self.path.startswith("/tin-tuc/"):
                self.send_error(404)
                return
            else:
                pages.append(time.monotonic())
                n = self.path.rsplit("-", 1)[-1]
                imgs = "".join(
                    f"<p><img src='{media}/anh/{n}-{k}.jpg'></p><p>{PARAGRAPH}</p>"
                    for k in range(IMAGES)
                )
                title = f"Bài viết số {int(n) - 1000} về công tác năm của huyện"
                body = (
                    f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
                    f"<div class='date'>05/02/2024 08:00</div><div class='content'>{imgs}</div>"
                    "</body></html>"
                ).encode()
                ctype = "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Portal


@pytest.fixture
def hosts():
    """A portal on 127.0.0.1 and its media host on 127.0.0.2, in threads."""
    media_handler = type("Media", (_Media,), {"arrivals": [], "crawl_delay": None, "pages": []})
    media = ThreadingHTTPServer(("127.0.0.2", 0), media_handler)
    media_url = f"http://127.0.0.2:{media.server_address[1]}"
    portal = ThreadingHTTPServer(("127.0.0.1", 0), _portal(media_url, media_handler.pages))
    for server in (media, portal):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{portal.server_address[1]}/", media_handler
    for server in (media, portal):
        server.shutdown()
        server.server_close()


def crawl(url: str, archive, *extra: str):
    result = run_cli("crawl", url, "--archive", str(archive), "--delay", "0", *extra)
    assert result.returncode == 0, result.stderr
    return result


def gaps(arrivals: list[float]) -> list[float]:
    ordered = sorted(arrivals)
    return [b - a for a, b in zip(ordered, ordered[1:], strict=False)]


def assert_paced(arrivals: list[float], delay: float) -> None:
    """Requests `delay` apart as sent, seen from the server's clock, read when its handler
    runs: on a loaded machine one handler may start late, making its gap longer and the next
    one shorter by as much. So no two arrivals closer than half the delay (a burst would be),
    and every two gaps in a row at least twice the delay (5 % for the clock)."""
    between = gaps(arrivals)
    assert min(between) >= 0.5 * delay, between
    pairs = [a + b for a, b in zip(between, between[1:], strict=False)]
    assert min(pairs) >= 1.9 * delay, between


def test_a_hosts_rule_paces_that_host_and_only_it(hosts, tmp_path):
    portal, media = hosts
    crawl(portal, tmp_path / "free")
    assert len(media.arrivals) == ARTICLES * IMAGES
    assert min(gaps(media.arrivals)) < 0.1  # the run's --delay 0: no pause
    media.arrivals.clear()
    media.pages.clear()

    archive = tmp_path / "paced"
    added = run_cli("hosts", "set", "127.0.0.2", "--delay", "0.4", "--concurrency", "1",
                    "--archive", str(archive))  # fmt: skip
    assert added.returncode == 0, added.stderr
    started = time.monotonic()
    paced = crawl(portal, archive, "--set", "GOVARCHIVE_PROGRESS_INTERVAL=0.1")
    assert len(media.arrivals) == ARTICLES * IMAGES
    assert_paced(media.arrivals, 0.4)  # the rule, whatever the run's --delay
    assert time.monotonic() - started >= 0.38 * (ARTICLES * IMAGES - 1)
    # The paced host's queue holds nothing else back: every article page of the portal was
    # fetched before the media host had served a quarter of its images.
    assert len(media.pages) == ARTICLES
    assert max(media.pages) < sorted(media.arrivals)[ARTICLES * IMAGES // 4]
    # What the run waits for, while it waits, and what bounded it, once it is over.
    assert re.search(r"127\.0\.0\.2: \d+ waiting, [\d.]+/s", paced.stderr), paced.stderr
    assert "bounded by 127.0.0.2: the only host still answering" in paced.stdout
    listed = json.loads(
        run_cli("hosts", "list", "--archive", str(archive), "--format", "json").stdout
    )
    assert {
        "host": "127.0.0.2",
        "delay": 0.4,
        "concurrency": 1,
        "source": "hosts set",
    }.items() <= listed[0].items()

    media.arrivals.clear()
    dropped = run_cli("hosts", "unset", "127.0.0.2", "--archive", str(archive))
    assert dropped.returncode == 0
    crawl(portal, archive, "--full")
    assert min(gaps(media.arrivals)) < 0.1


def test_robots_crawl_delay_is_honoured(hosts, tmp_path):
    portal, media = hosts
    media.crawl_delay = 0.3
    verbose = crawl(portal, tmp_path, "--verbose", "--set", "GOVARCHIVE_PROGRESS_INTERVAL=0.1")
    assert len(media.arrivals) == ARTICLES * IMAGES
    assert_paced(media.arrivals, 0.3)
    assert "robots.txt of 127.0.0.2 asks for Crawl-delay 0.3" in verbose.stderr
    assert re.search(r"127\.0\.0\.2: \d+ waiting", verbose.stderr)  # --verbose: every host


def test_hosts_refuse_bad_input_in_one_line(tmp_path):
    for args, code in [
        (["hosts", "set", "http://x.vn/", "--delay", "1"], 2),
        (["hosts", "set", "x.vn:8080", "--delay", "1"], 2),
        (["hosts", "set", "x.vn"], 2),
        (["hosts", "set", "x.vn", "--delay", "-1"], 2),
        (["hosts", "set", "x.vn", "--concurrency", "0"], 2),
        (["hosts", "set", "x.vn", "--concurrency", "1000"], 2),
        (["hosts", "unset", "x.vn"], 1),
    ]:
        result = run_cli(*args, "--archive", str(tmp_path))
        assert result.returncode == code, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_rules_resolve_strongest_first_and_concurrency_grows_with_hosts():
    stored = {"a.gov.vn": HostRule(delay=2.0, source="hosts set")}
    sites = {"a.gov.vn": HostRule(delay=5.0, concurrency=1, source="site a"),
             "b.gov.vn": HostRule(concurrency=4, source="site b")}  # fmt: skip
    rules = resolve(["a.gov.vn", "b.gov.vn", "c.gov.vn"], stored, sites, 1.0, 2)
    assert rules["a.gov.vn"] == HostRule(2.0, 1, "hosts set")  # concurrency from the site
    assert rules["b.gov.vn"] == HostRule(1.0, 4, "site b")
    assert rules["c.gov.vn"] == HostRule(1.0, 2, "run")
    storage = next(iter(BUILT_IN))
    assert rules[storage].source == "built-in"
    slots = download_slots(rules)
    assert "c.gov.vn" not in slots and slots["a.gov.vn"] == {"delay": 2.0, "concurrency": 1}
    portals = [f"p{i}.gov.vn" for i in range(100)]
    many = resolve(portals, {}, {}, 0.25, 2)
    assert global_concurrency(portals, many) == 2 * 100 + BUILT_IN[storage].concurrency
    assert global_concurrency(portals * 3, resolve(portals, {}, {}, 0.25, 8)) == 256  # capped


def test_a_registered_site_feeds_the_same_slots(tmp_path):
    archive = tmp_path / "a"
    added = run_cli("sites", "add", "laocai", "http://127.0.0.9:8001/", "--delay", "3",
                    "--concurrency", "1", "--archive", str(archive))  # fmt: skip
    assert added.returncode == 0, added.stderr
    settings = Settings({"DOWNLOAD_DELAY": 0.5, "CONCURRENT_REQUESTS_PER_DOMAIN": 2})
    apply_politeness(settings, ArchiveFolder.existing(archive), ["http://127.0.0.9:8001/"])
    slots = settings.getdict("DOWNLOAD_SLOTS")
    assert slots["127.0.0.9"] == {"delay": 3.0, "concurrency": 1}
    assert settings.getint("CONCURRENT_REQUESTS") >= 16


def test_fleet_jobs_share_a_hosts_rule_so_together_they_keep_it():
    from crawler.politeness import share_slots

    slots = {
        "media.example.vn": {"delay": 1.0, "concurrency": 2},
        "storage-vnportal.vnpt.vn": {"delay": 0.0, "concurrency": 8},
        "portal.example.vn": {"delay": 1.0, "concurrency": 2},
    }
    four = share_slots(slots, ["http://portal.example.vn:8080/"], 4)
    assert four["media.example.vn"] == {"delay": 4.0, "concurrency": 1}  # 1 request/s in all
    assert four["storage-vnportal.vnpt.vn"] == {"delay": 0.0, "concurrency": 2}  # 8 in all
    assert four["portal.example.vn"] == {"delay": 1.0, "concurrency": 2}  # its own: whole
    assert share_slots(slots, [], 1) == slots
