"""The code a node runs: the project's egg, built by scrapyd-client, and the version it goes by.

The version is govarchive's own plus a hash of the egg's code (`0_1_0-g3fa2b1c09e4d`: Scrapyd
keeps a version as a file name and turns any other character into `_`, so none is used): the same
code gives the same version on every machine and every build, so a node can be compared with
this checkout, and a job can be pinned to the code it was dispatched with. The egg is built
from a copy of the checkout, so a build never writes build/ or *.egg-info beside someone
else's work."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import govarchive
from govarchive import __version__
from govarchive.fleet import FleetError

_PROJECT_FILES = ("scrapy.cfg", "setup.py", "pyproject.toml", "README.md")


@dataclass(frozen=True)
class Egg:
    data: bytes
    version: str


def project_root() -> Path:
    """The checkout govarchive runs from: the folder holding scrapy.cfg and pyproject.toml."""
    root = Path(govarchive.__file__).resolve().parent.parent
    if not (root / "scrapy.cfg").is_file() or not (root / "pyproject.toml").is_file():
        raise FleetError(
            f"no scrapy.cfg and pyproject.toml in {root}: the fleet deploys from a checkout of "
            "govarchive installed with pip install -e '.[fleet]'"
        )
    return root


def build_egg() -> Egg:
    """Build the egg as `scrapyd-deploy --build-egg` does, from a copy of the checkout."""
    root = project_root()
    try:
        import scrapyd_client  # noqa: F401
    except ImportError:
        raise FleetError(
            "scrapyd-client is not installed: pip install -e '.[fleet]' in the checkout"
        ) from None
    with tempfile.TemporaryDirectory(prefix="govarchive-egg-") as tmp:
        copy = copy_project(root, Path(tmp) / "src")
        egg = Path(tmp) / "govarchive.egg"
        built = subprocess.run(
            [sys.executable, "-m", "scrapyd_client.deploy", "--build-egg", str(egg)],
            cwd=copy, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if built.returncode != 0 or not egg.is_file():
            last = (built.stderr.strip().splitlines() or ["no output"])[-1]
            raise FleetError(f"building the egg failed: {last}")
        data = egg.read_bytes()
    return Egg(data, egg_version(data))


def copy_project(root: Path, dest: Path) -> Path:
    """What the egg is built from: the project files and its packages, without caches."""
    dest.mkdir(parents=True)
    for name in _PROJECT_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, dest / name)
    for package in _packages(root):
        shutil.copytree(
            root / package,
            dest / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
        )
    return dest


def egg_version(data: bytes) -> str:
    """govarchive's version + a hash of the egg's code and entry points (not of PKG-INFO, which
    carries the README, nor of zip timestamps)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(BytesIO(data)) as egg:
        for name in sorted(egg.namelist()):
            if name.startswith("EGG-INFO/") and name != "EGG-INFO/entry_points.txt":
                continue
            digest.update(name.encode() + b"\0" + egg.read(name) + b"\0")
    return f"{__version__.replace('.', '_')}-g{digest.hexdigest()[:12]}"


def _packages(root: Path) -> list[str]:
    """The top-level packages pyproject.toml packages (`include = ["crawler*", ...]`)."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["packages"]["find"]["include"]
    names = {p.split(".")[0].rstrip("*") for p in patterns}
    return sorted(n for n in names if (root / n / "__init__.py").is_file())
