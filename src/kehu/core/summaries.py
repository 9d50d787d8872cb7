"""Tables of sums kept by the database as the rows they sum are written.

Reports over a million customers (receivables' ageing, the pipeline's totals) read a few
rows per salesperson instead of every open order or deal. A `Summary` names the table it
keeps, the table it sums, the keys a row of sums is found by, the amounts it adds up and
which rows count. Its triggers add a row's amounts as it comes to count and take them away
as it stops (written, changed, deleted), in the writing transaction, on every path —
services, imports, bulk updates, other triggers — on SQLite as on PostgreSQL. A row of sums
nothing counts in any more is deleted. `recompute` rebuilds the table from the rows, for
the tests that compare the two and for a repair.

Amounts are summed in integer cents so that adding and taking away stays exact on SQLite,
which holds decimals as floating point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def in_cents(expression: str) -> str:
    """A money expression as whole cents."""
    return f"CAST(ROUND(({expression}) * 100) AS BIGINT)"


@dataclass(frozen=True)
class Summary:
    """`table` sums the rows of `source` that meet `counts`, per `keys`.

    Expressions are SQL over a row of `source` written `{row}.column`. `keys` and `sums`
    map the summary's columns to them; `nullable` names the keys that may be NULL (matched
    as equal); `latest` columns are set to their expression at every change, not summed;
    `counted` is the column counting the rows; `watched` the source's columns whose change
    can move a row between sums (a change to any other leaves the sums alone).
    """

    table: str
    source: str
    keys: dict[str, str]
    sums: dict[str, str]
    counts: str
    counted: str
    watched: tuple[str, ...]
    nullable: frozenset[str] = frozenset()
    latest: dict[str, str] = field(default_factory=dict)

    def _match(self, row: str) -> str:
        def same(column: str, expression: str) -> str:
            value = expression.format(row=row)
            if column in self.nullable:
                return f"COALESCE({column}, 0) = COALESCE({value}, 0)"
            return f"{column} = {value}"

        return " AND ".join(same(column, value) for column, value in self.keys.items())

    def _moves(self, row: str, sign: str, *, upsert: bool) -> list[str]:
        """Statements adding (`sign` "+") or taking away ("-") the `row`, when it counts.

        With `upsert` (PostgreSQL) the sums change in one `INSERT … ON CONFLICT DO UPDATE`:
        an insert that found the row and an update after it would add nothing if another
        transaction deleted the row, emptied, in between; the upsert inserts it again.
        """
        counts = self.counts.format(row=row)
        match = self._match(row)
        columns = [*self.keys, *self.sums, *self.latest, self.counted]
        keys = [expression.format(row=row) for expression in self.keys.values()]
        latest = [expression.format(row=row) for expression in self.latest.values()]
        delete = f"DELETE FROM {self.table} WHERE {match} AND {self.counted} = 0"
        if upsert:
            amounts = [f"{sign}({e.format(row=row)})" for e in self.sums.values()]
            target = ", ".join(f"COALESCE({c}, 0)" if c in self.nullable else c for c in self.keys)
            added = [
                *(f"{c} = {self.table}.{c} + EXCLUDED.{c}" for c in [*self.sums, self.counted]),
                *(f"{c} = EXCLUDED.{c}" for c in self.latest),
            ]
            values = ", ".join([*keys, *amounts, *latest, f"{sign}1"])
            return [
                f"INSERT INTO {self.table} ({', '.join(columns)}) SELECT {values} "
                f"WHERE {counts} ON CONFLICT ({target}) DO UPDATE SET {', '.join(added)}",
                delete,
            ]
        values = ", ".join([*keys, *("0" for _ in self.sums), *latest, "0"])
        changes = [
            *(f"{c} = {c} {sign} {e.format(row=row)}" for c, e in self.sums.items()),
            *(f"{c} = {e.format(row=row)}" for c, e in self.latest.items()),
            f"{self.counted} = {self.counted} {sign} 1",
        ]
        return [
            f"INSERT INTO {self.table} ({', '.join(columns)}) SELECT {values} "
            f"WHERE {counts} ON CONFLICT DO NOTHING",
            f"UPDATE {self.table} SET {', '.join(changes)} WHERE {match} AND {counts}",
            delete,
        ]

    def _postgresql(self) -> list[str]:
        def block(row: str, sign: str) -> str:
            moves = self._moves(row, sign, upsert=True)
            return " ".join(f"{statement};" for statement in moves)

        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in self.watched)
        return [
            f"""
            CREATE OR REPLACE FUNCTION {self.table}_keep() RETURNS trigger AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN {block("OLD", "-")} END IF;
                IF TG_OP <> 'DELETE' THEN {block("NEW", "+")} END IF;
                RETURN NULL;
            END $$ LANGUAGE plpgsql
            """,
            f"CREATE TRIGGER {self.table}_write AFTER INSERT OR DELETE ON {self.source} "
            f"FOR EACH ROW EXECUTE FUNCTION {self.table}_keep()",
            f"CREATE TRIGGER {self.table}_update AFTER UPDATE ON {self.source} "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {self.table}_keep()",
        ]

    def _sqlite(self) -> list[str]:
        def body(*moves: tuple[str, str]) -> str:
            statements = (s for row, sign in moves for s in self._moves(row, sign, upsert=False))
            return " ".join(f"{s};" for s in statements)

        watched = ", ".join(self.watched)
        return [
            f"CREATE TRIGGER {self.table}_insert AFTER INSERT ON {self.source} "
            f"BEGIN {body(('NEW', '+'))} END",
            f"CREATE TRIGGER {self.table}_update AFTER UPDATE OF {watched} ON {self.source} "
            f"BEGIN {body(('OLD', '-'), ('NEW', '+'))} END",
            f"CREATE TRIGGER {self.table}_delete AFTER DELETE ON {self.source} "
            f"BEGIN {body(('OLD', '-'))} END",
        ]

    def keep(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        """Install the triggers (from a migration) and fill the table."""
        postgresql = schema_editor.connection.vendor == "postgresql"
        for statement in self._postgresql() if postgresql else self._sqlite():
            schema_editor.execute(statement)
        self.recompute()

    def renew(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        """Replace the trigger's function on PostgreSQL after its statements changed (from a
        migration); SQLite's triggers are unchanged."""
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(self._postgresql()[0])

    def stop(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            statements = [
                f"DROP TRIGGER {self.table}_update ON {self.source}",
                f"DROP TRIGGER {self.table}_write ON {self.source}",
                f"DROP FUNCTION {self.table}_keep()",
            ]
        else:
            statements = [f"DROP TRIGGER {self.table}_{when}" for when in _SQLITE_TRIGGERS]
        for statement in statements:
            schema_editor.execute(statement)

    def recompute(self) -> None:
        """Rebuild the table from the source's rows."""
        row = self.source
        keys = [expression.format(row=row) for expression in self.keys.values()]
        columns = [*self.keys, *self.sums, *self.latest, self.counted]
        values = [
            *keys,
            *(f"SUM({e.format(row=row)})" for e in self.sums.values()),
            *(f"MAX({e.format(row=row)})" for e in self.latest.values()),
            "COUNT(*)",
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")
            cursor.execute(
                f"INSERT INTO {self.table} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {self.source} "
                f"WHERE {self.counts.format(row=row)} GROUP BY {', '.join(keys)}"
            )


_SQLITE_TRIGGERS = ("delete", "update", "insert")
