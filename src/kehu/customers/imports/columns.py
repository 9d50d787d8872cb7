"""What a column of an import can hold, and recognising columns by their headers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from kehu.customers.models import (
    Customer,
)


@dataclass(frozen=True)
class Target:
    """Something a column can be imported into: a customer field, its tags, or one contact."""

    key: str
    label: str | Promise
    aliases: tuple[str, ...]  # usual headers besides the label
    # Recognised only for columns no usual alias of any target claims.
    fallback: tuple[str, ...] = ()


def _target(key: str, aliases: str, *, label: str | Promise = "", fallback: str = "") -> Target:
    """A target; `aliases` and `fallback` are separated by "|", the label defaults to the
    customer field's."""
    if not label:
        label = Customer._meta.get_field(key).verbose_name  # type: ignore[union-attr]
    return Target(key, label, tuple(aliases.split("|")), tuple(filter(None, fallback.split("|"))))


TARGETS: tuple[Target, ...] = (
    _target(
        "name",
        "客户名称|名称|公司名称|企业名称|单位名称|客户名|customer|customer name|company"
        "|company name",
        fallback="姓名|客户",
    ),
    _target("kind", "客户类型|类型|type|customer type"),
    _target("phone", "手机|电话|联系电话|手机号|手机号码|电话号码|座机|mobile|tel|telephone"),
    _target("email", "邮箱|电子邮件|电子邮箱|email|mail"),
    _target("province", "省份|省|所在省份"),
    _target("city", "城市|市|所在城市"),
    _target("district", "区县|区|县|county"),
    _target("address", "地址|详细地址|通讯地址|street"),
    _target("industry", "行业|所属行业"),
    _target("business_mode", "业务模式|经营模式"),
    _target("source_channel", "来源|客户来源|来源渠道|source"),
    _target("owner", "负责人|所属销售|销售|业务员|客户经理|归属人|sales rep|salesperson"),
    _target("tags", "标签|tag"),
    _target("credit_rating", "信用等级|信用评级"),
    _target("credit_limit", "信用额度|授信额度"),
    _target("currency", "币种|货币"),
    _target("annual_revenue", "年营业额|年收入|年销售额|营业额|revenue"),
    _target("employee_count", "员工数|员工人数|人数|employee count|staff"),
    _target("tax_id", "统一社会信用代码|信用代码|税号|纳税人识别号|tax id|tax number"),
    _target("relationship_level", "关系等级|客户关系|relationship"),
    _target("lifecycle_stage", "生命周期|生命周期阶段|客户阶段|lifecycle|stage"),
    _target("notes", "备注|说明|note|remarks|comments"),
    _target(
        "contact_name",
        "联系人|联系人姓名|联系人名称|contact|contact person",
        label=gettext_lazy("Contact name"),
    ),
    _target(
        "contact_phone",
        "联系人电话|联系人手机|联系人手机号|联系人联系电话",
        label=gettext_lazy("Contact phone"),
    ),
    _target(
        "contact_title",
        "职务|职位|联系人职务|联系人职位|title|job title|position",
        label=gettext_lazy("Contact title"),
    ),
    _target("contact_email", "联系人邮箱|联系人电子邮件", label=gettext_lazy("Contact e-mail")),
)
TARGET_KEYS = {target.key: target for target in TARGETS}
CONTACT = "contact_"

_BRACKETED = re.compile(r"\(.*?\)|\[.*?\]|【.*?】")
_NOT_IN_KEY = re.compile(r"[\s*:_\-·.]+")


def _header_key(text: str) -> str:
    """A header as compared with the aliases: width, case, notes in brackets ("手机（必填）"),
    asterisks, spaces and dashes ignored."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _NOT_IN_KEY.sub("", _BRACKETED.sub("", text))


@cache
def _alias_index() -> tuple[dict[str, str], dict[str, str]]:
    """(usual, fallback) header keys → target key. A target's label is an alias in every
    language, so a file Kehu exported comes back in without help."""
    usual: dict[str, str] = {}
    fallback: dict[str, str] = {}
    for target in TARGETS:
        labels = [target.key]
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                labels.append(str(target.label))
        for alias in (*labels, *target.aliases):
            usual.setdefault(_header_key(alias), target.key)
        for alias in target.fallback:
            fallback.setdefault(_header_key(alias), target.key)
    return usual, fallback


def detect_columns(headers: Sequence[str]) -> dict[str, int]:
    """Target key → index of the column it is read from, for the headers Kehu recognises."""
    columns: dict[str, int] = {}
    for index in _alias_index():
        for position, header in enumerate(headers):
            key = index.get(_header_key(header))
            if key and key not in columns and position not in columns.values():
                columns[key] = position
    return columns


def column_name(headers: Sequence[str], index: int) -> str:
    """The header of a column, or its spreadsheet letter when the header is empty."""
    header = headers[index] if index < len(headers) else ""
    return header or get_column_letter(index + 1)


def name_column_missing(headers: Sequence[str]) -> str:
    """What to say when no column is recognised as the customer name."""
    found = ", ".join(f"“{h}”" for h in headers if h) or "—"
    return _(
        "No column holds the customer name: name it 客户名称 or “name”, or choose it in the "
        "column mapping. The columns of the file are: %(headers)s."
    ) % {"headers": found}
