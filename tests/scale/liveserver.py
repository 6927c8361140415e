"""A real `streamlit run` server of the app on a free port, for load, fault and replica tests
and the benchmark. The server's own log goes to a file (it may be needed to explain a failure;
it carries no patient data by the app's logging rules)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.scale.pgcluster import free_port

ROOT = Path(__file__).resolve().parents[2]
STREAMLIT = Path(sys.executable).parent / "streamlit"
WEBHOOK_TOKEN = "scale-test-token-0123456789abcdef"
WEBHOOK_SECRET = "scale-test-hmac-secret-0123456789abcdef"


class LiveServer:
    def __init__(self, db_url: str, *, port: int | None = None, env: dict | None = None,
                 log_path: Path | None = None, code: Path | None = None) -> None:
        """`code`: serve another checkout's app (its `zoelife` package and streamlit_app.py),
        for before/after benchmarks; by default this one's."""
        self.db_url = db_url
        self.code = Path(code) if code else ROOT
        self.port = port or free_port()
        self.env = {
            **os.environ,
            "ZOELIFE_DATABASE_URL": db_url,
            "ZOELIFE_ONCALL_CHECK_SECONDS": "0",
            "ZOELIFE_WEBHOOK_TOKEN": WEBHOOK_TOKEN,
            "ZOELIFE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            **(env or {}),
        }
        if code:
            self.env["PYTHONPATH"] = os.pathsep.join(
                [str(self.code)] + [p for p in [self.env.get("PYTHONPATH")] if p])
        self.proc: subprocess.Popen | None = None
        self.log_path = log_path or Path(
            tempfile.mkstemp(prefix="zoelife-server-", suffix=".log")[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> LiveServer:
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child for its lifetime
        self.proc = subprocess.Popen(
            [str(STREAMLIT), "run", str(self.code / "streamlit_app.py"),
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             # Browsers use the host name the server's own URLs name (cookies, redirects).
             "--browser.serverAddress", "127.0.0.1",
             "--server.fileWatcherType", "none"],
            cwd=self.code, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                # Ready: serving, and its triage's learned net trained (seconds at start).
                if httpx.get(f"{self.base}/api/ready", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"server did not become healthy in {timeout}s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def kill(self) -> None:
        """kill -9: no shutdown hooks, no flushing, like a crash or the OOM killer."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        """Peak resident memory (VmHWM) of the server process, in MiB."""
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def rss_mb(self) -> float:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
