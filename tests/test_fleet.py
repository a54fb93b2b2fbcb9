"""`govarchive fleet` against real Scrapyd daemons on 127.0.0.1 (issue 15): deploy this checkout,
dispatch the sample portals across two nodes, merge the shards, every gold article once; a node
killed mid-job and its sites dispatched again; nodes that want credentials; a node running other
code. Nothing is mocked: the daemons, the crawls and the portals are real processes."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govarchive.fleet.client import ScrapydNode
from govarchive.fleet.egg import build_egg, copy_project
from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.process import SamplePortalProcess
from tests.conftest import TESTED_PROFILES, run_cli
from tests.scrapydnode import Daemons

FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
        "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]  # fmt: skip
PASSWORD = "fleet-Pa55word-7f3e9"
REPO = Path(__file__).resolve().parent.parent
FROZEN: Path | None = None


@pytest.fixture(scope="session", autouse=True)
def frozen_checkout(tmp_path_factory):
    """This checkout's code as the session began: the fleet commands, and the eggs they build,
    run from this copy, so an edit made meanwhile in the checkout cannot change the version
    between a deploy and a dispatch (it would, rightly, be refused)."""
    global FROZEN
    FROZEN = copy_project(REPO, tmp_path_factory.mktemp("frozen") / "src")
    yield FROZEN
    FROZEN = None


def checkout_version() -> str:
    """The version `fleet deploy` from the frozen copy deploys."""
    code = "from govarchive.fleet.egg import build_egg; print(build_egg().version)"
    out = subprocess.run([sys.executable, "-c", code], cwd=FROZEN, env=_env({}),
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def _env(extra: dict[str, str], archive: Path | None = None) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GOVARCHIVE_", "NETRC"))}
    clean["PYTHONPATH"] = str(FROZEN)
    if archive is not None:  # the tester's own ~/.netrc stays out
        clean["NETRC"] = str(archive.parent / "no-netrc")
    return {**clean, **extra}


@pytest.fixture
def daemons(tmp_path):
    started = Daemons(tmp_path)
    yield started
    started.stop_all()


def fleet(archive: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 240):
    """`govarchive fleet ...` as a user runs it (from the frozen copy), with only the
    credentials `env` gives."""
    return subprocess.run(
        [sys.executable, "-m", "govarchive", "fleet", *args, "--archive", str(archive)],
        capture_output=True, text=True, timeout=timeout, cwd=FROZEN, env=_env(env or {}, archive),
    )  # fmt: skip


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """An expected failure: non-zero, one line on stderr, no traceback."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def register(archive: Path, sites) -> None:
    for site in sites:
        ok(run_cli("sites", "add", site.profile.key, site.home_url(), "--archive", str(archive)))


def status(archive: Path, env: dict[str, str] | None = None) -> dict:
    return json.loads(ok(fleet(archive, "status", "--format", "json", env=env)))


def wait_finished(archive: Path, names: set[str], env=None, deadline: float = 240) -> dict:
    """Poll `fleet status` until every named site's latest job has finished."""
    end = time.monotonic() + deadline
    while True:
        now = status(archive, env)
        states = {s["site"]: s["state"] for s in now["sites"]}
        if {states.get(n) for n in names} == {"finished"}:
            return now
        assert not {"lost", "cut off", "cancelled"} & set(states.values()), now
        assert time.monotonic() < end, now
        time.sleep(0.5)


def assert_gold_once(archive: Path, sites) -> None:
    con = sqlite3.connect(f"file:{archive / 'archive.db'}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT s.host, a.article_key FROM articles a JOIN sites s ON s.id = a.site_id"
        ).fetchall()
    finally:
        con.close()
    for site in sites:
        host = site.base.split("://", 1)[1]
        keys = [k for h, k in rows if h == host]
        gold = sorted(g["key"] for g in gold_articles(site))
        assert sorted(keys) == gold, (site.profile.key, set(keys) ^ set(gold))
    assert len(rows) == sum(len(gold_articles(s)) for s in sites)
    check = run_cli("verify", "--archive", str(archive))
    assert check.returncode == 0, check.stdout + check.stderr


