"""Who may post: the credentials of a source, the signatures and tokens checked against them,
and the replay keys of timestamped signatures (remembered in `webhook_signatures`)."""

from __future__ import annotations

import hashlib
import hmac

from zoelife import config

SIGNATURE_HEADER = "X-Zoelife-Signature"
TIMESTAMP_HEADER = "X-Zoelife-Timestamp"
TOKEN_HEADER = "X-Zoelife-Token"
SIGNATURE_WINDOW_SECONDS = 300


def credentials(source: str | None) -> tuple[str | None, str | None]:
    """(secret, token) accepted on this source's path. A source with a credential of its own
    accepts only its own: the global ones would let any other sender write under its name."""
    own = (config.for_source("ZOELIFE_WEBHOOK_SECRET", source) or None,
           config.for_source("ZOELIFE_WEBHOOK_TOKEN", source) or None)
    if any(own):
        return own
    return (config.get("ZOELIFE_WEBHOOK_SECRET") or None,
            config.get("ZOELIFE_WEBHOOK_TOKEN") or None)


def sign(body: bytes, secret: str) -> str:
    """The body-only signature (weaker; for senders that cannot sign a timestamp and path)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sign_request(secret: str, path: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers a sender adds (documented in docs/ingest.md): the signature covers the
    time, the path (`/api/intake/<source>`) and the body."""
    message = f"{timestamp}.{path}.".encode() + body
    return {TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: "sha256=" + hmac.new(secret.encode(), message,
                                                   hashlib.sha256).hexdigest()}


def replay_key(headers) -> str | None:
    """What a timestamped signature is remembered by, to refuse it a second time."""
    signature = headers.get(SIGNATURE_HEADER)
    if not signature or not headers.get(TIMESTAMP_HEADER):
        return None
    return hashlib.sha256(signature.strip().lower().encode()).hexdigest()


def authenticate(headers, body: bytes, source: str | None, *, path: str = "",
                 now: float | None = None) -> tuple[int, str] | None:
    """None when authenticated, else (status, message)."""
    import time

    secret, token = credentials(source)
    if not secret and not token:
        return 503, ("The webhook is not configured: set ZOELIFE_WEBHOOK_SECRET (signed) or "
                     "ZOELIFE_WEBHOOK_TOKEN (static secret header) on the server.")
    signature = headers.get(SIGNATURE_HEADER)
    if signature and secret:
        stamp = headers.get(TIMESTAMP_HEADER)
        if stamp is not None:
            stamp = stamp.strip()
            if not stamp.isdigit() or len(stamp) > 12:
                return 401, f"{TIMESTAMP_HEADER} must be the time in Unix seconds."
            now = time.time() if now is None else now
            if abs(now - int(stamp)) > SIGNATURE_WINDOW_SECONDS:
                return 401, (f"{TIMESTAMP_HEADER} is more than 5 minutes away from the "
                             "server's clock; sign each delivery when it is sent.")
            expected = sign_request(secret, path, body, int(stamp))[SIGNATURE_HEADER]
        else:
            expected = sign(body, secret)
        if hmac.compare_digest(signature.strip().lower().encode(), expected.encode()):
            return None
        return 401, "The signature does not match the body."
    given = headers.get(TOKEN_HEADER)
    if given and token:
        if hmac.compare_digest(given.strip().encode(), token.encode()):
            return None
        return 401, "The token is not valid."
    return 401, f"Authentication required ({SIGNATURE_HEADER} or {TOKEN_HEADER})."


def claim_signature(session, key: str, now, *, prune: bool = True) -> bool:
    """Record a timestamped signature; False when it was already accepted."""
    return key in claim_signatures(session, [key], now, prune=prune)


def claim_signatures(session, keys: list[str], now, *, prune: bool = True) -> set[str]:
    """Record a batch's timestamped signatures in one statement; returns the keys accepted
    now (a key already stored is not among them; a key given twice is stored once and
    returned once: the caller lets its first delivery have it). Signatures older than twice
    the window cannot pass the time check any more and are pruned (`prune`: once per
    transaction is enough)."""
    import datetime as dt

    from sqlalchemy import delete

    from zoelife.db.models import WebhookSignature

    unique = list(dict.fromkeys(keys))
    if not unique:
        return set()
    table = WebhookSignature.__table__
    if prune:
        session.execute(delete(table).where(
            table.c.seen_at < now - dt.timedelta(seconds=2 * SIGNATURE_WINDOW_SECONDS)))
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stored = session.execute(insert(table).values([{"signature": key, "seen_at": now}
                                                   for key in unique])
                             .on_conflict_do_nothing().returning(table.c.signature))
    return set(stored.scalars())


def replayed() -> tuple[int, dict]:
    return 409, {"status": "error",
                 "message": "This signature was already used: sign each delivery with its own "
                            "timestamp."}

