"""Text that came from a user, made safe for where malark shows or writes it.

- `display_path`: a file name as text that is always valid UTF-8. A name the file system
  gave as bytes that are not UTF-8 (common after unzipping a Windows zip on Linux) is
  decoded with `os.fsdecode`, and each byte that is not UTF-8 is shown as U+FFFD (�);
  the file itself is still opened by its real name.
- `printable`: text for a terminal. Control characters (C0, DEL, C1: the escape sequences
  that move the cursor or recolour a terminal) are shown as visible symbols
  (U+2400–U+2421, e.g. ␛ for ESC), and the Unicode direction overrides that can make text
  read differently from what it is (U+202A–U+202E, U+2066–U+2069) as `<U+202E>`. Tab
  and newline stay.
- `utf16_length` and `cut_for_excel`: Excel counts a cell's 32,767 characters in UTF-16
  code units, so an emoji counts twice; a cut never splits a surrogate pair.
- `xml_safe`: text an xlsx file can hold (XML 1.0 forbids most control characters).
- `fit`: text cut at a word boundary to a limit (data-validation titles and messages).
"""

from __future__ import annotations

import os
import re

__all__ = [
    "EXCEL_CELL_LIMIT",
    "cut_for_excel",
    "display_path",
    "fit",
    "printable",
    "utf16_length",
    "xml_safe",
]

EXCEL_CELL_LIMIT = 32_767
"""Characters (UTF-16 code units) an Excel cell holds."""
REPLACEMENT = "\ufffd"

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udfff]")


def display_path(path: str | os.PathLike[str] | bytes) -> str:
    """`path` as text for messages, JSON and workbooks: valid UTF-8 whatever its bytes."""
    text = os.fsdecode(path)
    if not _SURROGATES.search(text):
        return text
    try:  # the bytes os.fsdecode could not decode, each shown as U+FFFD
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte
        return _SURROGATES.sub(REPLACEMENT, text)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if 0xD800 <= code <= 0xDFFF:
        return REPLACEMENT
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


def printable(text: str) -> str:
    """`text` with control characters and direction overrides made visible (a lone
    surrogate, from a file name that is not UTF-8, as U+FFFD)."""
    return _CONTROLS.sub(_picture, text)


def utf16_length(text: str) -> int:
    """Length as Excel counts it (UTF-16 code units: a character outside the BMP is 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cut_for_excel(text: str, limit: int = EXCEL_CELL_LIMIT, *, marker: str = "…") -> str:
    """`text` shortened to at most `limit` UTF-16 units (ending in `marker` when cut)."""
    if len(text) <= limit // 2 or utf16_length(text) <= limit:
        return text
    budget = limit - utf16_length(marker)
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > budget:
            return text[:index] + marker
    return text  # pragma: no cover - the length check above returned already


def xml_safe(text: str) -> str:
    """`text` without the characters an xlsx cell cannot hold (shown as U+FFFD)."""
    return _XML_ILLEGAL.sub(REPLACEMENT, text)


def fit(text: str, limit: int) -> str:
    """`text` cut at the last word boundary within `limit` UTF-16 units (no `…`: Excel's
    dialog titles and messages are short labels)."""
    if utf16_length(text) <= limit:
        return text
    cut = cut_for_excel(text, limit, marker="")
    at = cut.rstrip().rfind(" ")
    return (cut[:at] if at > 0 else cut).rstrip(" ,.;:–-")
