"""Fixtures that run the real thing: the sample portal as a subprocess, crawls through the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from govarchive.sampleportal.content import build_portal
from govarchive.sampleportal.site import Site

TESTED_PROFILES = ("laocai", "bacha")  # "ninhbinh" is held out: never used by tests
BIN = Path(sys.executable).parent


def govarchive_cmd(*args: str) -> list[str]:
    exe = shutil.which("govarchive", path=str(BIN)) or "govarchive"
    return [exe, *args]


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 240
) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("GOVARCHIVE_ARCHIVE", None)
    return subprocess.run(
        govarchive_cmd(*args), capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env
    )


@dataclass
class PortalProcess:
    proc: subprocess.Popen
    sites: list[Site]

    def url(self, profile: str) -> str:
        return next(s.home_url() for s in self.sites if s.profile.key == profile)


def start_sample_portal(*profiles: str) -> PortalProcess:
    args = []
    for p in profiles:
        args += ["--profile", p]
    proc = subprocess.Popen(
        govarchive_cmd("sample-portal", *args), stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise RuntimeError("sample portal did not start")
    described = json.loads(line)["sites"]
    sites = [
        Site(build_portal(d["profile"]), d["url"].rstrip("/"), d["storage"]) for d in described
    ]
    return PortalProcess(proc, sites)


@pytest.fixture(scope="session")
def sample_portal():
    portal = start_sample_portal(*TESTED_PROFILES)
    yield portal
    portal.proc.terminate()
    portal.proc.wait(10)


@dataclass
class Crawled:
    archive: Path
    result: subprocess.CompletedProcess
    sites: list[Site]


@pytest.fixture(scope="session")
def crawled(sample_portal, tmp_path_factory) -> Crawled:
    archive = tmp_path_factory.mktemp("archive")
    result = run_cli(
        "crawl",
        *[s.home_url() for s in sample_portal.sites],
        "--archive", str(archive),
        "--delay", "0",
        "--concurrency", "8",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return Crawled(archive, result, sample_portal.sites)
