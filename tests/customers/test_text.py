import pytest

from kehu.customers.text import name_grams, pinyin_keys, query_grams


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("张三", ("zhangsan", "zs")),
        ("重庆火锅", ("chongqinghuoguo", "cqhg")),
        ("ABC科技", ("abckeji", "abckj")),
        ("宏达食品 2 厂", ("hongdashipin2chang", "hdsp2c")),
        ("", ("", "")),
    ],
)
def test_pinyin_keys_spell_chinese_and_keep_other_runs_whole(name, keys):
    assert pinyin_keys(name) == keys


def test_name_grams_hold_each_pair_of_neighbouring_characters_once():
    assert name_grams("宏达宏达 Co", "hdhdco") == "co dc dh hd 宏达 达宏"
    assert set(query_grams("宏达")) <= set(name_grams("哈尔滨宏达乳业", "hebhdry").split())
    assert query_grams("宏") == [] and query_grams("z w") == []
