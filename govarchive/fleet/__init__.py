"""`govarchive fleet`: crawls dispatched to Scrapyd nodes, each site into a shard of its own.

client (Scrapyd's HTTP API and credentials), egg (the code deployed and its version), dispatch
(which site goes to which node, and what each job is doing); the registry is archive/fleet.py."""

from archive.errors import ArchiveError

PROJECT = "govarchive"  # the Scrapyd project every node runs
SPIDER = "vnpt"


class FleetError(ArchiveError):
    """A node that cannot be used as asked, in one line naming it and what to do."""

    status: int | None = None  # the HTTP status the node answered with, when it answered


class NodeDown(FleetError):
    """The node does not answer at all (refused, timed out, unknown host): its jobs are lost."""
