"""The files process (issue 16): images, attachments and page requisites on hosts that serve no
page of the run (a portal's storage host) go the shortest way to a WARC file: a process beside
the crawl fetches them with urllib3, writes their records to WARC files of its own, makes them
durable and tells the crawl, which records their rows. No parsing, no extraction, no Scrapy
middleware; the same politeness (robots.txt, each host's connections and delay, back-off,
Retry-After, conditional requests). Files on a portal's own host stay in the crawl, so every
host is asked by one process only and its connection limit holds.

protocol.py: the messages; fetch.py: one HTTP exchange; hosts.py: each host's pace and robots;
worker.py: the process; the crawl's side is crawler/extensions/files_process.py."""
