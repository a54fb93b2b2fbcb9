"""Kill anywhere (issue 14): a crawl of five sample portals (with feeds, sitemaps, postbacks) killed with SIGKILL at twelve seeded
random moments, every third kill also a power cut (each WARC file cut back to its length at its
last fsync, after checking no committed row points past it), resumed after each and finished:
every gold article stored once with its page's record, nothing fetched twice by a crawl, verify
and warcio check clean. bench/chaos.py runs the same for as many kills as one likes."""

from __future__ import annotations

import pytest

from bench.chaos import PROFILES, run_chaos
from govarchive.sampleportal.process import SamplePortalProcess


@pytest.fixture(scope="module")
def slow_portal():
    with SamplePortalProcess(PROFILES, delay=0.1) as portal:
        yield portal


@pytest.mark.parametrize("seed", [14])
def test_kill_anywhere_then_finish(slow_portal, tmp_path, seed):
    result = run_chaos(slow_portal, tmp_path / "archive", kills=12, seed=seed, power_cut_every=3)
    print(result.line())
    assert result.kills == 12 and result.power_cuts == 4
    assert result.problems == []
    assert result.articles == result.expected
