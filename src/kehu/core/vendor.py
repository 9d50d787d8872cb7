"""Front-end files from npm packages, served as static files under vendor/<package>.

Only the files pages use are collected: the packages' whole folders are 117 MB of variants,
source maps and sources, and compressing them all made every `kehu serve` start ~4 s late.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, overload

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Warning
from django.core.files.storage import FileSystemStorage


def _files() -> dict[str, Path]:
    """Each served path (vendor/<package>/<file>) and the file it comes from."""
    return {
        f"vendor/{package}/{name}": folder / name
        for package, (folder, names) in settings.KEHU_VENDOR_FILES.items()
        for name in names
    }


class VendorFinder(BaseFinder):
    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return [
            Warning(f"{source} is missing: run `npm ci`.", id="kehu.W001")
            for source in _files().values()
            if not source.is_file()
        ]

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...

    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...

    def find(self, path: str, find_all: bool = False) -> str | list[str] | None:
        source = _files().get(path)
        found = str(source) if source is not None and source.is_file() else None
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for path, source in _files().items():
            if source.is_file():
                storage = FileSystemStorage(location=source.parent)
                storage.prefix = str(Path(path).parent)  # type: ignore[attr-defined]
                yield source.name, storage
