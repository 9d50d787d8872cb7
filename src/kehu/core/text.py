"""Text as Kehu keeps it, whatever path it came in by."""

from __future__ import annotations

import re

# The explicit bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069) reorder how text is shown: a name holding them can display as another
# name ("Trojan Source"). No name or note needs them, so they are dropped on the way in;
# the marks (U+200E, U+200F) are harmless and kept. A pattern finds them: it passes over text
# that holds none (nearly all) at C speed, where str.translate looks every character up in
# a dict (3× slower on Chinese text).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def without_bidi_controls(text: str) -> str:
    return _BIDI_CONTROLS.sub("", text)
