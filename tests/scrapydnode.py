"""Real Scrapyd daemons for the tests: each on a free 127.0.0.1 port, with its own eggs, logs and
database folders, started in a session of its own so that killing it kills its crawls too."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import BIN, free_port


@dataclass
class ScrapydDaemon:
    home: Path
    username: str = ""
    password: str = ""
    max_proc: int = 2
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ScrapydDaemon:
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "scrapyd.conf").write_text(
            "[scrapyd]\nbind_address = 127.0.0.1\n"
            f"http_port = {self.port}\neggs_dir = {self.home / 'eggs'}\n"
            f"logs_dir = {self.home / 'logs'}\ndbs_dir = {self.home / 'dbs'}\nitems_dir =\n"
            f"max_proc = {self.max_proc}\npoll_interval = 0.5\n"
            f"username = {self.username}\npassword = {self.password}\n"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPYD_")}
        env.pop("GOVARCHIVE_ARCHIVE", None)
        self.proc = subprocess.Popen(
            [str(BIN / "scrapyd")], cwd=self.home, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=(self.home / "scrapyd.err").open("wb"),
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not self.answers():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.kill()
                raise AssertionError((self.home / "scrapyd.err").read_text() or "no scrapyd")
            time.sleep(0.2)
        return self

    def answers(self) -> bool:
        """Whether it answers HTTP at all (a 401 is an answer)."""
        try:
            with urllib.request.urlopen(f"{self.url}/daemonstatus.json", timeout=5) as r:
                return json.loads(r.read()).get("status") == "ok"
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL to its whole session: the daemon and every crawl it started, as a dying
        machine would leave them."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class Daemons:
    """Daemons started on demand under one folder (`start(name, **options)`), all stopped by
    `stop_all` (a fixture's teardown)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.started: list[ScrapydDaemon] = []

    def start(self, name: str, **options) -> ScrapydDaemon:
        daemon = ScrapydDaemon(self.root / f"scrapyd-{name}", **options).start()
        self.started.append(daemon)
        return daemon

    def stop_all(self) -> None:
        for daemon in self.started:
            daemon.stop()
