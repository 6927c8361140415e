"""The web-form webhook: `POST /api/intake` and `POST /api/intake/{source}` on the app's own
server (Starlette routes served beside the pages through `st.App`).

Authentication, either of:
- `X-Zoelife-Timestamp: <unix seconds>` and `X-Zoelife-Signature: sha256=<hex>`: HMAC-SHA256 of
  `"{timestamp}.{path}.{body}"` with the source's secret. Refused more than 5 minutes away from
  the server's clock, and refused when the same signature was already accepted (409): a
  captured delivery cannot be posted again, nor to another path.
- `X-Zoelife-Signature` alone: HMAC of the body only, for senders that cannot do better
  (weaker: replayable to another path of the same secret, or after the window).
- `X-Zoelife-Token: <token>` for tools that cannot sign (Gravity Forms, Jotform): compared in
  constant time.
Credentials are bound to a source: `ZOELIFE_WEBHOOK_SECRET_<SOURCE>` / `_TOKEN_<SOURCE>` (source
upper-cased, other characters `_`) are accepted on `/api/intake/<source>` only, and once a source
has either, the global `ZOELIFE_WEBHOOK_SECRET` / `ZOELIFE_WEBHOOK_TOKEN` are not accepted
there. The source is the path's, or `web-form` on `/api/intake`; never read from the payload.
No credential configured at all: 503. Bad or missing authentication: 401, nothing stored.

Bodies: JSON, form-encoded or multipart, each read by the connectors (`zoelife.ingest.connectors`:
the tool's documented shapes, chosen by the source name and the body; the tool's own id and time
win over fields of the same meaning from the form), exactly as the file import reads a record.
Over `ZOELIFE_WEBHOOK_MAX_BYTES` (default 256 KiB): 413; a body not received within
`READ_SECONDS` (10 s, however slowly it trickles): 408; more than `MAX_FIELDS` fields: 400. JSON
and form bodies are parsed off the event loop, in linear time.
Answers: 202 `{"status": "received"}` whatever became of a usable submission (new, duplicate,
repeated, or a repeated id with different content kept for review): the answer never tells
whether an id was known. 422 when the submission itself is unusable (quarantined and assessed
all the same, reasons listed). Logs name the source and status only.
Modules: `routes` (the POST, start to answer), `auth` (credentials, signatures, replay keys),
`bodies` (reading and parsing a body), `submission` (a submission as the pipeline's input, and
its answer), `alone` (a body's submissions one transaction each), `group_commit` (deliveries
that arrive together stored as one batch).
"""
