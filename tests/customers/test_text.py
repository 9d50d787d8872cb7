import pytest

from kehu.customers.text import pinyin_keys


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
