"""Chinese personal names, 身份证号, phone numbers and addresses.

Everything is drawn from a caller's ``random.Random`` so that output depends on the seed only.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

# Surnames weighted roughly by their share of the population (王李张刘陈 cover about 30%).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
SURNAME_WEIGHTS = tuple(max(1.0, 30.0 - i * 0.35) for i in range(len(SURNAMES)))
MALE_CHARS = "伟强磊军洋勇杰涛明超辉刚平鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国志海峰亮成东文晨"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英玲婷雪慧颖琳洁倩晶佳梅兰红燕萍琴月莉丹露璐瑶欣怡悦蓉荣凤"
NEUTRAL_CHARS = "子一可思晓嘉雨心诗梓家天小春秋云新永立德忠世玉"

# Region codes (first six digits of 身份证号): the home province is 浙江 (33), whose counties
# send most persons; migrant workers come from the usual source provinces.
HOME_REGIONS = (
    "330102",
    "330105",
    "330106",
    "330108",
    "330109",
    "330110",
    "330111",
    "330122",
    "330127",
    "330182",
    "330183",
    "330204",
    "330212",
    "330281",
    "330302",
    "330324",
    "330381",
    "330402",
    "330421",
    "330481",
    "330502",
    "330521",
    "330602",
    "330621",
    "330681",
    "330702",
    "330723",
    "330781",
    "330782",
    "330802",
    "330881",
    "331002",
    "331081",
    "331102",
    "331121",
)
MIGRANT_REGIONS = (
    "340121",
    "340222",
    "341221",
    "342401",
    "360121",
    "360321",
    "362202",
    "410122",
    "411521",
    "412721",
    "421023",
    "430124",
    "431121",
    "450121",
    "500233",
    "510121",
    "511321",
    "513722",
    "520121",
    "522401",
    "530121",
    "622421",
)
CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

TOWN_SUFFIXES = ("街道", "镇", "镇", "乡")
PLACE_CHARS = "城东南西北新桥溪江湖山河塘湾浦坑岭源石桐青白云凤龙金玉安兴和平宁丰华阳"
ROADS = (
    "人民路",
    "解放路",
    "建设路",
    "中山路",
    "新华路",
    "文化路",
    "环城东路",
    "环城西路",
    "环城南路",
    "环城北路",
    "迎春路",
    "学府路",
    "工业路",
    "富春路",
    "江滨路",
    "健康路",
    "农贸路",
    "滨江大道",
    "振兴路",
    "和平路",
    "光明路",
    "青年路",
    "民主路",
    "车站路",
    "创业路",
    "开发大道",
    "望江路",
    "胜利路",
    "育才路",
    "百花路",
    "梧桐路",
    "桂花路",
    "春晖路",
    "长安路",
    "兴业路",
    "东门街",
    "西门街",
    "南门街",
    "北门街",
    "老街",
    "横街",
    "后街",
)
COMMUNITY_SUFFIXES = ("小区", "花园", "新村", "公寓", "家园", "苑")
PHONE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "175",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "193",
    "195",
    "198",
    "199",
)


def check_char(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(body17, CHECK_WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def id_number_valid(value: str) -> bool:
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return check_char(value[:17]) == value[17].upper()


def make_id_number(rng: random.Random, birth: dt.date, male: bool, home_share: float) -> str:
    region = rng.choice(HOME_REGIONS) if rng.random() < home_share else rng.choice(MIGRANT_REGIONS)
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + check_char(body)


def given_name(rng: random.Random, male: bool) -> str:
    pool = MALE_CHARS if male else FEMALE_CHARS
    if rng.random() < 0.22:
        return rng.choice(pool)
    first = rng.choice(NEUTRAL_CHARS if rng.random() < 0.3 else pool)
    second = rng.choice(pool)
    return first + second if first != second or rng.random() < 0.3 else first + rng.choice(pool)


def full_name(rng: random.Random, male: bool) -> str:
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    return surname + given_name(rng, male)


def phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def place_name(rng: random.Random) -> str:
    a = rng.choice(PLACE_CHARS)
    b = rng.choice(PLACE_CHARS)
    while b == a:
        b = rng.choice(PLACE_CHARS)
    return a + b


@dataclass(frozen=True)
class Town:
    """A 街道 or 镇 with its roads and communities: the building blocks of addresses."""

    name: str
    roads: tuple[str, ...]
    communities: tuple[str, ...]
    villages: tuple[str, ...]


def make_town(rng: random.Random, name: str) -> Town:
    roads = tuple(rng.sample(ROADS, 9))
    communities = tuple(place_name(rng) + rng.choice(COMMUNITY_SUFFIXES) for _ in range(8))
    villages = tuple(place_name(rng) + "村" for _ in range(6))
    return Town(name, roads, communities, villages)


def building_address(rng: random.Random, county: str, town: Town) -> str:
    """A building-level address (…路12号 / …村5组): the key used to tell repeated disputes."""
    if town.name.endswith(("镇", "乡")) and rng.random() < 0.45:
        return f"{county}{town.name}{rng.choice(town.villages)}{rng.randint(1, 14)}组"
    return f"{county}{town.name}{rng.choice(town.roads)}{rng.randint(1, 420)}号"


def full_address(rng: random.Random, county: str, town: Town) -> str:
    roll = rng.random()
    if roll < 0.45:
        community = rng.choice(town.communities)
        return (
            f"{county}{town.name}{community}{rng.randint(1, 32)}幢"
            f"{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
        )
    return building_address(rng, county, town)


def birth_date_for_age(rng: random.Random, on: dt.date, low: float, high: float) -> dt.date:
    """A birth date making the person between ``low`` and ``high`` years old ``on`` a date."""
    age_days = rng.randint(int(low * 365.25) + 1, int(high * 365.25) - 1)
    return on - dt.timedelta(days=age_days)


def age_on(birth: dt.date, on: dt.date) -> int:
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years
