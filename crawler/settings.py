"""Scrapy settings for govarchive. Polite by default; the CLI's --delay/--concurrency override."""

import os

from archive.folder import DEFAULT_ARCHIVE_DIR, ENV_VAR
from crawler.identity import DEFAULT_CONTACT, user_agent

BOT_NAME = "govarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Who we are, and how to reach us: portal operators read this in their logs.
GOVARCHIVE_CONTACT = os.environ.get("GOVARCHIVE_CONTACT", DEFAULT_CONTACT)
USER_AGENT = user_agent(GOVARCHIVE_CONTACT)

# Being a good guest on small public servers.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
GOVARCHIVE_BACKOFF_BASE = 2.0  # seconds before the first retry; doubles each time
GOVARCHIVE_BACKOFF_MAX = 300.0  # never wait longer, whatever Retry-After says
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 256 * 1024 * 1024
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.duplicate_article.DuplicateArticleMiddleware": 60,
    "crawler.middlewares.backoff.NotBeforeMiddleware": 70,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.backoff.BackoffRetryMiddleware": 550,
    "crawler.middlewares.conditional.ConditionalRequestMiddleware": 930,
    "crawler.middlewares.replay.ReplayMiddleware": 940,
    "crawler.middlewares.warc_capture.WarcCaptureMiddleware": 950,
    "crawler.middlewares.robots_tap.RobotsTapMiddleware": 580,  # sees bodies decompressed
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.frontier.FrontierMiddleware": 50,
}
ITEM_PIPELINES = {
    "crawler.pipelines.clean.CleanArticlePipeline": 100,
    "crawler.pipelines.normalize.NormalizeTextPipeline": 200,
    "crawler.pipelines.store.StorePipeline": 300,
}
EXTENSIONS = {
    "crawler.extensions.archive_run.ArchiveRun": 100,
    "crawler.extensions.files_process.FilesProcess": 110,
    "crawler.extensions.progress.ProgressLine": 500,
    # AutoThrottle's pacing with each host's own floor (its delay, its robots.txt Crawl-delay)
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.extensions.throttle.PoliteThrottle": 0,
}
# Many hosts in one run (a province's portals, a shared storage host): the scheduler hands out
# requests for the hosts with the fewest downloads under way, so a slow or paced host's queue
# never takes the run's concurrency from the others (crawler/politeness.py sets that per run).
SCHEDULER_PRIORITY_QUEUE = "crawler.queues.ConnectionAwarePriorityQueue"

# The archive.
GOVARCHIVE_ARCHIVE = os.environ.get(ENV_VAR, DEFAULT_ARCHIVE_DIR)
GOVARCHIVE_WARC_MAX_SIZE = 1_000_000_000
# Commit the crawl's database writes together at most this often (seconds); 0 commits each one.
# A kill loses at most this much work, which resume fetches again. Crawl workers use 0.
GOVARCHIVE_COMMIT_INTERVAL = 0.5
# fsync the open WARC file before each commit, so no committed row points at bytes a power cut
# could take back (docs/robustness.md). Only benchmarks turn it off.
GOVARCHIVE_WARC_FSYNC = True
GOVARCHIVE_WARC_SYNC_LOG = ""  # test hook: a file to log each WARC file's length at each fsync
# Our item pipelines are synchronous: Scrapy's default of 100 parallel item slots per response
# only costs 100 asyncio tasks per page (about a quarter of a pages-only crawl's CPU).
CONCURRENT_ITEMS = 1
GOVARCHIVE_MAX_PAGES = 0  # per portal; 0 = no limit
GOVARCHIVE_BARREN_CHAIN = 5  # stop following links after this many pages in a row gave nothing new
GOVARCHIVE_MAX_PER_PATTERN = 2000  # pages per URL pattern (digits as N): a bound on any trap
GOVARCHIVE_BARREN_PER_PATTERN = 40  # links per URL pattern taken from pages that gave nothing new
DEPTH_LIMIT = 60
# Pages read (page test, extractor, identity) in this many worker processes while the crawl's
# own process fetches and writes (crawler/offload.py); 0: read in the crawl's process.
GOVARCHIVE_EXTRACT_WORKERS = 0
GOVARCHIVE_FETCH_ASSETS = True  # fetch and archive each article's images and attachments
# Files on hosts that serve no page of the run (a portal's storage host) fetched by a process of
# their own, straight to WARC (crawler/files); False: by Scrapy in the crawl's process.
GOVARCHIVE_FILES_PROCESS = True
GOVARCHIVE_FULL = False  # refetch everything: no conditional requests (crawl --full)
# Files (images, fonts, documents; not CSS or scripts) the archive fetched fewer days ago are
# not asked for again by a re-crawl: uploads keep their URL for life, and one storage host
# serves every VNPT portal's (docs/fleet.md). 0: asked again (conditionally). --full: always.
GOVARCHIVE_ASSET_RECHECK_DAYS = 30
GOVARCHIVE_DEDUP = True  # payloads already archived are written as revisit records
GOVARCHIVE_TRIGGER = "manual"  # or "schedule": what started the crawl, for its crawls row
GOVARCHIVE_RESUME = False  # continue each site's cut-off crawl instead of starting a new one
GOVARCHIVE_PROGRESS = False
GOVARCHIVE_OPERATOR = ""
GOVARCHIVE_SITE_PROFILES = ""  # TOML of per-site selectors; default DIR/site-profiles.toml
GOVARCHIVE_SITE_PROFILES_TEXT = ""  # that TOML itself (fleet jobs: the node has no file)
GOVARCHIVE_CLOCK = None  # callable or "module:attr" returning aware UTC datetimes
GOVARCHIVE_RECORD_IDS = None  # callable or "module:attr" returning "<urn:uuid:...>" ids

# The dataset exporters as feeds: FEEDS={"articles.parquet": {"format": "articles-parquet"}}.
FEED_EXPORTERS = {
    "articles-jsonl": "exports.feed.ArticleJsonlExporter",
    "articles-csv": "exports.feed.ArticleCsvExporter",
    "articles-parquet": "exports.feed.ArticleParquetExporter",
}

LOG_LEVEL = "INFO"
# No "Crawled"/"Scraped from" DEBUG records built when LOG_LEVEL would drop them.
LOG_FORMATTER = "crawler.logformatter.QuietLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
