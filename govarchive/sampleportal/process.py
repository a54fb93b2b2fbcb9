"""Run `govarchive sample-portal` as a child process, as the tests and the demo do."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field

from govarchive.sampleportal.content import DEFAULT_PROFILES, build_portal
from govarchive.sampleportal.site import Site


@dataclass
class SamplePortalProcess:
    profiles: tuple[str, ...] = DEFAULT_PROFILES
    delay: float = 0.0
    articles: int | None = None
    revision: int = 1
    ports: tuple[int, ...] = ()
    proc: subprocess.Popen | None = field(default=None, init=False)
    sites: list[Site] = field(default_factory=list, init=False)

    def start(self) -> SamplePortalProcess:
        args = [sys.executable, "-m", "govarchive", "sample-portal"]
        for profile in self.profiles:
            args += ["--profile", profile]
        if self.delay:
            args += ["--delay", str(self.delay)]
        if self.articles:
            args += ["--articles", str(self.articles)]
        if self.revision != 1:
            args += ["--revision", str(self.revision)]
        for port in self.ports:
            args += ["--port", str(port)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError("the sample portal did not start (see the error above)")
        self.sites = [
            Site(
                build_portal(d["profile"], self.articles, self.revision),
                d["url"].rstrip("/"),
                d["storage"],
            )
            for d in json.loads(line)["sites"]
        ]
        return self

    def url(self, profile: str) -> str:
        return next(s.home_url() for s in self.sites if s.profile.key == profile)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> SamplePortalProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
