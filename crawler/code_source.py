"""Which code a Scrapyd job runs. Scrapyd puts the deployed egg at the *end* of the import path,
so a govarchive installed normally on the node (not editable, not uninstalled) is imported
instead, and the job runs whatever that install holds while `fleet status` believes it runs the
version it was pinned to. A job refuses to start then, saying what to fix."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import crawler


def egg_problem(module_file: str, path: list[str], project: str | None) -> str | None:
    """Why a job under Scrapyd (`project` set) would run other code than its egg, or None."""
    if not project:
        return None  # not a Scrapyd job: a local crawl runs the checkout, as it should
    eggs = [p for p in path if p.endswith(".egg")]
    if not eggs:
        return None  # Scrapyd ran without an egg (a project folder): nothing to compare
    if any(Path(module_file).resolve().is_relative_to(Path(e).resolve()) for e in eggs):
        return None
    where = Path(module_file).resolve().parent.parent
    return (
        f"this node imports govarchive's code from {where}, not from the deployed egg "
        f"{eggs[-1]}: uninstall govarchive from the Python Scrapyd runs in (pip uninstall "
        "govarchive), keeping its dependencies, so that jobs run the code `govarchive fleet "
        "deploy` sent"
    )


def check_job_code() -> None:
    problem = egg_problem(crawler.__file__, sys.path, os.environ.get("SCRAPY_PROJECT"))
    if problem:
        raise RuntimeError(problem)
