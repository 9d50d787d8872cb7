"""Every message Kehu shows is in a catalogue, and translated into Simplified Chinese."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "kehu"


def _entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of each entry but the header; plural forms joined."""
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            translated = "".join(v for k, v in fields.items() if k.startswith("msgstr"))
            entries.append((fields["msgid"], translated, fuzzy))
    return entries


def _untranslated(package: Path) -> list[str]:
    return [
        f"{po.relative_to(package)}: {msgid}"
        for po in sorted(package.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))
        for msgid, translated, fuzzy in _entries(po)
        if fuzzy or not translated
    ]


def test_the_catalogues_are_translated():
    assert _untranslated(PACKAGE) == []


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext's xgettext is not installed")
def test_every_message_of_the_code_is_in_a_catalogue(tmp_path):
    """Gather the messages again from a copy of the code: a message the catalogues lack
    comes back untranslated."""
    copy = tmp_path / "kehu"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kehu.settings"},
        check=True,
        capture_output=True,
    )
    assert _untranslated(copy) == []


def test_translation_functions_keep_names_makemessages_knows():
    """makemessages finds messages by the names of the functions that mark them (`_`,
    `gettext_lazy`, …): a message marked through another alias is never translated."""
    aliased = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                aliased += [
                    f"{path.relative_to(PACKAGE)}: {alias.name} as {alias.asname}"
                    for alias in node.names
                    if alias.asname not in (None, "_")
                ]
    assert aliased == []
