"""Every `ZOELIFE_*` environment variable, declared and read here and nowhere else.

README's Configuration table lists each (a test checks it). Clinic settings that staff change
live in the database (`zoelife.settings`); these are the server's own: where the database is,
secrets, and tuning of the server process.

One behaviour on a value that cannot be used (a word where a number goes, a number below its
minimum): the variable's default is used, and `problems()` names each such variable, which the
server logs once at start and `zoelife` prints once to stderr (`warn_at_start`). Values are
read when asked for, so a test may set a variable for one test.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("zoelife.config")


@dataclass(frozen=True)
class Variable:
    name: str
    default: Any
    kind: str = "str"  # str | int | float | flag ("1" is on)
    minimum: float | None = None


DEFAULT_META_GRAPH_URL = "https://graph.facebook.com/v21.0"

VARIABLES: dict[str, Variable] = {v.name: v for v in (
    Variable("ZOELIFE_DATABASE_URL", ""),
    Variable("ZOELIFE_WEBHOOK_SECRET", ""),
    Variable("ZOELIFE_WEBHOOK_TOKEN", ""),
    Variable("ZOELIFE_WEBHOOK_MAX_BYTES", 256 * 1024, "int", minimum=1),
    Variable("ZOELIFE_CLEARINGHOUSE_URL", ""),
    Variable("ZOELIFE_CLEARINGHOUSE_KEY", ""),
    Variable("ZOELIFE_PROVIDER_NPI", ""),
    Variable("ZOELIFE_META_GRAPH_TOKEN", ""),
    Variable("ZOELIFE_META_GRAPH_URL", DEFAULT_META_GRAPH_URL),
    Variable("ZOELIFE_AUDIT_KEY", ""),
    Variable("ZOELIFE_AUDIT_DIR", ""),
    Variable("ZOELIFE_AUDIT_SYSLOG", ""),
    Variable("ZOELIFE_SMTP_HOST", ""),
    Variable("ZOELIFE_SMTP_PORT", 25, "int", minimum=1),
    Variable("ZOELIFE_SMTP_FROM", "zoelife-intake@localhost"),
    Variable("ZOELIFE_SMTP_USER", ""),
    Variable("ZOELIFE_SMTP_PASSWORD", ""),
    Variable("ZOELIFE_SMTP_STARTTLS", False, "flag"),
    Variable("ZOELIFE_ONCALL_CHECK_SECONDS", 60.0, "float", minimum=0),
    Variable("ZOELIFE_QUEUE_REFRESH_SECONDS", 20.0, "float", minimum=1),
    Variable("ZOELIFE_SESSION_CHECK_SECONDS", 15.0, "float", minimum=1),
    Variable("ZOELIFE_TWILIO_ACCOUNT_SID", ""),
    Variable("ZOELIFE_TWILIO_AUTH_TOKEN", ""),
    Variable("ZOELIFE_TWILIO_FROM", ""),
    Variable("ZOELIFE_TWILIO_PUBLIC_URL", ""),
    Variable("ZOELIFE_TWILIO_FORWARD_TO", ""),
    Variable("ZOELIFE_TWILIO_API_URL", ""),
    Variable("ZOELIFE_SMS_CADENCE_SECONDS", 300.0, "float", minimum=0),
)}
# Read with a source's name appended (`ZOELIFE_WEBHOOK_SECRET_GRAVITY_FORMS`): `for_source`.
PER_SOURCE = ("ZOELIFE_WEBHOOK_SECRET", "ZOELIFE_WEBHOOK_TOKEN")


class _Unusable(ValueError):
    pass


def _parse(var: Variable, raw: str) -> Any:
    if var.kind == "str":
        return raw
    if var.kind == "flag":
        if raw not in ("0", "1"):
            raise _Unusable("expected 0 or 1")
        return raw == "1"
    try:
        value = int(raw) if var.kind == "int" else float(raw)
    except ValueError:
        raise _Unusable(f"expected a {'whole ' if var.kind == 'int' else ''}number") from None
    if var.minimum is not None and value < var.minimum:
        raise _Unusable(f"must be at least {var.minimum:g}")
    return value


def get(name: str) -> Any:
    """The variable's value (surrounding spaces dropped), or its default when unset, empty or
    unusable."""
    var = VARIABLES[name]
    raw = os.environ.get(name, "").strip()
    if not raw:
        return var.default
    try:
        return _parse(var, raw)
    except _Unusable:
        return var.default


def for_source(base: str, source: str | None) -> str:
    """A source's own credential (`ZOELIFE_WEBHOOK_TOKEN_<SOURCE>`, the source's name in
    capitals with anything but letters and digits as `_`), or "" when it has none."""
    if base not in PER_SOURCE:
        raise KeyError(base)
    if not source:
        return ""
    return os.environ.get(f"{base}_{re.sub(r'[^A-Z0-9]', '_', source.upper())}", "").strip()


def problems() -> list[str]:
    """One sentence per variable set to a value that cannot be used (its default is used)."""
    found = []
    for var in VARIABLES.values():
        raw = os.environ.get(var.name, "").strip()
        if not raw:
            continue
        try:
            _parse(var, raw)
        except _Unusable as exc:
            found.append(f"{var.name}: {exc}; using the default ({var.default}).")
    return found


def notices() -> list[str]:
    """What the server says once at start about its configuration: unusable values, and a
    webhook with no credential at all (every delivery would be refused)."""
    found = problems()
    if not (get("ZOELIFE_WEBHOOK_SECRET") or get("ZOELIFE_WEBHOOK_TOKEN")) and not any(
            name.startswith(tuple(f"{b}_" for b in PER_SOURCE)) and value.strip()
            for name, value in os.environ.items()):
        found.append("The webhook is not configured: set ZOELIFE_WEBHOOK_SECRET or "
                     "ZOELIFE_WEBHOOK_TOKEN to accept deliveries (README, Configuration).")
    return found


_warned = False


def warn_at_start() -> list[str]:
    """Log `notices()` once per process (the server's start); returns them."""
    global _warned
    found = notices()
    if not _warned:
        _warned = True
        for line in found:
            log.warning(line)
    return found
