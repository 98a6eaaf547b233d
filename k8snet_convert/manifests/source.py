"""A manifest file's bytes as text, and back: encoding by BOM, newline style, final newline.

Conversion works on ``str``; everything that is not edited must come back byte for byte, so the
decoding keeps what it needs to re-encode exactly (the BOM and the codec).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from ..errors import ConvertError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str
    bom: bytes
    newline: str  # the dominant line ending, used for inserted lines

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


def decode(data: bytes) -> SourceText:
    """Decode by BOM (UTF-8, UTF-16, UTF-32), else strict UTF-8."""
    bom = b""
    encoding = "utf-8"
    for mark, codec in _BOMS:
        if data.startswith(mark):
            bom, encoding = mark, codec
            break
    body = data[len(bom) :]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        col = exc.start - (body.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConvertError(
            f"not valid {encoding.upper()} ({exc.reason})",
            rule="invalid-encoding",
            hint="save the file as UTF-8 (or UTF-16 with a byte order mark)",
            line=line,
            column=col,
        ) from None
    if "\x00" in text:
        raise ConvertError(
            "the file contains NUL characters: it is binary, not YAML or JSON",
            rule="invalid-encoding",
        )
    return SourceText(text=text, encoding=encoding, bom=bom, newline=dominant_newline(text))


def dominant_newline(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"
