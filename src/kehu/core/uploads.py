"""Files people attach to records: the checks every upload passes before it is kept."""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def upload_checked(
    file: UploadedFile, *, limit: int, extensions: Collection[str] = (), field: str = "file"
) -> tuple[str, int]:
    """The file's name (without any path the browser sent) and size, once it is within
    `limit` bytes and, if `extensions` are given, of one of them; a ValidationError naming
    `field` otherwise."""
    size = file.size or 0
    name = (file.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:255]
    if size > limit:
        raise ValidationError(
            {
                field: _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
            }
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extensions and extension not in extensions:
        raise ValidationError(
            {
                field: _("Files of this kind cannot be attached. Allowed: %(kinds)s.")
                % {"kinds": ", ".join(sorted(extensions))}
            }
        )
    return name, size
