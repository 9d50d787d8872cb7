"""The front-end files pages name are the ones collected from the npm packages."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management import call_command

import kehu

_NAMED = re.compile(r"""\{% static ['"](vendor/[^'"]+)['"] %\}""")


def _named_in_templates() -> set[str]:
    package = Path(kehu.__file__).parent
    return {
        path
        for template in package.rglob("*.html")
        for path in _NAMED.findall(template.read_text(encoding="utf-8"))
    }


def test_every_vendor_file_a_page_names_is_found() -> None:
    named = _named_in_templates()
    assert "vendor/htmx/htmx.min.js" in named
    assert {path: bool(finders.find(path)) for path in named} == dict.fromkeys(named, True)


def test_only_the_named_vendor_files_are_collected(settings, tmp_path) -> None:
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    collected = {
        str(path.relative_to(tmp_path))
        for path in (tmp_path / "vendor").rglob("*")
        if path.is_file() and path.suffix != ".gz"
    }
    assert collected == _named_in_templates()
