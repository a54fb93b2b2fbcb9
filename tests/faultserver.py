"""A sample portal that misbehaves on purpose: server errors, Retry-After, resets, truncated and
slow answers, redirect loops, mislabelled charsets, malformed HTML, a huge page, a PDF where an
article should be, and traps (an endless calendar, endless empty pagination, facet combinations,
session ids in links). Runs in a thread on 127.0.0.1 for the tests in test_faults.py."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from govarchive.sampleportal.content import build_portal
from govarchive.sampleportal.server import PortalHandler, SampleServers, _Server
from govarchive.sampleportal.site import Site

HUGE = 3_000_000


@dataclass
class FaultPlan:
    """path (with query) -> faults to play, one per hit, then normal answers."""

    once: dict[str, list[str]] = field(default_factory=dict)
    always: dict[str, str] = field(default_factory=dict)
    hits: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_fault(self, path: str) -> str | None:
        with self.lock:
            self.hits[path].append(time.monotonic())
            if path in self.always:
                return self.always[path]
            queue = self.once.get(path)
            return queue.pop(0) if queue else None


class FaultHandler(PortalHandler):
    plan: FaultPlan

    def do_GET(self) -> None:
        path = self.path
        fault = self.plan.next_fault(path)
        if fault is not None:
            return self.play(fault, path)
        parts = urlsplit(path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/":
            return self.home()
        if parts.path.startswith("/lich-su-kien"):
            return self.calendar(query.get("ngay", "2023-06-01"))
        if parts.path == "/tin-luu-tru":
            n = int(query.get("PageIndex", "0") or 0)
            return self.html(
                f"<h1>Tin lưu trữ</h1><p>Không có tin nào.</p><a href='/tin-luu-tru?PageIndex={n + 1}'>Trang sau</a>"
            )
        if parts.path == "/van-ban-loc":
            a, b = int(query.get("linhvuc", 0)), int(query.get("coquan", 0))
            links = "".join(
                f"<a href='/van-ban-loc?linhvuc={a + i}&coquan={b + j}'>Lọc {i}{j}</a> "
                for i in range(3)
                for j in range(3)
            )
            return self.html(f"<h1>Văn bản</h1><p>Không có văn bản phù hợp.</p>{links}")
        if parts.path.startswith("/vong-lap-"):
            other = "/vong-lap-b" if parts.path.endswith("a") else "/vong-lap-a"
            self.send_response(302)
            self.send_header("Location", other)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if parts.path == "/trang-rat-lon":  # huge and sent as is
            body = b"<html><body>" + b"x" * HUGE + b"</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        if parts.path == "/trang-nen-lon":  # small on the wire, huge once decompressed
            big = b"<html><body>" + b"x" * HUGE + b"</body></html>"
            return self.send_body(200, big, "text/html; charset=utf-8")
        if parts.path == "/tin-tuc-su-kien/bao-cao-tong-ket-nam-999001":
            return self.send_body(200, b"%PDF-1.4\n% not an article\n%%EOF\n", "application/pdf")
        return super().do_GET()

    def html(self, inner: str) -> None:
        body = f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Trang</title></head><body>{inner}</body></html>"
        self.send_body(200, body.encode(), "text/html; charset=utf-8")

    def home(self) -> None:
        page = self.route("/", {})
        assert page is not None
        status, body, ctype = page
        traps = (
            "<div class='lien-ket'><a href='/lich-su-kien?ngay=2023-06-01'>Lịch sự kiện</a> "
            "<a href='/tin-luu-tru?PageIndex=0'>Tin lưu trữ</a> "
            "<a href='/van-ban-loc?linhvuc=0&coquan=0'>Tra cứu văn bản</a> "
            "<a href='/(S(k3j2h1g4f5d6))/tin-tuc-su-kien'>Tin tức</a> "
            "<a href='/chi-dao--dieu-hanh;jsessionid=9F8E7D6C5B'>Chỉ đạo</a> "
            "<a href='/vong-lap-a'>Liên kết cũ</a> <a href='/trang-rat-lon'>Bản đồ số</a> "
            "<a href='/trang-nen-lon'>Sơ đồ</a> "
            "<a href='/tin-tuc-su-kien/bao-cao-tong-ket-nam-999001'>Báo cáo tổng kết</a> "
            "<a href='/luon-loi'>Dịch vụ công</a> <a href='/ngat-ket-noi'>Hỏi đáp</a></div>"
        )
        self.send_body(status, body.replace(b"</body>", traps.encode() + b"</body>"), ctype)

    def calendar(self, day: str) -> None:
        d = date.fromisoformat(day)
        nxt, prev = d + timedelta(days=1), d - timedelta(days=1)
        self.html(
            f"<h1>Lịch sự kiện ngày {d:%d/%m/%Y}</h1><p>Không có sự kiện.</p>"
            f"<a href='/lich-su-kien?ngay={prev}'>Ngày trước</a> <a href='/lich-su-kien?ngay={nxt}'>Ngày sau</a>"
        )

    def play(self, fault: str, path: str) -> None:
        name, _, arg = fault.partition(":")
        if name == "status":
            code, _, retry_after = arg.partition("/")
            body = b"<html><body>Server busy</body></html>"
            self.send_response(int(code))
            if retry_after:
                self.send_header("Retry-After", retry_after)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif name == "reset":
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            self.connection.close()
            self.close_connection = True
        elif name == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "50000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>half a page")
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        elif name == "slow":
            time.sleep(float(arg))
            self.plan.always.pop(path, None)
            super().do_GET()
        elif name == "mislabel":
            page = self.route(urlsplit(path).path, {})
            assert page is not None
            body = re.sub(
                rb'<meta charset="utf-8">',
                b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
                page[1],
            )
            self.send_body(200, body, "text/html; charset=iso-8859-1")
        elif name == "malformed":
            page = self.route(urlsplit(path).path, {})
            assert page is not None
            body = (
                page[1]
                .replace(b"</p>", b"")
                .replace(b"</li>", b"")
                .replace(b"</html>", b"</div></div></span>")
            )
            self.send_body(200, body, "text/html; charset=utf-8")
        else:
            raise ValueError(fault)


def start_fault_portal(plan: FaultPlan, profile: str = "laocai") -> tuple[Site, SampleServers]:
    servers = SampleServers(profiles=(), ports=())
    servers.start()  # the storage host
    handler = type("Faulty", (FaultHandler,), {"plan": plan})
    server = _Server(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    site = Site(build_portal(profile), base, servers.storage_base)
    handler.site = site
    threading.Thread(target=server.serve_forever, daemon=True).start()
    servers._servers.append(server)
    return site, servers