def merge(archive: Path, shards: list[str]) -> str:
    result = run_cli("merge", *shards, "--archive", str(archive), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def add_nodes(archive: Path, tmp_path: Path, daemons: Daemons, names: list[str]) -> dict:
    nodes = {}
    for name in names:
        daemon = daemons.start(name)
        ok(fleet(archive, "add", name, daemon.url, "--shards", str(tmp_path / f"shards-{name}")))
        nodes[name] = daemon
    return nodes


def test_dispatch_across_two_nodes_then_merge_holds_every_article_once(
    sample_portal, daemons, tmp_path
):
    archive = tmp_path / "central"
    sites = sample_portal.sites
    register(archive, sites)
    add_nodes(archive, tmp_path, daemons, ["a", "b"])
    deployed = ok(fleet(archive, "deploy"))
    version = checkout_version()
    assert f"node a: govarchive {version} deployed" in deployed
    assert f"node b: govarchive {version} deployed" in deployed
    listed = json.loads(ok(fleet(archive, "list", "--format", "json")))
    assert [(n["name"], n["status"], n["version"]) for n in listed] == [
        ("a", "ok", version), ("b", "ok", version)
    ]  # fmt: skip

    sent = ok(fleet(archive, "dispatch", *FAST))
    # never crawled, so by name; each to the node with the fewest jobs, ties by name
    assert re.findall(r"^(\w+): dispatched to node (\w)", sent, re.M) == [
        ("bacha", "a"), ("laocai", "b"), ("sapa", "a")
    ]  # fmt: skip
    again = ok(fleet(archive, "dispatch", *FAST, "bacha"))  # still pending or running
    assert re.search(r"bacha: already (pending|running) on node a", again), again

    done = wait_finished(archive, {s.profile.key for s in sites})
    shards = [s["shard"] for s in done["sites"]]
    assert shards == [str(tmp_path / p) for p in
                      ("shards-a/bacha", "shards-b/laocai", "shards-a/sapa")]  # fmt: skip
    assert all(s["version"] == version for s in done["sites"])
    merge(archive, shards)
    assert_gold_once(archive, sites)
    con = sqlite3.connect(f"file:{archive / 'archive.db'}?mode=ro", uri=True)
    try:
        triggers = {r[0] for r in con.execute("SELECT trigger FROM crawls")}
    finally:
        con.close()
    assert triggers == {"fleet"}


def test_a_node_killed_mid_job_its_sites_go_to_the_other_and_the_merge_is_exact(daemons, tmp_path):
    archive = tmp_path / "central"
    with SamplePortalProcess(TESTED_PROFILES, delay=0.2) as portal:  # slow: the kill lands mid-job
        register(archive, portal.sites)
        nodes = add_nodes(archive, tmp_path, daemons, ["a", "b"])
        ok(fleet(archive, "deploy"))
        sent = ok(fleet(archive, "dispatch", *FAST))
        assert re.findall(r"^(\w+): dispatched to node (\w)", sent, re.M) == [
            ("bacha", "a"), ("laocai", "b"), ("sapa", "a")
        ]  # fmt: skip
        first = tmp_path / "shards-a" / "bacha" / "archive.db"
        end = time.monotonic() + 120
        while _articles(first) == 0:  # mid-job: the shard has begun to fill
            assert time.monotonic() < end, status(archive)
            time.sleep(0.1)
        nodes["a"].kill()

        after = status(archive)
        node_a = next(n for n in after["nodes"] if n["name"] == "a")
        assert not node_a["up"] and "connection refused" in node_a["error"], after
        states = {s["site"]: (s["state"], s["detail"]) for s in after["sites"]}
        assert states["bacha"] == ("lost", "node a: node down"), after
        assert states["sapa"] == ("lost", "node a: node down"), after
        text = ok(fleet(archive, "status"))
        assert "node a (" in text and "DOWN" in text
        assert "bacha: lost: node a: node down" in text

        resent = ok(fleet(archive, "dispatch", *FAST))
        assert "node a: skipped, does not answer (connection refused)" in resent
        for site in ("bacha", "sapa"):
            assert re.search(
                rf"^{site}: job {site}-1 was lost \(node a: node down\); dispatched again to "
                rf"node b as job {site}-2", resent, re.M,
            ), resent  # fmt: skip
        names = {s.profile.key for s in portal.sites}
        done = wait_finished(archive, names, deadline=300)
        assert {s["node"] for s in done["sites"]} == {"b"}
        # every shard, the killed node's cut-off ones too: their crawls wait, nothing doubles
        shards = sorted(str(p) for p in tmp_path.glob("shards-*/*") if (p / "archive.db").is_file())
        assert str(tmp_path / "shards-a" / "bacha") in shards
        merged = merge(archive, shards)
        assert merged.count("waiting: crawl 1 ") == 2, merged  # a's two cut-off crawls
        assert_gold_once(archive, portal.sites)


def _articles(db: Path) -> int:
    if not db.is_file():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:  # not created yet, or being created
        return 0


def test_a_node_that_wants_credentials(sample_portal, daemons, tmp_path):
    archive = tmp_path / "central"
    site = sample_portal.sites[0]
    register(archive, [site])
    node = daemons.start("c", username="fleetuser", password=PASSWORD)
    ok(fleet(archive, "add", "c", node.url, "--shards", str(tmp_path / "shards-c")))
    outputs = []

    for action in (["list"], ["deploy"], ["dispatch"], ["status"]):
        refused = fleet(archive, *action)
        line = one_line_error(refused)
        assert f"node c ({node.url}): asks for credentials (HTTP 401)" in line, line
        assert "GOVARCHIVE_FLEET_C_USERNAME/PASSWORD" in line
        outputs.append(refused.stdout + refused.stderr)

    wrong = {"GOVARCHIVE_FLEET_USERNAME": "fleetuser", "GOVARCHIVE_FLEET_PASSWORD": "nope"}
    line = one_line_error(fleet(archive, "list", env=wrong))
    assert "refused the credentials from GOVARCHIVE_FLEET_USERNAME/PASSWORD (HTTP 401)" in line

    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login fleetuser password {PASSWORD}\n")
    netrc.chmod(0o600)
    listed = fleet(archive, "list", "--format", "json", env={"NETRC": str(netrc)})
    assert json.loads(ok(listed))[0]["status"] == "ok"
    outputs.append(listed.stdout + listed.stderr)

    env = {"GOVARCHIVE_FLEET_C_USERNAME": "fleetuser", "GOVARCHIVE_FLEET_C_PASSWORD": PASSWORD}
    for action in (["deploy"], ["dispatch", *FAST], ["list"], ["status"]):
        result = fleet(archive, *action, env=env)
        ok(result)
        outputs.append(result.stdout + result.stderr)
    done = wait_finished(archive, {site.profile.key}, env=env)
    outputs.append(json.dumps(done))

    refused = fleet(archive, "add", "d", f"http://fleetuser:{PASSWORD}@127.0.0.1:1")
    assert "must not carry a user or password" in one_line_error(refused)
    outputs.append(refused.stdout + refused.stderr)

    for text in outputs:
        assert PASSWORD not in text
    stored = b"".join(p.read_bytes() for p in archive.glob("archive.db*"))
    assert b"fleetuser" not in stored and PASSWORD.encode() not in stored


def test_a_node_running_other_code_is_refused_until_deployed(sample_portal, daemons, tmp_path):
    archive = tmp_path / "central"
    site = sample_portal.sites[0]
    register(archive, [site])
    node = daemons.start("d")
    ok(fleet(archive, "add", "d", node.url, "--shards", str(tmp_path / "shards-d")))
    ScrapydNode("d", node.url).add_version("0_0_9-gold", build_egg().data)  # an older deploy

    line = one_line_error(fleet(archive, "dispatch"))
    assert line == (
        f"govarchive: error: node d runs govarchive 0_0_9-gold, this checkout is {checkout_version()}: "
        "run `govarchive fleet deploy`"
    )
    assert status(archive)["sites"] == []  # nothing was sent

    ok(fleet(archive, "deploy"))
    # a slow job, so that it is still pending or running when cancelled
    ok(fleet(archive, "dispatch", "--set", "DOWNLOAD_DELAY=5"))
    cancelled = ok(fleet(archive, "cancel", site.profile.key))
    assert re.search(r"job \w+-1 on node d cancelled \(it was (pending|running)\)", cancelled)
    assert status(archive)["sites"][0]["state"] == "cancelled"
    line = one_line_error(fleet(archive, "cancel", site.profile.key))
    assert "is cancelled, not pending or running; nothing to cancel" in line


def test_the_scheduler_with_fleet_sends_due_crawls_to_the_nodes(sample_portal, daemons, tmp_path):
    archive = tmp_path / "central"
    site = sample_portal.sites[0]
    name = site.profile.key
    added = run_cli("sites", "add", name, site.home_url(), "--delay", "0", "--concurrency", "8",
                    "--archive", str(archive))  # fmt: skip
    assert added.returncode == 0, added.stderr
    node = daemons.start("e")
    ok(fleet(archive, "add", "e", node.url, "--shards", str(tmp_path / "shards-e")))
    ok(fleet(archive, "deploy"))
    scheduled = run_cli(
        "schedule", "add", name, "--cron", "* * * * * */2", "--archive", str(archive)
    )
    assert scheduled.returncode == 0, scheduled.stderr
    out = tmp_path / "scheduler.txt"
    with out.open("w") as sink:
        scheduler = subprocess.Popen(
            [sys.executable, "-m", "govarchive", "scheduler", "--fleet", "--poll", "0.5",
             "--archive", str(archive)],
            cwd=FROZEN, env=_env({}, archive), stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:  # stopped once it has sent the run: later triggers would send more
            end = time.monotonic() + 120
            while f"dispatched to node e as job {name}-1" not in out.read_text():
                assert scheduler.poll() is None and time.monotonic() < end, out.read_text()
                time.sleep(0.2)
        finally:
            scheduler.terminate()
            scheduler.wait(30)
    assert scheduler.returncode == 0, out.read_text()
    done = wait_finished(archive, {name})
    job = done["sites"][0]
    assert (job["job"], job["node"], job["trigger"]) == (f"{name}-1", "e", "schedule"), job
    text = out.read_text()
    assert f"{name}: dispatched to node e as job {name}-1" in text, text
    assert "Traceback" not in text


def test_a_job_gets_the_sites_politeness_host_rules_and_selectors(tmp_path):
    """What `crawl NAME` here would run with reaches the node as Scrapyd `setting=` values,
    which the node's Scrapy reads back (as `scrapy crawl -s` does)."""
    from scrapy.settings import Settings

    from archive.db import open_database
    from archive.folder import ArchiveFolder
    from archive.sites import add_site, make_profile
    from crawler.spiders.vnpt import site_profiles
    from govarchive.fleet.dispatch import job_settings

    archive = tmp_path / "central"
    ok(run_cli("hosts", "set", "storage-vnportal.vnpt.vn", "--concurrency", "3",
               "--archive", str(archive)))  # fmt: skip
    db = open_database(ArchiveFolder.prepare(archive).db_path)
    try:
        site, _ = add_site(db, "sxd", "https://sxd.laocai.gov.vn/",
                           profile=make_profile(delay=2.5, concurrency=1))  # fmt: skip
    finally:
        db.close()
    (archive / "site-profiles.toml").write_text('["sxd.laocai.gov.vn"]\nbody = "div.noidung"\n')
    pairs = job_settings(ArchiveFolder(archive), site, "/srv/shards/sxd", {"X_EXTRA": "1"}, "fleet")
    values = dict(p.split("=", 1) for p in pairs)
    assert "GOVARCHIVE_MAX_PAGES" not in values  # a local run's default is not sent...
    shared = job_settings(ArchiveFolder(archive), site, "/s/sxd", {}, "fleet", sharing=4)
    slots = json.loads(dict(p.split("=", 1) for p in shared)["DOWNLOAD_SLOTS"])
    # 4 jobs at once share the storage host's 3 connections: one each; the portal is its own
    assert slots["storage-vnportal.vnpt.vn"]["concurrency"] == 1
    assert slots["sxd.laocai.gov.vn"] == {"delay": 2.5, "concurrency": 1}
    capped = job_settings(
        ArchiveFolder(archive), site, "/srv/shards/sxd", {"GOVARCHIVE_MAX_PAGES": "300"}, "fleet"
    )  # ...what the operator sets is (an hourly pass capped at 300 pages a portal)
    assert "GOVARCHIVE_MAX_PAGES=300" in capped
    assert values["GOVARCHIVE_ARCHIVE"] == "/srv/shards/sxd"
    assert values["GOVARCHIVE_RESUME"] == "True" and values["GOVARCHIVE_TRIGGER"] == "fleet"
    assert values["X_EXTRA"] == "1"
    assert "LOG_FILE" not in values and "GOVARCHIVE_PROGRESS" not in values
    node = Settings()
    node.setmodule("crawler.settings", priority="project")
    node.setdict(values, priority="cmdline")
    assert node.getfloat("DOWNLOAD_DELAY") == 2.5
    slots = node.getdict("DOWNLOAD_SLOTS")
    assert slots["sxd.laocai.gov.vn"]["delay"] == 2.5
    assert slots["sxd.laocai.gov.vn"]["concurrency"] == 1
    assert slots["storage-vnportal.vnpt.vn"]["concurrency"] == 3
    assert node.getint("CONCURRENT_REQUESTS") >= 16
    assert site_profiles(node)["sxd.laocai.gov.vn"].body == "div.noidung"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["add", "Node A", "http://127.0.0.1:6800"], "not a node name"),
        (["add", "a", "127.0.0.1:6800"], "not a Scrapyd URL"),
        (["add", "a", "http://u:secret@127.0.0.1:6800"], "must not carry a user or password"),
        (["dispatch", "--set", "DOWNLOAD_DELAY"], "--set needs NAME=VALUE"),
    ],
)
def test_bad_fleet_arguments_one_line(args, says, tmp_path):
    result = fleet(tmp_path / "central", *args)
    assert result.returncode == 2
    line = one_line_error(result)
    assert says in line and "secret" not in line


