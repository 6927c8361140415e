"""What the audit log trusts outside the database: its HMAC key and its head checkpoints.

Someone who can write to the database (a stolen database password, a restored old copy, a
support session with SQL access) can delete rows and re-hash the rest with the project's own
`compute_hash`; the chain alone would still look intact. Two things it cannot reach stop that:

- **the key** (`ZOELIFE_AUDIT_KEY`, or the key file `<name>.audit-key`, 32 random bytes in hex,
  created `0600` at the first audit write): each row carries `mac` = HMAC-SHA256(key,
  "seq:hash"), so a re-hashed row no longer verifies;
- **the checkpoints** (`<name>.audit-head`, `0600`, append-only): after each committed audit
  write one line `head <seq> <hash> <utc time>` is appended (O_APPEND, one `write` per line,
  so several processes can append at once), and sent to syslog when `ZOELIFE_AUDIT_SYSLOG` is
  set. Verification compares the database with the highest checkpoint, so deleted tail rows
  and a truncated table are named. The file's first line, `start <seq> <hash> …`, is the head
  when keying started: rows up to it are "legacy, unkeyed" and reported as such; every later
  row must carry a valid MAC. `restore <seq> <hash> …` lines mark a restored backup.

Both files live in `ZOELIFE_AUDIT_DIR` when set, else beside a SQLite database file, else in
`data/` (PostgreSQL). `<name>` is the SQLite file name, or `pg-<host>-<port>-<database>`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import logging.handlers
import os
import re
import secrets
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from zoelife import config

log = logging.getLogger(__name__)

KEY_ENV = "ZOELIFE_AUDIT_KEY"
DIR_ENV = "ZOELIFE_AUDIT_DIR"
SYSLOG_ENV = "ZOELIFE_AUDIT_SYSLOG"
DEFAULT_DIR = Path("data")
_PRIVATE = stat.S_IRUSR | stat.S_IWUSR
_TAIL_BYTES = 64 * 1024  # the newest checkpoints are at the end: read only the tail


class AuditKeyUnavailable(RuntimeError):
    """The key file cannot be created or read: audit writes stop rather than go unkeyed."""


@dataclass(frozen=True)
class Mark:
    kind: str  # start | head | restore
    seq: int
    hash: str
    when: str


@dataclass(frozen=True)
class Marks:
    start: Mark | None  # the first line: where keying started
    head: Mark | None  # the highest checkpoint since the last restore
    exists: bool


@dataclass(frozen=True)
class Anchor:
    key_path: Path
    head_path: Path
    env_key: bytes | None

    def key(self, *, create: bool) -> bytes | None:
        """The HMAC key; created (0600) when `create` and missing, else None when missing."""
        if self.env_key:
            return self.env_key
        with _lock:
            cached = _keys.get(self.key_path)
            if cached is not None:
                return cached
            try:
                value = self.key_path.read_text().strip()
            except FileNotFoundError:
                if not create:
                    return None
                value = self._create_key()
            except OSError as exc:
                raise AuditKeyUnavailable(f"the audit key file {self.key_path} cannot be read "
                                          f"({exc.strerror})") from None
            if not value:
                raise AuditKeyUnavailable(f"the audit key file {self.key_path} is empty")
            _keys[self.key_path] = value.encode()
            return _keys[self.key_path]

    def _create_key(self) -> str:
        value = secrets.token_hex(32)
        try:
            self.key_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.key_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, _PRIVATE)
        except FileExistsError:  # another process made it first: use theirs
            return self.key_path.read_text().strip()
        except OSError as exc:
            raise AuditKeyUnavailable(
                f"the audit key file {self.key_path} cannot be created ({exc.strerror}); set "
                f"{KEY_ENV} or {DIR_ENV}") from None
        with os.fdopen(fd, "w") as f:
            f.write(value + "\n")
        if self.head_path.exists():
            log.warning("audit: a new key file was created beside an existing checkpoint file; "
                        "rows signed with the old key will not verify")
        return value

    def append(self, kind: str, seq: int, hash_: str, *, start: tuple[int, str] | None = None
               ) -> None:
        """Append one checkpoint line; the first line of a new file is `start` (the head when
        keying started). Never raises: the database change is already committed, and a lost
        line only makes the next verification compare with an older checkpoint."""
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        line = f"{kind} {seq} {hash_} {when}\n".encode()
        try:
            try:
                fd = os.open(self.head_path, os.O_WRONLY | os.O_APPEND)
            except FileNotFoundError:
                self.head_path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    fd = os.open(self.head_path,
                                 os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, _PRIVATE)
                    first_seq, first_hash = start or (seq, hash_)
                    os.write(fd, f"start {first_seq} {first_hash} {when}\n".encode())
                except FileExistsError:
                    fd = os.open(self.head_path, os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        except OSError as exc:
            log.warning("audit: checkpoint not written (%s)", exc.strerror)
        _syslog(f"zoelife audit {kind} seq={seq} hash={hash_} log={self.head_path.name}")

    def marks(self) -> Marks:
        """The start line and the highest checkpoint after the last restore."""
        try:
            with open(self.head_path, "rb") as f:
                first = f.readline()
                size = f.seek(0, os.SEEK_END)
                f.seek(max(0, size - _TAIL_BYTES))
                tail = f.read()
        except FileNotFoundError:
            return Marks(None, None, False)
        start = _parse(first)
        lines = tail.splitlines()
        if size > _TAIL_BYTES:
            lines = lines[1:]  # the first may be cut
        head: Mark | None = None
        for raw in lines:
            mark = _parse(raw)
            if mark is None:
                continue
            if mark.kind == "restore":
                head = mark
            elif head is None or mark.seq > head.seq:
                head = mark
        return Marks(start, head or start, True)


_lock = threading.Lock()
_keys: dict[Path, bytes] = {}
_LINE = re.compile(rb"^(start|head|restore) (\d+) ([0-9a-f]{64}) (\S+)$")


def _parse(raw: bytes) -> Mark | None:
    m = _LINE.match(raw.strip())
    if not m:
        return None
    return Mark(m.group(1).decode(), int(m.group(2)), m.group(3).decode(), m.group(4).decode())


def _name(url: URL) -> tuple[Path | None, str]:
    """(folder beside the database or None, file stem) for a database URL."""
    if url.get_backend_name() == "sqlite":
        db = url.database or ""
        if db.startswith("file:"):
            db = db[5:].split("?", 1)[0]
        if not db or db == ":memory:":
            return None, "memory"
        path = Path(db)
        return path.parent, path.name
    raw = f"pg-{url.host or 'local'}-{url.port or 5432}-{url.database or ''}"
    return None, re.sub(r"[^A-Za-z0-9_.-]", "_", raw)


def for_url(url: str | URL) -> Anchor:
    url = make_url(url) if isinstance(url, str) else url
    beside, stem = _name(url)
    folder = config.get(DIR_ENV)
    base = Path(folder) if folder else (beside if beside is not None else DEFAULT_DIR)
    env_key = config.get(KEY_ENV).encode() or None
    return Anchor(base / f"{stem}.audit-key", base / f"{stem}.audit-head", env_key)


def for_bind(bind) -> Anchor:
    engine = getattr(bind, "engine", bind)
    return for_url(engine.url)


def mac(key: bytes, seq: int, hash_: str) -> str:
    return hmac.new(key, f"{seq}:{hash_}".encode(), hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------- syslog

_syslog_handler: tuple[str, logging.Handler | None] | None = None
_syslog_log = logging.getLogger("zoelife.audit.head")
_syslog_log.propagate = False


def _syslog(message: str) -> None:
    """Send a checkpoint to syslog when ZOELIFE_AUDIT_SYSLOG names one: a socket path
    (`/dev/log`) or `udp://host:port`. Failures are the logging module's to report."""
    global _syslog_handler
    target = config.get(SYSLOG_ENV)
    if not target:
        return
    with _lock:
        if _syslog_handler is None or _syslog_handler[0] != target:
            if _syslog_handler is not None and _syslog_handler[1] is not None:
                _syslog_log.removeHandler(_syslog_handler[1])
                _syslog_handler[1].close()
            handler: logging.Handler | None
            try:
                if target.startswith("udp://"):
                    host, _, port = target[6:].rpartition(":")
                    handler = logging.handlers.SysLogHandler(address=(host, int(port)))
                else:
                    handler = logging.handlers.SysLogHandler(address=target)
                handler.setFormatter(logging.Formatter("%(message)s"))
                _syslog_log.addHandler(handler)
                _syslog_log.setLevel(logging.INFO)
            except (OSError, ValueError) as exc:
                log.warning("audit: syslog %s cannot be used (%s)", SYSLOG_ENV, exc)
                handler = None
            _syslog_handler = (target, handler)
        if _syslog_handler[1] is None:
            return
    _syslog_log.info(message)
