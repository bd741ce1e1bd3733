"""警情: how many a day and when (daily, weekly, seasonal rhythm), of what kind, and their text.

Descriptions of incidents that are not taken on as cases carry no offence cue (rule ZN-JQ-01)
and disputes carry no escalation cue (ZN-JF-02) unless a violation is injected on purpose; the
cue lists below are broader than rules.md's examples so that clean data stays clean whatever
list a patrol uses.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass

from fazhi.synth import names
from fazhi.synth.periods import DAY, date_of, is_workday

OFFENCE_CUES = (
    "被盗",
    "被抢",
    "诈骗",
    "打伤",
    "砍伤",
    "被打",
    "被偷",
    "盗",
    "抢",
    "骗",
    "偷",
    "砍",
    "殴",
    "伤",
    "打",
    "刀",
    "杀",
    "毒",
    "赌",
    "嫖",
    "猥亵",
    "强奸",
    "敲诈",
    "勒索",
    "绑架",
    "拐",
    "威胁",
    "恐吓",
    "损毁",
    "砸",
    "抢劫",
    "捅",
    "踢",
)
ESCALATION_CUES = ("刀", "持刀", "自杀", "跳楼", "喝农药", "扬言", "报复", "精神病", "杀", "精神")

# Incidents per hour of day relative to each other: night lull, evening peak.
HOURLY = (
    2.5,
    1.8,
    1.3,
    1.0,
    0.9,
    1.1,
    1.8,
    2.8,
    3.8,
    4.3,
    4.5,
    4.4,
    4.0,
    3.9,
    4.2,
    4.4,
    4.6,
    5.0,
    5.4,
    5.9,
    6.2,
    6.0,
    5.0,
    3.8,
)
HOURLY_CUM = tuple(sum(HOURLY[: i + 1]) for i in range(24))
WEEKDAY = (0.97, 0.95, 0.95, 0.97, 1.05, 1.10, 1.02)
MONTHLY = (0.95, 1.05, 0.92, 0.95, 1.0, 1.05, 1.10, 1.10, 1.0, 1.0, 0.95, 0.93)

# (category, share) of all incidents; 刑事/治安 are drawn per cause below.
CATEGORIES = (("求助", 0.34), ("纠纷", 0.22), ("交通", 0.145), ("其他", 0.145), ("火灾", 0.01))
CASE_SHARE = 0.14  # incidents that are 刑事/治安 (or a 醉驾 交通) and lead to a case or 移交


@dataclass(frozen=True)
class Cause:
    cause: str  # 案由
    case_kind: str  # 刑事 / 行政
    category: str  # 接警类别
    unit_kind: str  # who handles the case
    weight: float
    descriptions: tuple[str, ...]


CAUSES = (
    Cause(
        "盗窃",
        "刑事",
        "刑事",
        "派出所",
        10.0,
        (
            "报警人称其停放在{place}的电动车被盗。",
            "报警人称家中被盗，丢失现金和首饰若干。",
            "报警人称其放在店内的手机被盗。",
            "报警人称停在路边的货车内财物被盗。",
        ),
    ),
    Cause(
        "诈骗",
        "刑事",
        "刑事",
        "派出所",
        9.5,
        (
            "报警人称在网上刷单被骗{amount}元。",
            "报警人称接到冒充客服电话，被骗{amount}元。",
            "报警人称网上投资理财被骗{amount}元。",
            "报警人称网络贷款被骗取手续费{amount}元。",
        ),
    ),
    Cause(
        "帮助信息网络犯罪活动",
        "刑事",
        "刑事",
        "网安大队",
        2.5,
        ("上级推送线索：辖区人员银行卡涉嫌为诈骗团伙转移资金。",),
    ),
    Cause(
        "故意伤害",
        "刑事",
        "刑事",
        "刑侦大队",
        1.5,
        ("报警人称在{place}被人打伤，伤势较重已送医。",),
    ),
    Cause("寻衅滋事", "刑事", "刑事", "派出所", 1.2, ("报警人称有人在{place}酒后无故殴打路人。",)),
    Cause("开设赌场", "刑事", "刑事", "治安大队", 0.6, ("群众举报{place}有人开设赌场。",)),
    Cause("贩卖毒品", "刑事", "刑事", "禁毒大队", 0.6, ("群众举报{place}有人贩卖毒品。",)),
    Cause(
        "掩饰、隐瞒犯罪所得",
        "刑事",
        "刑事",
        "刑侦大队",
        0.5,
        ("报警人称有人在{place}低价收购来历不明的手机。",),
    ),
    Cause("抢劫", "刑事", "刑事", "刑侦大队", 0.3, ("报警人称在{place}被人抢走手机。",)),
    Cause("职务侵占", "刑事", "刑事", "经侦大队", 0.6, ("报警人称公司员工侵占货款{amount}元。",)),
    Cause("合同诈骗", "刑事", "刑事", "经侦大队", 0.3, ("报警人称签订合同后对方卷款{amount}元。",)),
    Cause(
        "危险驾驶", "刑事", "交通", "交警大队", 3.5, ("交警在{place}查获一名涉嫌酒后驾驶人员。",)
    ),
    Cause(
        "殴打他人",
        "行政",
        "治安",
        "派出所",
        14.0,
        (
            "报警人称在{place}与人发生口角后被打。",
            "报警人称在饭店吃饭时被邻桌人员殴打。",
            "报警人称因停车问题被对方打了几拳。",
        ),
    ),
    Cause(
        "盗窃",
        "行政",
        "治安",
        "派出所",
        9.0,
        (
            "报警人称超市内有人盗窃商品被当场发现。",
            "报警人称放在门口的快递被人偷走。",
            "报警人称晾晒的衣物被盗。",
        ),
    ),
    Cause("赌博", "行政", "治安", "派出所", 4.5, ("群众举报{place}有人聚众赌博。",)),
    Cause("吸毒", "行政", "治安", "禁毒大队", 2.8, ("群众举报{place}出租屋内有人吸毒。",)),
    Cause("故意损毁财物", "行政", "治安", "派出所", 2.8, ("报警人称其车辆被人故意砸坏。",)),
    Cause(
        "扰乱单位秩序", "行政", "治安", "派出所", 2.0, ("报警人称有人在医院大厅吵闹，扰乱秩序。",)
    ),
    Cause(
        "卖淫、嫖娼", "行政", "治安", "治安大队", 1.6, ("群众举报{place}附近宾馆有卖淫嫖娼活动。",)
    ),
    Cause(
        "非法携带管制器具", "行政", "治安", "派出所", 1.2, ("巡逻发现{place}有人携带管制刀具。",)
    ),
    Cause("诈骗", "行政", "治安", "派出所", 2.0, ("报警人称被人以借钱为由骗走{amount}元。",)),
    Cause(
        "寻衅滋事", "行政", "治安", "派出所", 2.0, ("报警人称有人在{place}酒后闹事、追逐他人。",)
    ),
    Cause(
        "阻碍执行职务", "行政", "治安", "派出所", 0.8, ("民警在{place}执勤时有人阻碍执行职务。",)
    ),
)
CAUSE_CUM = tuple(sum(c.weight for c in CAUSES[: i + 1]) for i in range(len(CAUSES)))

DISPUTES: dict[str, tuple[str, ...]] = {
    "婚恋家庭": (
        "报警人称与{rel}因{matter}发生争吵，双方情绪激动，要求民警到场处理。",
        "报警人称{rel}酒后在家中吵闹，不让其进门，请求民警协调。",
        "报警人称与{rel}因{matter}闹矛盾，对方把家里的门反锁。",
    ),
    "邻里": (
        "报警人称楼上住户{noise}，多次沟通无果，双方发生口角。",
        "报警人称邻居{block}，双方为此发生争执。",
        "报警人称与邻居因{matter2}问题产生矛盾，要求民警调解。",
    ),
    "经济": (
        "报警人称{party}欠其{amount}元{why}至今未还，双方发生争执。",
        "报警人称与{party}因合伙生意分账不清发生纠纷。",
    ),
    "劳资": (
        "报警人称在{work}干活，老板拖欠工资{amount}元，要求民警协调。",
        "报警人称与{work}老板因工钱结算发生争执，多名工友在场。",
    ),
    "医患": (
        "报警人称在{hospital}就诊时对收费有异议，与医院工作人员发生争执。",
        "报警人称家属在{hospital}住院，对治疗效果不满，与医生发生口角。",
    ),
    "物业": (
        "报警人称{community}物业{issue}，与物业人员发生争执。",
        "报警人称小区物业{issue}，业主聚集在物业办公室。",
    ),
    "交通事故": (
        "报警人称在{road}与对方车辆发生刮擦，双方对赔偿金额协商不成。",
        "报警人称电动车与行人在{road}碰擦，双方对责任有争议。",
    ),
    "土地山林": (
        "报警人称与同村村民因{land}界址问题发生争执。",
        "报警人称邻村人员在其承包的{land}上种植作物，双方发生争吵。",
    ),
    "其他": (
        "报警人称与{shop}因{goods}退换问题发生争执。",
        "报警人称在{shop}消费后对价格有异议，与店主发生口角。",
    ),
}
DISPUTE_WEIGHTS = (
    ("婚恋家庭", 22),
    ("邻里", 24),
    ("经济", 14),
    ("劳资", 9),
    ("医患", 3),
    ("物业", 8),
    ("交通事故", 10),
    ("土地山林", 4),
    ("其他", 6),
)
DISPUTE_SLOTS: dict[str, tuple[str, ...]] = {
    "rel": ("丈夫", "妻子", "儿子", "女儿", "前夫", "男友", "婆婆", "女婿"),
    "matter": ("家庭琐事", "孩子教育", "赡养老人", "家务分工", "房产分配", "彩礼", "离婚事宜"),
    "noise": ("深夜噪音扰民", "装修时间过早", "空调滴水", "阳台漏水"),
    "block": ("在楼道堆放杂物", "占用公共车位", "在门口养狗", "私自加装监控对着其家门"),
    "matter2": ("排水沟", "围墙", "宅基地", "树木遮挡采光", "楼道卫生"),
    "party": ("朋友", "老乡", "前同事", "亲戚", "生意伙伴"),
    "why": ("借款", "货款", "租金", "装修款"),
    "work": ("工地", "一家家具厂", "一家饭店", "装修队", "一家服装厂"),
    "hospital": ("县人民医院", "中医院", "镇卫生院", "一家民营医院"),
    "community": ("所住小区", "商住楼"),
    "issue": ("停车收费", "停水停电", "电梯长期故障", "物业费上涨", "车辆进出管理"),
    "road": ("人民路口", "环城东路", "工业路", "建设路与中山路交叉口", "老街"),
    "land": ("山林", "承包地", "鱼塘", "茶园"),
    "shop": ("一家服装店", "一家家电卖场", "一家手机店", "一家理发店", "一家装修公司"),
    "goods": ("衣服", "冰箱", "手机", "办卡", "瓷砖"),
}
OTHER_TEXTS: dict[str, tuple[str, ...]] = {
    "求助": (
        "报警人称其{kin}（{age}岁）外出未归，家属寻找未果，请求民警帮助。",
        "报警人称钥匙遗失，家中{kin}无法开门，请求帮助。",
        "报警人称在{spot}拾得钱包一个，内有身份证件，要求交给民警。",
        "报警人称一名老人在{spot}迷路，说不清家庭住址。",
        "报警人称{kin}醉酒倒在{spot}，请求民警帮助送回家。",
        "报警人称其孩子在{spot}走失，穿{colour}衣服。",
        "报警人称车辆没油停在{spot}，请求帮助。",
        "报警人称手机遗落在出租车上，请求帮助查找。",
    ),
    "交通": (
        "报警人称在{spot}两车发生追尾，要求交警处理。",
        "报警人称{spot}有车辆违停堵塞通道。",
        "报警人称{spot}红绿灯故障，交通拥堵。",
        "报警人称在{spot}与一辆电动车刮擦，双方对责任有异议。",
    ),
    "其他": (
        "报警人误拨110，经回访确认无警情。",
        "报警人咨询户籍办理事宜。",
        "报警人反映{spot}路灯不亮。",
        "报警人反映{spot}噪音扰民。",
        "报警人称{spot}有流浪狗聚集，请求处理。",
        "报警人重复报警，所报事项已处置。",
    ),
    "火灾": (
        "报警人称{spot}冒出浓烟，疑似着火。",
        "报警人称{spot}一辆车起火。",
        "报警人称{spot}垃圾堆着火。",
    ),
}
OTHER_SLOTS: dict[str, tuple[str, ...]] = {
    "kin": ("母亲", "父亲", "爷爷", "奶奶", "儿子", "女儿", "丈夫"),
    "age": tuple(str(a) for a in (7, 9, 12, 68, 72, 75, 79, 81, 84)),
    "spot": (
        "人民广场",
        "汽车站",
        "菜市场门口",
        "城东公园",
        "学校门口",
        "农贸市场",
        "高速出口",
        "老街路口",
        "商业街",
        "小区门口",
    ),
    "colour": ("红色", "蓝色", "黄色", "白色"),
}


def fill_slots(rng: random.Random, template: str, slots: dict[str, tuple[str, ...]]) -> str:
    values = {key: rng.choice(options) for key, options in slots.items() if "{" + key in template}
    values.setdefault("amount", str(rng.randrange(8, 600) * 100))
    return template.format(**values)


def expected_per_day(day: int, per_year: float) -> float:
    date = date_of(day * DAY)
    factor = WEEKDAY[date.weekday()] * MONTHLY[date.month - 1]
    if not is_workday(day) and date.weekday() < 5:
        factor *= 1.12  # public holidays: more disputes and help calls
    return per_year / 365.0 * factor / 1.0075


def draw_count(rng: random.Random, mean: float) -> int:
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def draw_time_of_day(rng: random.Random) -> int:
    hour = _bisect(HOURLY_CUM, rng.random() * HOURLY_CUM[-1])
    return hour * 3600 + rng.randrange(3600)


def draw_cause(rng: random.Random, kind: str | None = None) -> Cause:
    while True:
        idx = _bisect(CAUSE_CUM, rng.random() * CAUSE_CUM[-1])
        cause = CAUSES[idx]
        if kind is None or cause.case_kind == kind:
            return cause


def _bisect(cum: tuple[float, ...], x: float) -> int:
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def dispute_text(rng: random.Random, dispute_type: str) -> str:
    return fill_slots(rng, rng.choice(DISPUTES[dispute_type]), DISPUTE_SLOTS)


def other_text(rng: random.Random, category: str) -> str:
    return fill_slots(rng, rng.choice(OTHER_TEXTS[category]), OTHER_SLOTS)


def clean_text(text: str) -> bool:
    return not any(cue in text for cue in OFFENCE_CUES + ESCALATION_CUES)


class DisputeGuard:
    """Keeps clean disputes from repeating three times in 30 days at one building or phone
    (ZN-JF-01), and keeps the keys reserved for injected repeats away from clean data."""

    WINDOW = 30 * DAY

    def __init__(self) -> None:
        self.seen: dict[str, deque[int]] = {}
        self.reserved: set[str] = set()

    def _recent(self, key: str, t: int) -> int:
        times = self.seen.get(key)
        if not times:
            return 0
        while times and times[0] <= t - self.WINDOW - 3 * DAY:
            times.popleft()
        return len(times)

    def allowed(self, keys: tuple[str, ...], t: int) -> bool:
        # Three days of margin: a patrol may count the 30 days inclusively or by calendar day.
        return all(k not in self.reserved and self._recent(k, t) < 2 for k in keys)

    def note(self, keys: tuple[str, ...], t: int) -> None:
        for key in keys:
            self.seen.setdefault(key, deque()).append(t)

    def prune(self, t: int) -> None:
        stale = [k for k, v in self.seen.items() if not v or v[-1] <= t - self.WINDOW - 3 * DAY]
        for key in stale:
            del self.seen[key]


def building_key(address: str) -> str:
    """The building part of an address (up to 号/组): what any address normalisation keeps."""
    for mark in ("号", "组", "幢"):
        pos = address.find(mark)
        if pos >= 0:
            return address[: pos + 1]
    return address


def reporter(rng: random.Random) -> tuple[str, str]:
    return names.full_name(rng, rng.random() < 0.55), names.phone(rng)
