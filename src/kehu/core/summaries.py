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
    can move a row between sums (SQLite's trigger fires on these alone; PostgreSQL's, once
    a statement, sums a change to any other to nothing).
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

    @property
    def _columns(self) -> list[str]:
        return [*self.keys, *self.sums, *self.latest, self.counted]

    def _key(self, column: str, value: str) -> str:
        """The key `column`'s `value` as the unique index compares it: a NULL one as 0."""
        return f"COALESCE({value}, 0)" if column in self.nullable else value

    def _match(self, row: str, keys: dict[str, str] | None = None) -> str:
        """The row of sums whose keys equal `keys` (their expressions over `row`; by default
        the source row's)."""
        return " AND ".join(
            f"{self._key(column, f'{self.table}.{column}')} = "
            f"{self._key(column, value.format(row=row))}"
            for column, value in (keys or self.keys).items()
        )

    def _moves(self, row: str, sign: str) -> list[str]:
        """Statements adding (`sign` "+") or taking away ("-") the `row`, when it counts
        (SQLite's triggers, one row at a time: its writers take turns)."""
        counts = self.counts.format(row=row)
        match = self._match(row)
        keys = [expression.format(row=row) for expression in self.keys.values()]
        latest = [expression.format(row=row) for expression in self.latest.values()]
        values = ", ".join([*keys, *("0" for _ in self.sums), *latest, "0"])
        changes = [
            *(f"{c} = {c} {sign} {e.format(row=row)}" for c, e in self.sums.items()),
            *(f"{c} = {e.format(row=row)}" for c, e in self.latest.items()),
            f"{self.counted} = {self.counted} {sign} 1",
        ]
        # Only an added row makes a row of sums: one taken away was added to its row before.
        made = (
            [
                f"INSERT INTO {self.table} ({', '.join(self._columns)}) SELECT {values} "
                f"WHERE {counts} ON CONFLICT DO NOTHING"
            ]
            if sign == "+"
            else []
        )
        return [
            *made,
            f"UPDATE {self.table} SET {', '.join(changes)} WHERE {match} AND {counts}",
            f"DELETE FROM {self.table} WHERE {match} AND {self.counted} = 0",
        ]

    def _statement(self, *changed: tuple[str, str]) -> list[str]:
        """PostgreSQL's: what one statement changed (its transition tables, each with the
        sign of its rows), summed per key and added in one `INSERT … ON CONFLICT DO UPDATE`
        per key, then the emptied rows deleted.

        Per statement, not per row: a statement writing many rows of one salesperson (an
        import, a handover) adds to their sums once, where a row's trigger would change the
        same row of sums once per row, each change a new version that the next must find.
        The upsert also keeps an amount that an update would lose when another transaction
        had just deleted the emptied row.
        """
        named = [f"{e.format(row='r')} AS {c}" for c, e in self.keys.items()]
        rows = " UNION ALL ".join(
            "SELECT "
            + ", ".join(
                [
                    *named,
                    *(f"{sign}{e.format(row='r')} AS {c}" for c, e in self.sums.items()),
                    *(f"{e.format(row='r')} AS {c}" for c, e in self.latest.items()),
                    f"{sign}1 AS {self.counted}",
                ]
            )
            + f" FROM {table} r WHERE {self.counts.format(row='r')}"
            for table, sign in changed
        )
        summed = [
            *self.keys,
            *(f"SUM({c})" for c in self.sums),
            *(f"MAX({c})" for c in self.latest),
            f"SUM({self.counted})",
        ]
        target = ", ".join(self._key(column, column) for column in self.keys)
        # The row of sums a grouped change goes to.
        changed_row = self._match("changes", {column: "{row}." + column for column in self.keys})
        added = [
            *(f"{c} = {self.table}.{c} + EXCLUDED.{c}" for c in [*self.sums, self.counted]),
            *(f"{c} = EXCLUDED.{c}" for c in self.latest),
        ]
        return [
            f"WITH changes AS ({rows}) "
            f"INSERT INTO {self.table} ({', '.join(self._columns)}) "
            f"SELECT {', '.join(summed)} FROM changes GROUP BY {', '.join(self.keys)} "
            # Only added rows make a row of sums: rows taken away were added to theirs before.
            f"HAVING SUM({self.counted}) > 0 OR EXISTS (SELECT 1 FROM {self.table} "
            f"WHERE {changed_row}) "
            f"ON CONFLICT ({target}) DO UPDATE SET {', '.join(added)}",
            # A statement of its own: the upsert's changes are not visible inside it.
            f"WITH changes AS ({rows}) DELETE FROM {self.table} USING changes "
            f"WHERE {changed_row} "
            f"AND {self.table}.{self.counted} = 0",
        ]

    def _postgresql(self) -> list[str]:
        events = {
            "insert": ("NEW TABLE AS new_rows", [("new_rows", "+")]),
            "update": (
                "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                [("old_rows", "-"), ("new_rows", "+")],
            ),
            "delete": ("OLD TABLE AS old_rows", [("old_rows", "-")]),
        }
        statements = []
        for event, (tables, changed) in events.items():
            function = f"{self.table}_{event}"
            statements += [
                f"""
                CREATE FUNCTION {function}() RETURNS trigger AS $$
                BEGIN
                    {"; ".join(self._statement(*changed))};
                    RETURN NULL;
                END $$ LANGUAGE plpgsql
                """,
                f"CREATE TRIGGER {function} AFTER {event.upper()} ON {self.source} "
                f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            ]
        return statements

    def _sqlite(self) -> list[str]:
        def body(*moves: tuple[str, str]) -> str:
            statements = (s for row, sign in moves for s in self._moves(row, sign))
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

    def stop(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            statements = [
                f"DROP TRIGGER {self.table}_{event} ON {self.source}; "
                f"DROP FUNCTION {self.table}_{event}()"
                for event in _EVENTS
            ]
        else:
            statements = [f"DROP TRIGGER {self.table}_{event}" for event in _EVENTS]
        for statement in statements:
            schema_editor.execute(statement)

    def recompute(self) -> None:
        """Rebuild the table from the source's rows."""
        row = self.source
        keys = [expression.format(row=row) for expression in self.keys.values()]
        values = [
            *keys,
            *(f"SUM({e.format(row=row)})" for e in self.sums.values()),
            *(f"MAX({e.format(row=row)})" for e in self.latest.values()),
            "COUNT(*)",
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")
            cursor.execute(
                f"INSERT INTO {self.table} ({', '.join(self._columns)}) "
                f"SELECT {', '.join(values)} FROM {self.source} "
                f"WHERE {self.counts.format(row=row)} GROUP BY {', '.join(keys)}"
            )


_EVENTS = ("delete", "update", "insert")
