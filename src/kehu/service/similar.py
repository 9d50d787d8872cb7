"""Similar cases: the past tickets and knowledge articles most like a problem as it is
being written, found in the database itself.

Chinese has no spaces, so a text is first cut into words (jieba, in its search mode, which
also yields the shorter words inside long ones: 外包装 gives 包装 too). A ticket's or an
article's words are kept in its `terms` column, space-separated, by the services that write
it. PostgreSQL searches them with its full-text search (the 'simple' configuration, which
takes the words as they are) over an expression index; SQLite with an FTS5 table kept by
the same services. SQLite ranks by bm25, which weighs how rare the shared words are;
PostgreSQL by ts_rank_cd, which counts them and how close together they stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection

SQLITE_TABLE = "service_similar"
CREATE = [
    f"CREATE VIRTUAL TABLE {SQLITE_TABLE} USING fts5(kind UNINDEXED, record UNINDEXED, terms)"
]
DROP = [f"DROP TABLE IF EXISTS {SQLITE_TABLE}"]
# The expression PostgreSQL's indexes are built on, and every search repeats, so that the
# planner uses them.
VECTOR = "to_tsvector('simple', {table}.terms)"

TICKET, ARTICLE = "ticket", "article"
# Words that say nothing of the problem: function words, and what every customer writes.
_STOP_WORDS = """
的 了 是 在 我 我们 你 你们 他 她 它 他们 有 和 与 及 就 都 也 还 又 很 到 说 要 会 能
着 没有 没 不 这 那 这个 那个 一个 一些 什么 怎么 为什么 可以 已经 现在 因为 所以 但是
如果 还是 或者 以及 而且 然后 之后 之前 时候 问题 客户 反映 反馈 说明 情况 一下 请
谢谢 您好 你好 麻烦 需要 希望 要求 处理 这批 这次 上次 收到 发现 一直 比较 非常
"""
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[\w\u4e00-\u9fff]+")


@cache
def _jieba() -> Any:
    # Loaded on first use: its dictionary takes a second to read, which no command that
    # does not search should pay.
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


def terms(*texts: str) -> str:
    """The words of the texts as the index keeps them: cut, lower-cased, without stop
    words, punctuation or lone digits, space-separated."""
    words = []
    for text in texts:
        for word in _jieba().cut_for_search(text or ""):
            word = word.strip().lower()
            if _WORD.fullmatch(word) and not word.isdigit() and word not in _STOP:
                words.append(word)
    return " ".join(words)


def _query_words(text: str, limit: int = 40) -> list[str]:
    """The distinct words of a query, at most `limit` of them (a long description)."""
    return list(dict.fromkeys(terms(text).split()))[:limit]


def sqlite_index(kind: str, record: int, words: str | None) -> None:
    """Keep a record's row of the SQLite index: `words` None removes it."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {SQLITE_TABLE} WHERE kind = %s AND record = %s", [kind, record]
        )
        if words:
            cursor.execute(
                f"INSERT INTO {SQLITE_TABLE} (kind, record, terms) VALUES (%s, %s, %s)",
                [kind, record, words],
            )


@dataclass(frozen=True)
class Match:
    kind: str
    record: int
    score: float


def matches(text: str, *, limit: int) -> list[Match]:
    """The indexed records whose words best match `text`'s, best first; the caller keeps
    those its reader may see."""
    words = _query_words(text)
    if not words:
        return []
    if connection.vendor == "sqlite":
        return _sqlite_matches(words, limit)
    return _postgres_matches(words, limit)


def _sqlite_matches(words: list[str], limit: int) -> list[Match]:
    query = " OR ".join('"' + word.replace('"', '""') + '"' for word in words)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, record, bm25({SQLITE_TABLE}) AS score FROM {SQLITE_TABLE} "
            f"WHERE {SQLITE_TABLE} MATCH %s ORDER BY score LIMIT %s",
            [query, limit],
        )
        return [Match(kind, int(record), -score) for kind, record, score in cursor.fetchall()]


def _postgres_matches(words: list[str], limit: int) -> list[Match]:
    # Each word quoted for to_tsquery, so that no character of it is taken for an operator.
    query = " | ".join("'" + word.replace("'", "''").replace("\\", "") + "'" for word in words)
    parts = []
    for kind, table, condition in (
        (TICKET, "service_ticket", "status IN ('resolved', 'closed')"),
        (ARTICLE, "service_article", "status = 'published'"),
    ):
        vector = VECTOR.format(table=table)
        parts.append(
            f"(SELECT '{kind}' AS kind, id, ts_rank_cd({vector}, q) AS score "
            f"FROM {table}, to_tsquery('simple', %s) q "
            f"WHERE {vector} @@ q AND {condition} ORDER BY score DESC LIMIT %s)"
        )
    sql = " UNION ALL ".join(parts) + " ORDER BY score DESC LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [query, limit, query, limit, limit])
        return [Match(kind, int(record), float(score)) for kind, record, score in cursor.fetchall()]
