"""Just enough PDF reading to test WeasyPrint's output without a PDF library: inflate every stream
(object streams hold the catalogue and the structure tree), then turn the page text back into Unicode
through each font's ToUnicode map. Not a general PDF reader: WeasyPrint's own output only."""

from __future__ import annotations

import re
import zlib

STREAM = re.compile(rb"<<(?P<dict>(?:(?!>>\s*stream).)*?)>>\s*stream\r?\n", re.S)


def streams(pdf: bytes) -> list[tuple[bytes, bytes]]:
    """(dictionary, inflated content) of every stream in the file."""
    found = []
    for match in STREAM.finditer(pdf):
        start = match.end()
        end = pdf.find(b"endstream", start)
        raw = pdf[start:end].rstrip(b"\r\n")
        content = raw
        if b"/FlateDecode" in match.group("dict"):
            try:
                content = zlib.decompress(raw)
            except zlib.error:
                content = zlib.decompressobj().decompress(raw)
        found.append((match.group("dict"), content))
    return found


def objects_text(pdf: bytes) -> bytes:
    """The file's own bytes plus every inflated stream: where to look for /StructTreeRoot and the like."""
    return pdf + b"\n".join(content for _, content in streams(pdf))


def _cmap(content: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", content, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", content, re.S):
        for low, high, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = int.from_bytes(bytes.fromhex(text.decode()), "big")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def text(pdf: bytes) -> str:
    """The words on the pages, roughly in order; glyphs with no ToUnicode entry are dropped.

    WeasyPrint writes two-byte glyph ids as hex strings; each text block is decoded with the font map
    that knows most of its glyphs (good enough to find a phrase)."""
    maps = [
        _cmap(content)
        for _, content in streams(pdf)
        if b"beginbfchar" in content or b"beginbfrange" in content
    ]
    words = []
    for _, content in streams(pdf):
        if b"TJ" not in content and b"Tj" not in content:
            continue
        for block in re.findall(rb"BT(.*?)ET", content, re.S):
            pieces = re.findall(rb"<([0-9A-Fa-f]+)>", block)
            codes = [int(p[i : i + 4], 16) for p in pieces for i in range(0, len(p), 4)]
            best = max(maps, key=lambda m: sum(1 for c in codes if c in m), default={})
            words.append("".join(best.get(c, "") for c in codes))
    return " ".join(words)
