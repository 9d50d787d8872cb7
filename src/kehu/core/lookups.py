"""Lookups the ORM lacks."""

from __future__ import annotations

from typing import Any

from django.db import models


class AnyOf(models.Lookup):
    """`AnyOf(F("pk"), ids)`: the value is one of the integers `ids`, sent as one parameter
    rather than one per id, which costs little at thousands of ids: on PostgreSQL an array
    of the column's own type, which it can hash to test rows it walks; on SQLite a JSON
    array."""

    lookup_name = "any_of"
    prepare_rhs = False

    def _listed(self, opening: str, closing: str) -> str:
        return opening + ",".join(str(int(pk)) for pk in self.rhs) + closing

    def as_postgresql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        element = self.lhs.output_field.rel_db_type(connection)
        return f"{lhs} = ANY(%s::{element}[])", (*lhs_params, self._listed("{", "}"))

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, self._listed("[", "]"))
