"""The refusals every API route may answer with, written into the OpenAPI description once
for all of them (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]), in the one error shape of
docs/api.md. A view documents only what is its own: its success, and a refusal whose body
says more (the candidates of a likely duplicate, a credit block's figures), which the shared
shape then joins."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

ERROR = "Error"
INVALID = "ValidationError"
CONFLICT = "Conflict"

BODY_METHODS = {"post", "put", "patch"}
WRITE_METHODS = {*BODY_METHODS, "delete"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _components() -> dict[str, Any]:
    messages = {"type": "array", "items": {"type": "string"}}
    detail = {"type": "string", "description": _("Why the request was refused.")}
    return {
        ERROR: {
            "type": "object",
            "description": _(
                "A refusal: why, and, when it concerns fields or parameters, each of them "
                "with its messages."
            ),
            "properties": {"detail": detail},
            "required": ["detail"],
            "additionalProperties": messages,
        },
        INVALID: {
            "type": "object",
            "description": _(
                "Input that is not valid: the messages of each field or parameter, those of a "
                "list's items or an object's fields under it, or a detail for the whole request."
            ),
            "properties": {"detail": detail, "non_field_errors": messages},
            "additionalProperties": {"anyOf": [{"type": "array", "items": {}}, {"type": "object"}]},
        },
        CONFLICT: {
            "type": "object",
            "description": _(
                "A write refused because of the record's state: someone saved it since it was "
                "read (with its current version), or a business rule refuses the change."
            ),
            "properties": {
                "detail": detail,
                "current_version": {"type": "integer"},
            },
            "required": ["detail"],
        },
    }


def _refusals(method: str, public: bool) -> dict[str, tuple[str, str]]:
    """Status code → (body, description) of the refusals this kind of operation may give."""
    refusals = {"400": (INVALID, _("The request is not valid; nothing was written."))}
    if method in BODY_METHODS:
        refusals["413"] = (ERROR, _("The body is larger than the limit."))
        refusals["415"] = (ERROR, _("The body is in a format the API does not read."))
    if public:
        return refusals
    refusals["401"] = (ERROR, _("No valid token or session came with the request."))
    refusals["403"] = (
        ERROR,
        _("The role may not do this, or may not change the fields the body names."),
    )
    refusals["404"] = (
        ERROR,
        _("No such record among those the caller may see, or a page past the end."),
    )
    if method in WRITE_METHODS:
        refusals["409"] = (CONFLICT, _("The record's state refuses the write; nothing changed."))
    return refusals


def _joined(response: dict[str, Any], name: str) -> None:
    """A view's own body for a code, joined by the shared one the kernel may answer with."""
    content = response.setdefault("content", {}).setdefault("application/json", {})
    own = content.get("schema")
    content["schema"] = _ref(name) if own is None else {"anyOf": [own, _ref(name)]}


def error_responses(result: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {}).update(_components())
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", *WRITE_METHODS}:
                continue
            public = operation.get("security") == [{}]
            responses = operation.setdefault("responses", {})
            for code, (name, description) in _refusals(method, public).items():
                response = responses.setdefault(code, {"description": description})
                response["description"] = response.get("description") or description
                _joined(response, name)
            for code, response in responses.items():
                if code.startswith("4") and not response.get("content"):
                    _joined(response, ERROR)
    return result
