"""Scrapyd's HTTP API, as one node speaks it, with every failure turned into one FleetError line.

urllib only (no extra dependency on the dispatching machine). Credentials come from the
environment or ~/.netrc at each call and are only ever put in the Authorization header: no
message, row or log line carries them."""

from __future__ import annotations

import base64
import json
import netrc
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from govarchive.fleet import PROJECT, FleetError, NodeDown

TIMEOUT = 10.0  # seconds a node gets to answer a call (an upload gets UPLOAD_TIMEOUT)
UPLOAD_TIMEOUT = 120.0


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)
    source: str = ""  # where they came from, for messages: never the values


def env_prefix(node: str) -> str:
    return "GOVARCHIVE_FLEET_" + re.sub(r"[^A-Z0-9]", "_", node.upper()) + "_"


def credentials_for(node: str, url: str) -> Credentials | None:
    """The node's own GOVARCHIVE_FLEET_<NAME>_USERNAME/_PASSWORD, else the fleet's
    GOVARCHIVE_FLEET_USERNAME/_PASSWORD, else the ~/.netrc (or $NETRC) entry for its host."""
    for prefix in (env_prefix(node), "GOVARCHIVE_FLEET_"):
        user, password = os.environ.get(prefix + "USERNAME"), os.environ.get(prefix + "PASSWORD")
        if user or password:
            if not (user and password):
                raise FleetError(
                    f"node {node}: {prefix}USERNAME and {prefix}PASSWORD must both be set"
                )
            return Credentials(user, password, f"{prefix}USERNAME/PASSWORD")
    host = urllib.parse.urlsplit(url).hostname or ""
    path = os.environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if not os.path.isfile(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(host)
    except netrc.NetrcParseError as exc:  # its message may quote a token: only say where
        raise FleetError(f"cannot read {path}: malformed at line {exc.lineno}") from None
    except OSError as exc:
        raise FleetError(f"cannot read {path}: {exc.strerror or exc}") from None
    if entry is None or not entry[0] or not entry[2]:
        return None
    return Credentials(entry[0], entry[2], f"{path} (machine {host})")


class ScrapydNode:
    """One Scrapyd daemon. Every method returns Scrapyd's JSON or raises FleetError."""

    def __init__(self, name: str, url: str, credentials: Credentials | None = None) -> None:
        self.name = name
        self.url = url.rstrip("/")
        self.credentials = credentials

    @classmethod
    def for_node(cls, name: str, url: str) -> ScrapydNode:
        return cls(name, url, credentials_for(name, url))

    def where(self) -> str:
        return f"node {self.name} ({self.url})"

    # The API ---------------------------------------------------------------------------------
    def daemon_status(self) -> dict[str, Any]:
        return self._call("daemonstatus.json")

    def versions(self) -> list[str]:
        """The project's versions on the node, oldest first as Scrapyd sorts them."""
        return list(self._call("listversions.json", query={"project": PROJECT})["versions"])

    def add_version(self, version: str, egg: bytes) -> int:
        """Upload the egg; returns how many spiders the node found in it."""
        answer = self._call(
            "addversion.json",
            fields=[("project", PROJECT), ("version", version)],
            files={"egg": egg},
            timeout=UPLOAD_TIMEOUT,
        )
        return int(answer.get("spiders", 0))

    def schedule(
        self, spider: str, version: str, job_id: str, args: dict[str, str], settings: list[str]
    ) -> str:
        fields = [("project", PROJECT), ("spider", spider), ("_version", version)]
        fields += [("jobid", job_id), *args.items(), *(("setting", s) for s in settings)]
        return str(self._call("schedule.json", fields=fields)["jobid"])

    def jobs(self) -> dict[str, list[dict[str, Any]]]:
        """The project's pending, running and finished jobs (listjobs.json without a project
        answers on a node never deployed to, where naming the project is an error)."""
        answer = self._call("listjobs.json")
        return {
            state: [j for j in answer.get(state, []) if j.get("project") == PROJECT]
            for state in ("pending", "running", "finished")
        }

    def cancel(self, job_id: str) -> str | None:
        answer = self._call("cancel.json", fields=[("project", PROJECT), ("job", job_id)])
        return answer.get("prevstate")

    def log(self, spider: str, job_id: str) -> str | None:
        """The job's Scrapy log (Scrapyd serves logs_dir under /logs/), None when it has none."""
        path = f"logs/{PROJECT}/{spider}/{urllib.parse.quote(job_id)}.log"
        try:
            return self._request(path, None, None, TIMEOUT).decode("utf-8", "replace")
        except FleetError as exc:
            if exc.status == 404:
                return None
            raise

    # The wire --------------------------------------------------------------------------------
    def _call(
        self,
        path: str,
        query: dict[str, str] | None = None,
        fields: list[tuple[str, str]] | None = None,
        files: dict[str, bytes] | None = None,
        timeout: float = TIMEOUT,
    ) -> dict[str, Any]:
        if query:
            path += "?" + urllib.parse.urlencode(query)
        body = self._request(path, fields, files, timeout)
        try:
            answer = json.loads(body)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise FleetError(
                f"{self.where()}: did not answer {path.split('?')[0]} with Scrapyd's JSON; "
                "is this a Scrapyd address?"
            )
        if answer.get("status") == "error":
            message = str(answer.get("message", "")).strip().splitlines()
            raise FleetError(f"{self.where()}: Scrapyd refused {path.split('?')[0]}: "
                             f"{message[-1] if message else 'no reason given'}")  # fmt: skip
        return answer

    def _request(
        self,
        path: str,
        fields: list[tuple[str, str]] | None,
        files: dict[str, bytes] | None,
        timeout: float,
    ) -> bytes:
        data, headers = _encode(fields, files) if fields is not None else (None, {})
        if self.credentials is not None:
            token = f"{self.credentials.username}:{self.credentials.password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
        request = urllib.request.Request(f"{self.url}/{path}", data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                refused = FleetError(self._refused())
                refused.status = 401
                raise refused from None
            error = FleetError(f"{self.where()}: answered HTTP {exc.code} to {path.split('?')[0]}")
            error.status = exc.code
            raise error from None
        except (urllib.error.URLError, OSError) as exc:
            raise NodeDown(f"{self.where()}: does not answer ({_reason(exc, timeout)}); "
                             "is scrapyd running there?") from None  # fmt: skip

    def _refused(self) -> str:
        host = urllib.parse.urlsplit(self.url).hostname
        where = (
            f"set {env_prefix(self.name)}USERNAME/PASSWORD (or GOVARCHIVE_FLEET_USERNAME/"
            f"PASSWORD) or a ~/.netrc entry for machine {host}"
        )
        if self.credentials is None:
            return f"{self.where()}: asks for credentials (HTTP 401) and none were found: {where}"
        return (
            f"{self.where()}: refused the credentials from {self.credentials.source} "
            f"(HTTP 401): check them against its scrapyd.conf username/password"
        )


def _reason(exc: BaseException, timeout: float) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "unknown host"
    if isinstance(reason, OSError):
        return reason.strerror or type(reason).__name__
    return str(reason)


def _encode(
    fields: list[tuple[str, str]], files: dict[str, bytes] | None
) -> tuple[bytes, dict[str, str]]:
    if not files:
        body = urllib.parse.urlencode(fields).encode()
        return body, {"Content-Type": "application/x-www-form-urlencoded"}
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
    for name, content in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{name}.egg"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}
