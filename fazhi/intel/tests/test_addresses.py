"""Address normalisation: one spelling per place."""

from __future__ import annotations

import pytest

from fazhi.intel.addresses import normalise_address

SAME = [
    ("浙江省杭州市西湖区幸福路十二号", "幸福路12号"),
    ("幸福路 12 号", "幸福路12号"),
    ("ＸＸ县城关镇幸福小区３幢２单元３０１室", "城关镇幸福小区三号楼二单元三〇一室"),
    ("城关镇幸福小区3栋2单元301", "城关镇幸福小区3幢2单元301室"),
    ("幸福小区3-2-301", "幸福小区3栋2单元301室"),
    ("幸福小区3号楼2单元301房", "幸福小区3栋2单元301室"),
    ("湖桥县城南街道迎春路49号", "城南街道迎春路四十九号"),
    ("光明村五组", "光明村5组"),
    ("幸福小区十二栋一单元5楼", "幸福小区12幢1单元5层"),
    ("湖桥县城南街道迎春路49号", "湖桥县 城南街道，迎春路49号"),
    ("城东花园2座1单元1102室", "城东花园2栋1单元1102室"),
    ("人民路（东段）8号", "人民路东段8号"),
]

DIFFERENT = [
    ("幸福路12号", "幸福路21号"),
    ("幸福小区3栋2单元301室", "幸福小区3栋2单元302室"),
    ("幸福小区3栋", "幸福花园3栋"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_spellings_of_one_place_normalise_alike(a: str, b: str) -> None:
    assert normalise_address(a) == normalise_address(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_places_stay_different(a: str, b: str) -> None:
    assert normalise_address(a) != normalise_address(b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("浙江省杭州市西湖区幸福路十二号", "幸福路12号"),
        ("城关镇幸福小区三号楼二单元三〇一室", "城关镇幸福小区3栋2单元301室"),
        ("东门菜市场3号", "东门菜市场3号"),  # 菜市 is not a city
        ("幸福小区3栋", "幸福小区3栋"),  # 小区 is not a district
        ("城南区", "城南区"),  # a prefix alone is kept
        ("", ""),
    ],
)
def test_normal_forms(text: str, expected: str) -> None:
    assert normalise_address(text) == expected


@pytest.mark.django_db
def test_the_same_street_in_two_counties_is_two_places():
    from fazhi.intel.addresses import jurisdictions, place_key
    from fazhi.records import models as m

    # given a city bureau with two county bureaus, each with a station
    city = m.Unit.objects.create(id="SJ", name="某市公安局", kind="市局")
    east = m.Unit.objects.create(id="XA", name="东县公安局", kind="县局", parent=city)
    west = m.Unit.objects.create(id="XB", name="西县公安局", kind="县局", parent=city)
    m.Unit.objects.create(id="XA-1", name="城关派出所", kind="派出所", parent=east)
    m.Unit.objects.create(id="XB-1", name="城关派出所", kind="派出所", parent=west)
    m.Unit.objects.create(id="SJ-XZ", name="刑侦支队", kind="刑侦大队", parent=city)
    # when units are mapped to their jurisdictions
    found = jurisdictions()
    # then stations belong to their county, city units to the city
    assert found == {"SJ": "SJ", "XA": "XA", "XB": "XB", "XA-1": "XA", "XB-1": "XB", "SJ-XZ": "SJ"}
    # and one street address is one place within a county, two places across counties
    east_key = place_key("东安县城中街道迎春路360号", found["XA-1"])
    assert east_key == place_key("城中街道迎春路三百六十号", found["XA"])
    assert east_key != place_key("西安县城中街道迎春路360号", found["XB-1"])
    assert place_key("无", found["XA"]) == ""
