"""Text as Kehu keeps it, whatever path it came in by."""

from __future__ import annotations

# The explicit bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069) reorder how text is shown: a name holding them can display as another
# name ("Trojan Source"). No name or note needs them, so they are dropped on the way in;
# the marks (U+200E, U+200F) are harmless and kept.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi_controls(text: str) -> str:
    return text.translate(_BIDI_CONTROLS)
