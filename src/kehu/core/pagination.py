"""Pagination that stays cheap at a million rows: counting stops at a limit.

An exact COUNT(*) over a million visible customers costs ~100 ms on PostgreSQL and more on
SQLite, on every page. Past `COUNT_LIMIT` rows the count says only "more than COUNT_LIMIT"
(`exact` is False), and whether a next page exists is learnt from one extra row fetched
with the page, so no page costs more than counting COUNT_LIMIT + 1 rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Expression, F, OrderBy, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.sql.where import WhereNode
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings

COUNT_LIMIT = 10_000


class CappedPage(Page):
    """A page that knows from its extra row whether another one follows."""

    def __init__(
        self, object_list: Sequence[Any], number: int, paginator: Paginator, *, has_more: bool
    ) -> None:
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self) -> bool:
        return self.has_more


class CappedPaginator(Paginator):
    """A Paginator whose `count` stops at `count_limit`; `exact` tells whether it did.

    A caller that learnt the number of rows from a query it ran anyway passes it as
    `known_count`, and nothing is counted again.

    `sort_found` is for the results of a search: the count reads their ids together with
    what they are ordered by, and the database sorts them; when the count read them all,
    a page is a slice of those ids. The database cannot tell in advance whether the
    matches are so many that walking its ordering index soon fills a page, or so few that
    the walk passes a hundred thousand rows for one page; the count tells, and past
    `count_limit` matches the walk is short.
    """

    count_limit = COUNT_LIMIT
    # A search PostgreSQL's planner expects to match at least this many times is shown as
    # "more than count_limit" without counting: reading 10,001 matches only to learn that
    # there are more took 28 ms of an administrator's two-character search at a million
    # customers. The planner's estimates of the pair index's common pairs are close (宏达:
    # 23,066–24,634 planned, 23,905 found; zw: 15,767 planned, 15,473 found): a pair in 1 %
    # of the customers appears ~300 times in ANALYZE's sample of 30,000 rows, which puts
    # its estimate within a few per cent. A rarer search, or one limited to a team, plans
    # fewer rows and is counted. Half the limit again leaves room for ten times that error;
    # twice the limit counted zw's matches for an administrator (14 ms of 39).
    planned_past_limit = COUNT_LIMIT * 3 // 2

    def __init__(
        self,
        *args: Any,
        known_count: int | None = None,
        sort_found: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.known_count = known_count
        self.sort_found = sort_found
        self._found: list[Any] | None = None

    @cached_property
    def _counted(self) -> int:
        """The number of rows, or count_limit + 1 when there are more than count_limit."""
        if self.known_count is not None:
            return self.known_count
        rows: Any = self.object_list
        if hasattr(rows, "count") and hasattr(rows, "query"):
            if rows.query.is_sliced:
                return int(rows.values("pk")[: self.count_limit + 1].count())
            if self.sort_found:
                if _planned_rows(rows) >= self.planned_past_limit:
                    return self.count_limit + 1
                found = _sorted_ids(rows, self.count_limit + 1)
                if len(found) <= self.count_limit:
                    self._found = found
                return len(found)
            # Without its ordering the database stops at the limit instead of sorting all.
            return int(rows.order_by().values("pk")[: self.count_limit + 1].count())
        return min(len(rows), self.count_limit + 1)

    @property
    def exact(self) -> bool:
        return self.known_count is not None or self._counted <= self.count_limit

    @cached_property
    def count(self) -> int:
        return self._counted if self.exact else self.count_limit

    def validate_number(self, number: Any) -> int:
        if self.exact:
            return super().validate_number(number)
        # Past the limit the last page is unknown: any page is valid until one comes back empty.
        try:
            value = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if value < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return value

    def _rows(self) -> Any:
        rows: Any = self.object_list
        if self.exact and self._found is not None:
            return SliceByIds(rows, ids=self._found)
        return rows

    def page(self, number: Any) -> CappedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self._rows()[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        more = len(rows) > self.per_page
        return CappedPage(rows[: self.per_page], number, self, has_more=more)


def _planned_rows(rows: QuerySet[Any]) -> float:
    """How many rows PostgreSQL's planner expects `rows` to hold; 0 elsewhere."""
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return 0
    sql, params = rows.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return float(plan[0]["Plan"]["Plan Rows"])


