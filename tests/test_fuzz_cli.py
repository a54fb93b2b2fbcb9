"""No input gives a traceback: every command driven with generated arguments (Hypothesis).

Each example calls `govarchive.cli.main(argv)` in-process (a subprocess per example would take
minutes) and must end with exit 0, 1 or 2, never an exception, and a failure must say why in one
`govarchive: error:` line. The commands run against a copy of the crawled sample archive. Crawls
never reach the network in-process (the Scrapy run is stubbed after every check has passed); a few
real crawls, as subprocesses, go to closed ports on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crawler.run import CrawlReport
from govarchive.cli import main
from tests.conftest import run_cli

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What a shell can pass: any text but NUL (argv cannot hold it) and lone surrogates.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
ODD = st.sampled_from(
    ["", " ", "-", "--", "'", '"', "[", "]", "[/]", "[bold]", "%s", "{}", "\\", "..", "*", "đ",
     "Nghị quyết", "\u202e", "\t\n", "😀", "' OR 1=1 --", "NULL", "0", "-1", "9" * 30]
)  # fmt: skip
WORDS = st.one_of(TEXT, ODD)
DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z"),
    st.from_regex(r"\A-?\d{1,6}-\d{1,3}-\d{1,3}\Z"),
    WORDS,
)
HOSTS = st.sampled_from(
    ["127.0.0.1", "[::1", "[::1]", "[", "]", "", "xn--", "a..b", "-", "127.0.0.1:99999",
     "127.0.0.1:-1", "127.0.0.1:", "127.0.0.1:http", "user@127.0.0.1", "đ.vn", "%00"]
)  # fmt: skip
URLS = st.one_of(
    WORDS,
    st.builds(
        lambda scheme, host, path: f"{scheme}{host}{path}",
        st.sampled_from(["http://", "https://", "ftp://", "http:/", "http:", "//", "HTTP://", ""]),
        HOSTS,
        st.one_of(st.just("/"), WORDS.map(lambda p: "/" + p)),
    ),
)
CRON_PARTS = st.sampled_from(
    ["*", "*/5", "0", "59", "60", "24", "31", "32", "1-5", "5-1", "1,2", "MON", "JAN", "L", "W",
     "#", "?", "0/0", "*/0", "-", ",", "99999999999999999999", "@daily", "@reboot", "1#2"]
)  # fmt: skip
CRONS = st.one_of(st.lists(CRON_PARTS, min_size=0, max_size=7).map(" ".join), WORDS)
NAMES = st.one_of(st.from_regex(r"\A[a-z0-9._-]{1,70}\Z"), WORDS)
FTS = st.one_of(
    st.lists(
        st.one_of(
            WORDS,
            st.sampled_from(
                [
                    "AND",
                    "OR",
                    "NOT",
                    "NEAR",
                    "NEAR(",
                    "(",
                    ")",
                    '"',
                    "*",
                    "^",
                    ":",
                    "title:",
                    "body:x",
                    "foo:bar",
                    "{title body}:",
                    "-",
                    "+",
                    "xã",
                ]
            ),
        ),  # fmt: skip
        max_size=6,
    ).map(" ".join),
    WORDS,
)
SQL = st.one_of(
    WORDS,
    st.builds(
        "SELECT {} AS v".format,
        st.sampled_from(
            [
                "x'00ff'",
                "'[/]'",
                "'[bold]x'",
                "1e999",
                "-9223372036854775808",
                "zeroblob(3)",
                "abs(-9223372036854775808)",
                "char(0)",
                "cast(x'ff' as text)",
                "NULL",
                "'đ'",
                "load_extension('x')",
                "randomblob(2)",
                "1/0",
                "json('{')",
                "?",
            ]
        ),
    ),  # fmt: skip
    st.sampled_from(
        [
            "SELECT * FROM articles LIMIT 2",
            "PRAGMA table_info(articles)",
            "BEGIN",
            "COMMIT",
            "SELECT 1; SELECT 2",
            "ATTACH 'x.db' AS x",
            "VACUUM",
            "PRAGMA journal_mode=delete",
            "DELETE FROM articles",
            "EXPLAIN SELECT 1",
            "",
            ";",
            "-- only a comment",
        ]
    ),  # fmt: skip
)
FORMATS = st.sampled_from(["table", "json", "csv"])


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def call(argv: list[str]) -> Outcome:
    """`govarchive ARGV` in-process; any exception escaping `main` is the bug we look for."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: --help, bad arguments
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return Outcome(code, out.getvalue(), err.getvalue())


