"""Fixtures that run the real thing: the sample portal as a subprocess, crawls through the CLI."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from govarchive.sampleportal.content import DEFAULT_PROFILES
from govarchive.sampleportal.process import SamplePortalProcess
from govarchive.sampleportal.site import Site

TESTED_PROFILES = DEFAULT_PROFILES  # HELD_OUT_PROFILES are never used by tests
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now, for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


@pytest.fixture(scope="session")
def sample_portal():
    with SamplePortalProcess(TESTED_PROFILES) as portal:
        yield portal


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
