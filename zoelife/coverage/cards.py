"""Insurance card images: the type is read from the content, never from the name or the
browser's word for it, and the image must decode. Pure; no database."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

MAX_CARD_BYTES = 5 * 1024 * 1024
# A card photo from a phone is about 12 megapixels; far more is a decompression bomb.
MAX_CARD_PIXELS = 40_000_000
ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class CardRefused(ValueError):
    """An upload that is not a usable card image; the message says why, naming no data."""


@dataclass(frozen=True)
class CardImageData:
    content_type: str
    data: bytes
    sha256: str
    width: int
    height: int


def sniff(data: bytes) -> str | None:
    """What the first bytes say the file is, for the refusal message."""
    signatures = (
        (b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"%PDF", "a PDF document"),
        (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive or Office document"),
        (b"MZ", "a Windows program"), (b"\x7fELF", "a program"), (b"<", "a web page or XML"),
    )
    for magic, name in signatures:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "an HEIC photo (set the phone to 'Most compatible' or send a JPEG)"
    return None


def validate(data: bytes, *, side: str) -> CardImageData:
    """The card image if `data` is a JPEG, PNG or WebP image under the size limit that decodes;
    otherwise `CardRefused` with a sentence for the front desk."""
    where = f"The {side} of the card"
    if not data:
        raise CardRefused(f"{where}: the file is empty.")
    if len(data) > MAX_CARD_BYTES:
        raise CardRefused(f"{where}: the file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
                          f"{MAX_CARD_BYTES // 1024 // 1024} MB. Take the photo again at a "
                          "lower resolution.")
    kind = sniff(data)
    if kind not in ACCEPTED:
        found = kind or "not an image this page reads"
        raise CardRefused(f"{where} must be a JPEG, PNG or WebP image; this file is {found}.")
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != kind:
                    raise CardRefused(f"{where}: the file's content does not match its type.")
                width, height = probe.size
                if width * height > MAX_CARD_PIXELS:
                    raise CardRefused(f"{where}: the image is {width} × {height} pixels, too "
                                      "large to be a card photo.")
                probe.verify()
            with Image.open(io.BytesIO(data)) as full:
                full.load()  # verify() checks structure; a truncated body fails here
    except CardRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise CardRefused(f"{where}: the image is too large to be a card photo.") from None
    except Exception:
        raise CardRefused(f"{where}: the image is damaged or incomplete and cannot be "
                          "read.") from None
    return CardImageData(ACCEPTED[kind], data, hashlib.sha256(data).hexdigest(), width, height)
