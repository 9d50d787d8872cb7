import pytest

from kehu.core import regions


def test_every_province_level_division_is_there():
    assert len(regions.provinces()) == 34
    assert {"北京市", "陕西省", "黑龙江省", "香港特别行政区"} <= set(regions.provinces())


def test_municipalities_have_themselves_as_the_city():
    assert regions.cities("北京市") == ["北京市"]
    assert "朝阳区" in regions.districts("北京市", "北京市")


def test_cities_and_districts_follow_the_tree():
    assert "渭南市" in regions.cities("陕西省")
    assert "大荔县" in regions.districts("陕西省", "渭南市")
    assert "济源市" in regions.cities("河南省")
    assert sum(len(d) for c in regions.region_tree().values() for d in c.values()) > 2800


def test_region_problems_name_the_field_that_is_wrong():
    assert regions.region_problems("陕西省", "渭南市", "大荔县") == {}
    assert regions.region_problems("", "", "") == {}
    assert set(regions.region_problems("火星省", "", "")) == {"province"}
    assert set(regions.region_problems("陕西省", "广州市", "")) == {"city"}
    assert set(regions.region_problems("陕西省", "渭南市", "海淀区")) == {"district"}
    assert set(regions.region_problems("", "渭南市", "")) == {"province"}


@pytest.mark.parametrize(
    ("written", "full"),
    [
        (("陕西", "西安", "雁塔"), ("陕西省", "西安市", "雁塔区")),
        (("陕西省", "西安市", "雁塔区"), ("陕西省", "西安市", "雁塔区")),
        (("", "西安", ""), ("陕西省", "西安市", "")),
        (("北京", "", "朝阳"), ("北京市", "北京市", "朝阳区")),
        (("吉林", "延边", ""), ("吉林省", "延边朝鲜族自治州", "")),
        (("新疆", "乌鲁木齐", ""), ("新疆维吾尔自治区", "乌鲁木齐市", "")),
        (("香港", "", ""), ("香港特别行政区", "", "")),
        (("火星", "西安", ""), ("火星", "西安", "")),
    ],
)
def test_divisions_written_short_resolve_to_their_full_names(written, full):
    assert regions.region_resolve(*written) == full