def _sorted_ids(rows: QuerySet[Any], limit: int) -> list[Any]:
    """The ids of up to `limit` of `rows` as the database comes upon them, then sorted in
    the order of `rows`: one query, which reads each found row once.

    Sorting the found rows in a second query looked each of them up again by its id: for a
    manager's 1,453 matches of zw among a million customers, 6–8 ms of the request.
    """
    connection = connections[rows.db]
    quote = connection.ops.quote_name
    orders = [_order_by(item) for item in rows.query.order_by or rows.model._meta.ordering]
    keys = {f"sort_{index}": order.expression for index, order in enumerate(orders)}
    found = rows.order_by().annotate(found_id=F("pk"), **keys)
    sql, params = found.values_list("found_id", *keys)[:limit].query.sql_with_params()
    order_by = ", ".join(
        quote(key)
        + (" DESC" if order.descending else " ASC")
        + (" NULLS FIRST" if order.nulls_first else " NULLS LAST" if order.nulls_last else "")
        for key, order in zip(keys, orders, strict=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('found_id')} FROM ({sql}) found ORDER BY {order_by}", params)
        return [row[0] for row in cursor.fetchall()]


def _order_by(ordering: str | Combinable) -> OrderBy:
    """An item of a queryset's ordering as the expression Django orders by."""
    if isinstance(ordering, str):
        return OrderBy(F(ordering.removeprefix("-")), descending=ordering.startswith("-"))
    if isinstance(ordering, OrderBy):
        return ordering
    assert isinstance(ordering, Expression | F), ordering
    return ordering.asc()


class SliceByIds:
    """An ordered queryset whose slices are read in two steps: the slice's ids, which the
    indexes can answer without reading a row, then only those rows.

    For a filter that only a join can check (whose customer an order is, say), reading each
    candidate row to learn that costs more than the page itself. `ids`, if given, is the
    same rows in the same order by a cheaper way, or already read. It has no count: give
    the paginator `known_count`.
    """

    def __init__(
        self, queryset: QuerySet[Any], *, ids: QuerySet[Any] | list[Any] | None = None
    ) -> None:
        self.queryset = queryset
        self.ids = queryset if ids is None else ids

    def __getitem__(self, window: slice) -> list[Any]:
        if isinstance(self.ids, list):
            ids = self.ids[window]
        else:
            ids = list(self.ids.values_list("pk", flat=True)[window])
        # The ids were found by the queryset's conditions; they are not checked again. With
        # a search's condition SQLite started from every match to find the page's 50 rows:
        # 4–6 ms of an administrator's search for 宏达 at 100,000 customers, against 0.8.
        rows = self.queryset.all()
        rows.query.where = WhereNode()
        found = rows.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


class Pagination(PageNumberPagination):
    """`count`, `next`, `previous`, `results`, and `count_exact`: False when `count` stopped
    at COUNT_LIMIT because there are more rows (see docs/api.md)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def django_paginator_class(self, queryset: Any, per_page: int) -> CappedPaginator:  # type: ignore[override]
        request = self.request
        searched = request is not None and bool(request.query_params.get(api_settings.SEARCH_PARAM))
        return CappedPaginator(queryset, per_page, sort_found=searched)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        page: Any = self.page
        response.data["count_exact"] = page.paginator.exact
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"False when there are more than {COUNT_LIMIT:,} results and "
            "`count` stopped counting there.",
        }
        described["required"] = [*described.get("required", []), "count_exact"]
        return described
