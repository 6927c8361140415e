"""A throwaway PostgreSQL cluster for fault tests: `initdb` under a temporary directory, its own
free port on 127.0.0.1, trust authentication, removed afterwards. Never the shared server."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def find_pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def free_port() -> int:
    """A free loopback port; the first free one of ZOELIFE_TEST_PORTS (e.g. `8620-8629`) when
    set, for machines where tests may bind only some ports."""
    span = os.environ.get("ZOELIFE_TEST_PORTS", "").strip()
    if span:
        low, _, high = span.partition("-")
        for port in range(int(low), int(high or low) + 1):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
        raise RuntimeError(f"no free port in ZOELIFE_TEST_PORTS={span}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def must_run() -> bool:
    """In CI (ZOELIFE_TEST_DATABASE_URL set) a missing PostgreSQL is a failure, not a skip."""
    return bool(os.environ.get("ZOELIFE_TEST_DATABASE_URL", "").strip())


class Cluster:
    def __init__(self) -> None:
        bindir = find_pg_bin()
        if bindir is None:
            if must_run():
                pytest.fail("initdb not found, but ZOELIFE_TEST_DATABASE_URL is set (CI)")
            pytest.skip("PostgreSQL server binaries (initdb) are not installed")
        self.bindir = bindir
        self.port = free_port()
        # initdb refuses to run as root: run the server as the postgres account when we are root.
        self.run_as = None
        if os.geteuid() == 0:
            try:
                self.run_as = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("running as root and there is no 'postgres' account to run initdb")
        self.root = Path(tempfile.mkdtemp(prefix="zoelife-pgfault-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        if self.run_as is not None:
            os.chown(self.root, self.run_as.pw_uid, self.run_as.pw_gid)

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as is not None:
            cmd = ["runuser", "-u", self.run_as.pw_name, "--", *cmd]
        return cmd

    def _run(self, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(self._cmd(*args), capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(
                f"{args[0]} failed ({result.returncode}): {result.stderr.strip()}\n{log[-2000:]}"
            )

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--no-sync", timeout=120)

    def _options(self) -> str:
        return (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c shared_buffers=16MB -c max_connections=40")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", self._options(), "start")

    def restart(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-m", "fast", "-o", self._options(), "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "immediate", "stop")
            except RuntimeError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)