def clean(result: Outcome, argv: list[str]) -> Outcome:
    assert result.code in (0, 1, 2), (argv, result)
    assert "Traceback" not in result.err + result.out, (argv, result.err)
    errors = [line for line in result.err.splitlines() if line.startswith("govarchive: error:")]
    if result.code:
        lines = [line for line in result.err.splitlines() if line.strip()]
        assert len(errors) == 1 and len(lines) == 1, (argv, result.err)
    else:
        assert not errors, (argv, result.err)
    return result


def run(*argv: str) -> Outcome:
    return clean(call(list(argv)), list(argv))


@pytest.fixture(scope="module")
def archive(crawled, tmp_path_factory) -> Path:
    """A copy of the crawled archive: fuzzed `sites add` and `schedule add` may change it."""
    copy = tmp_path_factory.mktemp("fuzz") / "archive [/] đ 'x'"  # odd characters in its path too
    shutil.copytree(crawled.archive, copy, ignore=shutil.ignore_patterns(".lock"))
    return copy


@pytest.fixture(scope="module")
def outdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-out")


@pytest.fixture
def no_scrapy():
    """The crawl stops where Scrapy would start: every check before it runs for real."""
    seen: list[list[str]] = []

    def fake_run(folder, urls, settings, log_file, max_pages):
        seen.append(urls)
        return CrawlReport(archive=folder.root, finish_reason="finished")

    with mock.patch("crawler.run._run", fake_run):
        yield seen


def _out_path(root: Path, name: str) -> str:
    """A path under `root` with odd characters, never climbing out of it."""
    return str(root / ("o" + name.replace("..", "__").replace("\x00", "")))


@FUZZ
@given(urls=st.lists(URLS, min_size=1, max_size=3), max_pages=st.sampled_from(["0", "1", "x"]))
@example(urls=["http://[::1"], max_pages="1")
@example(urls=["http://127.0.0.1:99999/"], max_pages="1")
def test_crawl_arguments(archive, no_scrapy, urls, max_pages):
    result = run("crawl", *urls, "--max-pages", max_pages, "--archive", str(archive))
    for started in no_scrapy:  # whatever got through the checks is a well-formed URL
        assert all(u.lower().startswith(("http://", "https://")) for u in started)
    no_scrapy.clear()
    if result.code == 0:
        assert max_pages != "x"


@FUZZ
@given(query=FTS, site=st.one_of(st.none(), WORDS), since=st.one_of(st.none(), DATES),
       until=st.one_of(st.none(), DATES), category=st.one_of(st.none(), WORDS), fmt=FORMATS)  # fmt: skip
@example(query="foo:bar", site=None, since=None, until=None, category=None, fmt="table")
@example(query="[/]", site=None, since=None, until=None, category=None, fmt="table")
def test_search(archive, query, site, since, until, category, fmt):
    argv = ["search", query, "--archive", str(archive), "--format", fmt]
    for flag, value in (("--site", site), ("--since", since), ("--until", until),
                        ("--category", category)):  # fmt: skip
        if value is not None:
            argv += [f"{flag}={value}"]
    run(*argv)


@FUZZ
@given(statement=SQL, fmt=FORMATS)
@example(statement="SELECT x'00ff' AS v", fmt="json")
@example(statement="SELECT '[/]' AS v", fmt="table")
def test_sql(archive, statement, fmt):
    before = sorted(p.name for p in archive.iterdir())
    run("sql", statement, "--archive", str(archive), "--format", fmt)
    after = sorted(p.name for p in archive.iterdir())
    assert set(after) - {"archive.db-wal", "archive.db-shm"} <= set(before)


@FUZZ
@given(name=NAMES, url=URLS, cron=CRONS, with_url=st.booleans())
@example(name="laocai", url="http://[::1", cron="0 2 * * *", with_url=True)
@example(name="laocai", url="http://127.0.0.1:9/", cron="*/0 * * * *", with_url=True)
def test_schedule_add(archive, name, url, cron, with_url):
    argv = ["schedule", "add", name, *([url] if with_url else []), "--cron", cron]
    run(*argv, "--archive", str(archive))


@FUZZ
@given(name=NAMES, url=URLS, title=WORDS, start=st.lists(URLS, max_size=2),
       delay=st.sampled_from(["0", "1.5", "-1", "nan", "inf", "1e999", "x"]))  # fmt: skip
@example(name="x", url="http://[::1", title="", start=[], delay="0")
def test_sites_add_list_remove(archive, name, url, title, start, delay):
    extra = [f"--start-url={u}" for u in start]
    run("sites", "add", name, url, f"--title={title}", "--delay", delay, *extra,
        "--archive", str(archive))  # fmt: skip
    run("sites", "list", "--all", "--format", "json", "--archive", str(archive))
    run("sites", "remove", name, "--archive", str(archive))