def test_fleet_commands_before_any_node_say_what_to_do(tmp_path):
    archive = tmp_path / "central"
    ok(run_cli("sites", "add", "x", "http://127.0.0.1:9/", "--archive", str(archive)))
    for action in (["deploy"], ["dispatch"]):
        assert "fleet add NAME URL" in one_line_error(fleet(archive, *action))
    assert "was never dispatched" in one_line_error(fleet(archive, "cancel", "x"))
    assert "no node named" in one_line_error(fleet(archive, "remove", "a"))
    assert json.loads(ok(fleet(archive, "status", "--format", "json"))) == {
        "nodes": [],
        "sites": [],
    }


def test_a_site_goes_back_to_the_node_holding_its_shard_unless_that_node_is_much_busier():
    """Its re-crawl there is incremental; elsewhere it would store every payload again."""
    from archive.fleet import Node
    from govarchive.fleet.client import ScrapydNode
    from govarchive.fleet.dispatch import HOME_SLACK, NodeState, _place

    up = [
        NodeState(Node(n, f"http://127.0.0.1:{p}", "/srv/shards", ""),
                  ScrapydNode.for_node(n, f"http://127.0.0.1:{p}"))
        for n, p in (("a", 6801), ("b", 6802))
    ]  # fmt: skip
    assert _place(up, {"a": 0, "b": 0}, None).node.name == "a"  # a tie: by name
    assert _place(up, {"a": 1, "b": 0}, None).node.name == "b"  # the least busy
    assert _place(up, {"a": 0, "b": HOME_SLACK}, "b").node.name == "b"  # home, busy enough
    assert _place(up, {"a": 0, "b": HOME_SLACK + 1}, "b").node.name == "a"  # home too busy
    assert _place(up, {"a": 1, "b": 0}, "gone").node.name == "b"  # home not answering


def test_a_job_refuses_to_run_an_installed_govarchive_instead_of_its_egg(tmp_path):
    """Scrapyd appends the egg to the import path: a regular install on the node would win."""
    from crawler.code_source import egg_problem

    egg = tmp_path / "eggs" / "govarchive-0_1_0-gabc.egg"
    inside = str(egg / "crawler" / "__init__.py")
    installed = str(tmp_path / "site-packages" / "crawler" / "__init__.py")
    path = [str(tmp_path / "site-packages"), str(egg)]
    assert egg_problem(inside, path, "govarchive") is None
    assert egg_problem(installed, path, None) is None  # a local crawl runs the checkout
    assert egg_problem(installed, [str(tmp_path / "site-packages")], "govarchive") is None
    problem = egg_problem(installed, path, "govarchive")
    assert problem and "not from the deployed egg" in problem and "pip uninstall" in problem
