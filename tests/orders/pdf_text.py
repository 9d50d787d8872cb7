"""Just enough PDF reading for the tests: the characters an embedded font's ToUnicode map
covers, and whether a font file is embedded."""

from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def streams(pdf: bytes) -> list[bytes]:
    out = []
    for match in _STREAM.finditer(pdf):
        raw = match.group(1)
        try:
            out.append(zlib.decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


def mapped_characters(pdf: bytes) -> set[str]:
    """Every character some glyph of an embedded font stands for (from the ToUnicode maps)."""
    characters: set[str] = set()
    for stream in streams(pdf):
        if b"begincmap" not in stream:
            continue
        for _glyph, code in _BFCHAR.findall(stream):
            characters.add(bytes.fromhex(code.decode()).decode("utf-16-be"))
    return characters


def embeds_a_font(pdf: bytes) -> bool:
    return b"/FontFile" in pdf