@FUZZ
@given(fmt=st.sampled_from(["jsonl", "csv", "parquet"]), name=TEXT, since=st.one_of(st.none(), DATES),
       until=st.one_of(st.none(), DATES), query=st.one_of(st.none(), FTS),
       fields=st.one_of(st.none(), WORDS), partition=st.sampled_from(["", "site", "year", "x", "site,year,site"]))  # fmt: skip
def test_export(archive, outdir, fmt, name, since, until, query, fields, partition):
    argv = ["export", "--format", fmt, "--out", _out_path(outdir, name), "--archive", str(archive)]
    for flag, value in (("--since", since), ("--until", until), ("--query", query),
                        ("--fields", fields), ("--partition-by", partition)):  # fmt: skip
        if value is not None:
            argv.append(f"{flag}={value}")
    run(*argv, "--force")
    assert not [p for p in outdir.iterdir() if ".partial-" in p.name], (
        "a failed export leaves nothing"
    )


@settings(FUZZ, max_examples=25)
@given(name=TEXT, site=st.one_of(st.none(), WORDS), since=st.one_of(st.none(), DATES),
       until=st.one_of(st.none(), DATES))  # fmt: skip
def test_wacz(archive, outdir, name, site, since, until):
    argv = ["wacz", "--out", _out_path(outdir, name) + ".wacz", "--archive", str(archive)]
    for flag, value in (("--site", site), ("--since", since), ("--until", until)):
        if value is not None:
            argv.append(f"{flag}={value}")
    run(*argv, "--force")


@FUZZ
@given(crawl_id=st.one_of(st.integers(min_value=-5, max_value=10).map(str),
                          st.sampled_from(["9" * 25, "1e3", "０", "١", "0x1"]), WORDS),
       url=URLS, fmt=st.sampled_from(["text", "json"]), site=st.one_of(st.none(), WORDS))  # fmt: skip
@example(crawl_id="9" * 25, url="http://[::1", fmt="text", site=None)
@example(crawl_id="١", url="", fmt="json", site=None)
def test_report_history_crawls(archive, crawl_id, url, fmt, site):
    run("report", crawl_id, "--format", fmt, "--archive", str(archive))
    run("history", url, "--archive", str(archive))
    run("crawls", *([f"--site={site}"] if site is not None else []), "--archive", str(archive))


@FUZZ
@given(url=URLS, fmt=st.sampled_from(["text", "json"]))
@example(url="http://[::1", fmt="text")
def test_inspect_from_archive(archive, url, fmt):
    """--from-archive only: a generated URL is never fetched."""
    run("inspect", url, "--from-archive", "--format", fmt, "--archive", str(archive))


ANY_ARGS = st.lists(
    st.one_of(
        WORDS,
        st.sampled_from(
            [
                "--format",
                "--site",
                "--since",
                "--until",
                "--limit",
                "--out",
                "--force",
                "--all",
                "--rebuild",
                "--repair",
                "--cron",
                "--full",
                "--help",
                "-h",
                "--archive",
                "--query",
                "--fields",
                "--include",
                "--excel",
                "json",
            ]
        ),
    ),  # fmt: skip
    max_size=5,
)
QUICK = [
    "search",
    "sql",
    "history",
    "sites",
    "schedule",
    "crawls",
    "report",
    "index",
    "verify",
    "export",
    "wacz",
    "resume",
    "crawl",
]  # fmt: skip  (serve, scheduler, demo, sample-portal run on)


@settings(FUZZ, max_examples=60)
@given(command=st.sampled_from(QUICK), args=ANY_ARGS)
def test_any_arguments_to_any_command(archive, outdir, no_scrapy, command, args):
    """Flags and values in any order; --archive and --out are pinned so nothing leaves tmp."""
    args = [a for a in args if a not in ("--archive", "--out")]
    with contextlib.chdir(outdir):  # a relative --out or FILE.wacz lands here
        run(command, *args, "--archive", str(archive))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@settings(FUZZ, max_examples=4)
@given(path=st.one_of(WORDS, st.just("[::1]"), st.just("%zz")))
def test_real_crawl_of_nothing(tmp_path_factory, path):
    """A few real crawls (subprocesses) of generated paths on a closed loopback port."""
    url = f"http://127.0.0.1:{_closed_port()}/{path.lstrip('/')}"
    archive = tmp_path_factory.mktemp("nothing")
    result = run_cli("crawl", url, "--archive", str(archive), "--delay", "0", "--max-pages", "1",
                     "--set", "GOVARCHIVE_BACKOFF_BASE=0.01", "--set", "RETRY_TIMES=0", timeout=60)  # fmt: skip
    assert result.returncode in (1, 2), result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("govarchive: error:")]
    assert len(errors) == 1, result.stderr  # besides the progress line
