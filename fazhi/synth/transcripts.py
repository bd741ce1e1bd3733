"""询问/讯问笔录 text.

A transcript is the boilerplate every police transcript shares (header with 时间/地点/询问人/
记录人, the rights notice, the closing "以上笔录我看过，和我说的相符。") around a narrative of
questions and answers. Narratives are assembled per person from many interchangeable phrasings
and concrete details (times, places, names, amounts, family, work), so that two clean transcripts
of different persons are never near-duplicates (rule ZN-BL-01 looks for exactly that).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fazhi.synth import names
from fazhi.synth.periods import date_of

CLOSING_Q = "问：以上笔录你看一下，是否与你所说的相符？"
CLOSING_A = "答：以上笔录我看过，和我说的相符。"
NUMERALS = "零一二三四五六七八九十"


@dataclass
class Facts:
    """What happened in a case, shared by every transcript of it."""

    cause: str
    family: str
    at: int  # when the act happened
    place: str
    victim: str
    suspects: list[str]
    item: str = ""
    amount: int = 0
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Speaker:
    name: str
    male: bool
    birth: str  # 1990年4月12日
    id_number: str | None
    address: str
    phone: str | None
    role: str  # victim / witness / suspect


def cn_hour(t: int) -> str:
    hour = (t // 3600) % 24
    minute = (t // 60) % 60
    part = "凌晨" if hour < 6 else "上午" if hour < 11 else "中午" if hour < 13 else "下午"
    if hour >= 18:
        part = "晚上"
    shown = hour if hour <= 12 else hour - 12
    return f"{part}{shown}点" + (f"{minute}分" if minute else "")


def cn_date(t: int) -> str:
    date = date_of(t)
    return f"{date.year}年{date.month}月{date.day}日"


def cn_datetime(t: int) -> str:
    hour = (t // 3600) % 24
    minute = (t // 60) % 60
    return f"{cn_date(t)}{hour}时{minute:02d}分"


def _pick(rng: random.Random, options: Sequence[str]) -> str:
    return options[rng.randrange(len(options))]


# --- background: who the person is (unique per person by construction) ---------------------

JOBS = (
    "在{town}一家汽修厂做学徒",
    "在工业园区的电子厂上班",
    "在家务农，平时种点茶叶",
    "开网约车",
    "在{town}菜市场卖水果",
    "送外卖",
    "在建筑工地做木工",
    "在一家物流公司当分拣员",
    "无固定工作",
    "在{town}开了一家小饭店",
    "在纺织厂做挡车工",
    "在超市当收银员",
    "在快递站点做快递员",
    "做装修水电",
    "在一家民宿做服务员",
    "跑货运，自己有一辆厢式货车",
    "在城区一家美发店上班",
    "在家带小孩",
    "在一家五金店打零工",
    "在镇上的家具厂做油漆工",
    "在一家公司做销售",
)
EDUCATION = ("小学", "初中", "初中", "高中", "中专", "大专", "本科")
RELATIVES = (
    ("父亲", True),
    ("母亲", False),
    ("妻子", False),
    ("丈夫", True),
    ("儿子", True),
    ("女儿", False),
    ("哥哥", True),
    ("姐姐", False),
    ("弟弟", True),
    ("妹妹", False),
)
OCCUPATIONS_OF_KIN = (
    "在老家务农",
    "已经退休",
    "在{town}上班",
    "在外地打工",
    "在读小学",
    "在读初中",
    "在家",
    "在杭州做生意",
    "在工厂上班",
    "身体不好，在家休养",
    "在读高中",
    "在宁波打工",
)


def background(rng: random.Random, sp: Speaker, town: str, detailed: bool) -> list[str]:
    def c(*options: str) -> str:
        return _pick(rng, options)

    lines: list[str] = []
    job = _pick(rng, JOBS).format(town=town)
    income = rng.choice(("三千", "四千", "五千", "六千", "七千", "八千", "一万"))
    edu = _pick(rng, EDUCATION)
    q = _pick(
        rng,
        (
            "问：你把你的个人情况讲一下。",
            "问：讲一下你的基本情况。",
            "问：你的文化程度和工作情况？",
            "问：你现在做什么工作？",
        ),
    )
    lines.append(q)
    lines.append(
        f"答：我{edu}文化，{job}，"
        + _pick(
            rng,
            (
                f"一个月收入{income}元左右。",
                f"每月大概能挣{income}元。",
                "收入不固定。",
                f"收入一个月{income}块钱上下。",
            ),
        )
    )
    if detailed:
        kin = rng.sample(RELATIVES, rng.randint(2, 3))
        parts = []
        for label, male in kin:
            kin_name = names.full_name(rng, male)
            age = rng.randint(8, 70)
            parts.append(
                f"{label}{kin_name}，{age}岁，{_pick(rng, OCCUPATIONS_OF_KIN).format(town=town)}"
            )
        lines.append(
            _pick(
                rng, ("问：你的家庭成员情况？", "问：你家里有哪些人？", "问：讲一下你的家庭情况。")
            )
        )
        lines.append("答：" + "；".join(parts) + "。")
        lines.append(
            _pick(
                rng,
                (
                    "问：你以前有没有受过公安机关处理？",
                    "问：你有无违法犯罪前科？",
                    "问：你以前被公安机关处罚过吗？",
                ),
            )
        )
        lines.append(
            _pick(
                rng,
                (
                    "答：没有。",
                    "答：没有受过处理。",
                    "答：从来没有。",
                    f"答：{rng.randint(2010, 2023)}年因为{c('赌博', '打架', '醉驾')}被处理过一次。",
                ),
            )
        )
    return lines


# --- narrative pieces shared by all families ------------------------------------------------

WEATHER = (
    "那天下着小雨",
    "那天天气很热",
    "天已经黑了",
    "路上没什么人",
    "当时人很多",
    "那天刮着大风",
    "外面很冷",
    "路灯比较暗",
    "当时刚下过雨，地上很滑",
)
BEFORE = (
    "刚下班回来",
    "和朋友吃完夜宵",
    "从老家回来",
    "去超市买东西",
    "接孩子放学",
    "在家里看电视",
    "去银行办事",
    "准备去上班",
    "刚吃完晚饭出来散步",
    "去朋友家喝喜酒",
)
CLOTHES = (
    "黑色外套",
    "灰色卫衣",
    "白色短袖",
    "蓝色牛仔裤",
    "格子衬衫",
    "红色羽绒服",
    "迷彩裤",
    "黑色鸭舌帽",
    "工作服",
    "运动服",
)
BUILD = (
    "个子不高，偏瘦",
    "身高一米七五左右，比较壮",
    "中等身材，平头",
    "一米六几，微胖",
    "瘦高个，戴眼镜",
    "皮肤比较黑，留短发",
    "三十岁左右，说外地口音",
    "四十多岁，有点秃顶",
)


def _when(rng: random.Random, facts: Facts) -> str:
    return _pick(
        rng,
        (
            f"{cn_date(facts.at)}{cn_hour(facts.at)}左右",
            f"{cn_date(facts.at)}那天{cn_hour(facts.at)}多",
            f"就是{cn_date(facts.at)}，大概{cn_hour(facts.at)}",
        ),
    )


def _ctx(rng: random.Random, facts: Facts) -> str:
    return f"{_pick(rng, WEATHER)}，我{_pick(rng, BEFORE)}"


# Each family: (victim sentences, witness sentences, suspect sentences); a sentence is a format
# string over {when} {place} {victim} {suspect} {item} {amount} {ctx} {clothes} {build} {extra}.
Family = dict[str, tuple[str, ...]]

FAMILIES: dict[str, Family] = {
    "theft": {
        "victim": (
            "{when}，{ctx}，把{item}放在{place}，前后不到{mins}分钟回来就发现不见了",
            "我回去找的时候{item}已经没了，旁边的人说看到一个穿{clothes}的人在附近转悠",
            "{item}是我{year}年买的，花了{amount}元左右，平时都是我自己在用",
            "我当时在附近找了一圈，又问了旁边店里的老板，都说没注意",
            "后来我看了{shop}门口的监控，看到一个{build}的男的把东西拿走了",
            "东西丢了之后我就马上报了警，民警过来做了登记",
            "我{item}上面有{mark}，很好认",
        ),
        "witness": (
            "{when}我在{place}附近{doing}，看到一个穿{clothes}的人在那边来回走",
            "那个人{build}，手里拿着一个{bag}，看起来鬼鬼祟祟的",
            "我看到他弯腰弄了一会儿，然后{leave}走了，当时我没多想",
            "后来听{victim}说东西丢了，我才想起这个人",
            "我离他大概有{dist}米远，天比较暗，脸看得不是很清楚",
        ),
        "suspect": (
            "{when}我{ctx2}，路过{place}，看到{item}没人看管，就起了歪心思",
            "我看周围没人注意，就把{item}拿走了，{leave}离开了现场",
            "拿到手以后我{sold}，换了{gain}元钱，钱都{spent}了",
            "我知道这是别人的东西，当时就是手头太紧，一时糊涂",
            "我是一个人干的，没有人跟我一起，事先也没有踩过点",
            "那天我穿的是{clothes}，作案以后我把衣服扔在了{dump}",
        ),
    },
    "fraud": {
        "victim": (
            "{when}，我在{app}上看到一个{scam}的信息，就加了对方的{contact}",
            "对方自称是{role}，说话很专业，让我先下载一个叫{appname}的软件",
            "他让我往一个账户转了{amount}元，说{promise}",
            "开始两次还给我返了一点钱，后来让我继续充值就提不出来了",
            "我前后一共转了{times}次，都是用手机银行转的，转账记录都在",
            "等我发现不对的时候对方已经把我拉黑了，我才知道自己被骗了",
            "对方的账号和聊天记录我都截图保存了，可以提供给你们",
        ),
        "witness": (
            "{victim}是我{relation}，{when}她跟我说在网上做{scam}能赚钱",
            "我当时就劝她不要相信，她没听，说已经赚了一点",
            "后来她找我借钱，说要交{promise2}才能提现，我觉得不对劲就让她报警了",
            "我看过她的聊天记录，对方一直催她转账，说不转就会{threat}",
        ),
        "suspect": (
            "{when}我在{app}上认识了一个叫{boss}的人，他让我帮忙{task}",
            "他说每帮他转一笔可以拿{share}的好处费，我就答应了",
            "我用自己的银行卡帮他收过钱再转出去，前后大概有{times}笔",
            "我知道这些钱来路可能不正，但是想着能赚点快钱就没多问",
            "我一共拿了{gain}元好处费，都用来还网贷了",
            "{boss}的真实身份我不知道，我们只在{contact}上联系",
        ),
    },
    "fight": {
        "victim": (
            "{when}，{ctx}，在{place}和{suspect}因为{reason}发生了争执",
            "他先骂我，我回了几句，他就动手{hit}，我{hurt}",
            "当时旁边有{bystanders}看到了，有人帮忙把我们拉开",
            "我去{hospital}看了，医生说{diagnosis}，花了{amount}元医药费",
            "我要求对方赔偿医药费，并且依法处理他",
            "我和{suspect}以前{history}",
        ),
        "witness": (
            "{when}我在{place}{doing}，听到有人在吵架",
            "我看到一个穿{clothes}的男的和{victim}吵得很凶，后来就{fight}",
            "我和几个人上去把他们拉开了，{victim}{hurt2}",
            "前后大概{mins}分钟，后来民警就来了",
            "我和他们两个都不认识，就是路过看到的",
        ),
        "suspect": (
            "{when}我{ctx2}，在{place}和{victim}因为{reason}吵了起来",
            "他说话很难听，我一下子没忍住，就{hit2}",
            "我承认是我先动手的，当时喝了点酒，情绪比较激动",
            "打完以后我就在现场等民警来，没有离开",
            "我愿意赔偿对方的医药费，希望能和解",
            "我和{victim}以前{history}",
        ),
    },
    "drunk_driving": {
        "victim": (
            "{when}我在{place}执勤，对过往车辆进行检查",
            "一辆{car}开过来，司机身上酒味很重，我们就让他吹气",
            "呼气检测结果是{bac}毫克每百毫升，我们就带他去医院抽了血",
        ),
        "witness": (
            "{when}我和{suspect}在{restaurant}吃饭，他喝了{drink}",
            "吃完以后我劝他叫代驾，他说路不远自己开回去就行",
            "我没拦住他，后来听说他在路上被交警查了",
        ),
        "suspect": (
            "{when}我在{restaurant}和朋友吃饭，喝了{drink}",
            "吃完饭我觉得自己没事，就开着我的{car}准备回家",
            "开到{place}的时候被交警拦下来，吹气以后说我是醉驾",
            "后来民警带我去医院抽了血，我当时是配合的",
            "我知道喝酒不能开车，当时是抱着侥幸心理",
            "这辆车是我自己的，{year}年买的，驾驶证是{year2}年考的",
        ),
    },
    "drugs": {
        "victim": (
            "{when}我们在{place}开展工作时发现一名男子形迹可疑",
            "经过检查，在他身上查获了{item}，他当场承认是毒品",
        ),
        "witness": (
            "{when}我在{place}看到{suspect}和一个人在路边交接了一个小东西",
            "当时我就觉得不对劲，后来民警过来把他们带走了",
        ),
        "suspect": (
            "{when}我在{place}，{ctx2}",
            "东西是从一个叫{boss}的人那里拿的，一克{price}元，一共花了{amount}元",
            "我第一次吸是{year}年，在朋友家里，后来就断断续续在吸",
            "这次吸的是{item}，用{tool}吸的，吸完以后人很兴奋",
            "我知道吸毒是违法的，我愿意接受处理，争取戒掉",
        ),
    },
    "gambling": {
        "victim": (
            "{when}我们接到群众举报，称{place}有人聚众赌博",
            "我们到场时现场有{bystanders}人正在打{game}，桌上有现金{amount}元",
        ),
        "witness": (
            "我住在{place}附近，最近经常看到晚上有很多人进出",
            "{when}我听到楼上很吵，有人在喊输赢，就打电话举报了",
        ),
        "suspect": (
            "{when}我和几个朋友在{place}打{game}，一局{stake}元",
            "一起玩的有{partners}，都是平时认识的朋友",
            "我那天带了{amount}元，输了大概{gain}元",
            "场地是{boss}提供的，他每局抽{share}元的台费",
            "我知道这是赌博，以后不会再玩了",
        ),
    },
    "disorder": {
        "victim": (
            "{when}{suspect}来到{place}，因为{reason}在里面大声吵闹",
            "我们工作人员劝了很多次，他都不听，还把{item}弄坏了",
            "他闹了{mins}分钟左右，影响了正常营业，很多人围过来看",
            "被弄坏的东西价值{amount}元左右，我们要求他赔偿",
        ),
        "witness": (
            "{when}我在{place}{doing}，看到一个男的在那里大吵大闹",
            "他一边骂一边{act}，工作人员上去劝他也不听",
            "后来来了两个民警，才把他劝走了",
        ),
        "suspect": (
            "{when}我去{place}办事，因为{reason}心里很窝火",
            "我当时喝了点酒，说话声音大了一点，还{act}",
            "我承认我的行为影响了别人，我愿意赔偿损失",
            "当时工作人员让我出去，我没有听",
        ),
    },
    "vice": {
        "victim": (
            "{when}我们根据线索对{place}进行检查",
            "在{room}房间内发现一男一女，经询问两人均承认进行卖淫嫖娼活动",
        ),
        "witness": (
            "我是{place}的服务员，{when}有个男的来开了{room}房间",
            "过了一会儿又来了一个女的，说是找人，我就让她上去了",
        ),
        "suspect": (
            "{when}我在{app}上加了一个女的，她说{price}元可以提供服务",
            "我们约在{place}见面，谈好价钱以后我就付了{amount}元",
            "刚进房间没多久民警就来检查了",
            "我知道这是违法的，以后不会再这样了",
        ),
    },
    "cards": {
        "victim": (
            "{when}我们在工作中发现{suspect}名下的银行卡短时间内有大量资金流水",
            "经查该卡涉及多起电信网络诈骗案件，被骗资金共计{amount}元",
        ),
        "witness": (
            "我和{suspect}是{relation}，{when}他跟我说卖卡能赚钱",
            "他问我要不要也办几张卡给他，我没同意",
        ),
        "suspect": (
            "{when}一个叫{boss}的人在{app}上找到我，说收银行卡，一张给{price}元",
            "我就去{bank}办了{times}张卡，连同手机卡一起卖给了他",
            "他还让我配合刷脸验证，我都照做了，一共拿了{gain}元",
            "我知道他们拿卡可能是做违法的事情，但是我缺钱就没多想",
        ),
    },
    "economic": {
        "victim": (
            "我是{company}的负责人，{when}我们对账的时候发现账目对不上",
            "经过核查，发现{suspect}利用{duty}的便利，把公司的{amount}元转到了自己账户",
            "公司的财务凭证和转账记录我们都可以提供",
        ),
        "witness": (
            "我在{company}做会计，{suspect}负责{duty}",
            "{when}前后，他好几次让我把钱先打到一个个人账户，说是客户要求的",
            "我当时提出过疑问，他说老板同意了",
        ),
        "suspect": (
            "我在{company}负责{duty}，{when}开始我陆续把公司的钱转到自己卡上",
            "前后一共{times}次，总共{amount}元左右，钱大部分拿去{spent}",
            "我本来想等手头宽裕了再还回去，没想到被发现了",
            "我愿意退赔公司的损失，请求从轻处理",
        ),
    },
    "weapon": {
        "victim": (
            "{when}我们在{place}开展清查，对一名男子进行检查",
            "从他随身的包里查出一把{item}，他说不出合理用途",
        ),
        "witness": (
            "{when}我在{place}看到一个男的包里露出一截东西",
            "我觉得很危险，就告诉了附近执勤的民警",
        ),
        "suspect": (
            "{item}是我{year}年在{market}买的，花了{price}元",
            "{when}我带着它出门，准备{purpose}",
            "我不知道这个东西不能随身带，以后不会了",
        ),
    },
}
FAMILY_OF_CAUSE = {
    "盗窃": "theft",
    "诈骗": "fraud",
    "故意伤害": "fight",
    "殴打他人": "fight",
    "寻衅滋事": "fight",
    "危险驾驶": "drunk_driving",
    "贩卖毒品": "drugs",
    "吸毒": "drugs",
    "非法持有毒品": "drugs",
    "赌博": "gambling",
    "开设赌场": "gambling",
    "故意损毁财物": "disorder",
    "扰乱单位秩序": "disorder",
    "阻碍执行职务": "disorder",
    "卖淫、嫖娼": "vice",
    "帮助信息网络犯罪活动": "cards",
    "掩饰、隐瞒犯罪所得": "cards",
    "职务侵占": "economic",
    "非法吸收公众存款": "economic",
    "合同诈骗": "economic",
    "非法携带管制器具": "weapon",
    "抢劫": "theft",
}

SLOTS: dict[str, tuple[str, ...]] = {
    "mins": ("五", "十", "十五", "二十", "半个小时", "三", "八"),
    "shop": ("隔壁便利店", "对面药店", "小区门口的超市", "路口的奶茶店", "旁边的五金店"),
    "mark": ("一道划痕", "贴了一张卡通贴纸", "我女儿写的名字", "一个挂件", "一处掉漆"),
    "doing": ("等公交车", "遛狗", "抽烟", "等朋友", "买早饭", "整理货架", "晒太阳"),
    "bag": ("黑色双肩包", "编织袋", "塑料袋", "帆布包", "手提袋"),
    "leave": ("骑着电动车", "步行", "坐上一辆出租车", "往小巷子里", "骑着一辆共享单车"),
    "dist": ("十", "二十", "三十", "五十", "十几"),
    "sold": ("在网上找人卖了", "卖给了一个收二手的", "拿到{market}卖掉了", "自己留着用了一段时间"),
    "spent": ("花在吃饭和上网上", "还了信用卡", "给家里寄回去", "打游戏充值"),
    "dump": ("路边的垃圾桶里", "河边", "出租屋里", "一个工地旁边"),
    "ctx2": (
        "喝了点酒出来走走",
        "下班路过那里",
        "出去找工作",
        "去朋友那里玩",
        "在附近闲逛",
        "准备回出租屋",
    ),
    "app": ("抖音", "微信", "QQ", "一个交友软件", "小红书", "一个招聘网站"),
    "scam": ("刷单返利", "投资理财", "网络贷款", "冒充客服退款", "游戏账号交易", "兼职点赞"),
    "contact": ("微信", "QQ", "一个聊天软件", "电话"),
    "role": ("平台客服", "投资导师", "贷款公司业务员", "电商平台工作人员", "银行工作人员"),
    "appname": ("鑫盛理财", "云端商城", "快易贷", "聚优任务", "盈通国际", "优选兼职"),
    "promise": (
        "完成任务以后连本带息一起返还",
        "是验证还款能力，之后会退回",
        "这是保证金",
        "账户被冻结了需要解冻费",
    ),
    "promise2": ("手续费", "保证金", "解冻费", "税费"),
    "threat": ("影响征信", "账户冻结", "本金清零", "被起诉"),
    "relation": ("姐姐", "表妹", "同事", "邻居", "朋友", "老乡"),
    "boss": ("阿杰", "老陈", "强哥", "小刘", "阿伟", "老周", "胖子"),
    "task": ("转账走流水", "收款以后取现", "买卖虚拟币", "提供银行卡"),
    "share": ("百分之一", "百分之二", "百分之三", "五百元"),
    "reason": (
        "停车位",
        "排队先后",
        "一点小事",
        "喝酒劝酒",
        "账目",
        "噪音",
        "装修",
        "小孩子吵架",
        "工钱结算",
    ),
    "hit": ("打了我几拳", "推了我一把又踢了我", "拿起凳子砸我", "扇了我几个耳光"),
    "hit2": ("打了他几拳", "推了他一把", "踹了他一脚", "扇了他两巴掌"),
    "hurt": ("脸上肿了", "嘴角出了血", "胳膊擦破了皮", "眼角青了一块", "鼻子流血了"),
    "hurt2": ("脸上有血", "坐在地上起不来", "衣服被扯破了", "一直捂着头"),
    "fight": ("动起手来", "扭打在一起", "互相推搡"),
    "bystanders": ("好几个人", "饭店老板", "我朋友", "几个路人", "保安"),
    "hospital": ("县人民医院", "中医院", "镇卫生院", "第二人民医院"),
    "diagnosis": ("软组织挫伤", "鼻骨没有骨折", "需要缝两针", "头皮挫裂伤", "没有大问题"),
    "history": (
        "不认识",
        "见过几次面，不熟",
        "是邻居，之前有过矛盾",
        "是同事，关系一般",
        "是朋友，平时经常一起喝酒",
    ),
    "car": ("白色大众轿车", "黑色丰田越野车", "银色五菱面包车", "红色比亚迪", "蓝色电动三轮车"),
    "bac": ("一百二十六", "九十八", "一百五十三", "二百零一", "一百一十"),
    "restaurant": ("一家火锅店", "朋友家", "一家烧烤店", "农家乐", "大排档"),
    "drink": ("半斤白酒", "七八瓶啤酒", "两瓶黄酒", "三两白酒和几瓶啤酒"),
    "price": ("三百", "五百", "八百", "二百", "一千"),
    "tool": ("吸壶", "锡纸", "自制的工具"),
    "game": ("麻将", "扑克", "牌九", "炸金花"),
    "stake": ("五十", "一百", "二十", "两百"),
    "partners": ("老王和小李", "村里的几个人", "几个工友", "两个老乡"),
    "act": ("拍桌子", "把东西往地上扔", "指着工作人员骂", "踢门"),
    "room": ("三零二", "五一六", "二零八", "八零一"),
    "bank": ("镇上的银行", "城区的几家银行", "农商银行网点"),
    "company": ("一家建材公司", "一家物流公司", "一家纺织公司", "一家贸易公司"),
    "duty": ("收款", "采购", "出纳", "仓库管理"),
    "market": ("小商品市场", "网上", "地摊", "五金店"),
    "purpose": ("防身", "干活用", "给朋友送去"),
}


def _fill(rng: random.Random, template: str, values: dict[str, str]) -> str:
    need = dict(values.items())
    for key, options in SLOTS.items():
        if "{" + key + "}" in template:
            need[key] = _pick(rng, options).format(market=_pick(rng, SLOTS["market"]))
    return template.format_map(_Default(need))


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return key


QUESTIONS = {
    "victim": (
        ("问：你因何事来派出所？", "问：你今天来是什么事？", "问：你报的是什么警？"),
        (
            "问：你把事情的经过详细讲一下。",
            "问：你把当时的情况详细说一下。",
            "问：具体是怎么回事？",
        ),
        ("问：还有什么情况？", "问：之后呢？", "问：后来怎么样了？"),
        ("问：你有什么要求？", "问：你对这件事有什么要求？"),
    ),
    "witness": (
        ("问：你今天来公安机关是因为什么事？", "问：我们找你了解一下情况，你知道是什么事吗？"),
        ("问：你把你看到的情况讲一下。", "问：当时你看到了什么？", "问：你把了解的情况说一下。"),
        ("问：还有什么需要说明的？", "问：你还看到什么？"),
    ),
    "suspect": (
        ("问：你知道为什么找你来吗？", "问：你知道你因为什么事被带到公安机关吗？"),
        (
            "问：你把事情经过如实讲一下。",
            "问：你把你做的事情详细交代一下。",
            "问：你把案发经过讲清楚。",
        ),
        ("问：然后呢？", "问：接着讲。", "问：还有吗？"),
        ("问：你对自己的行为怎么看？", "问：你还有什么要说的？"),
    ),
}
OPENERS = {
    "victim": ("答：我来报案，{short}。", "答：{short}，我来报警。", "答：我要报案，{short}。"),
    "witness": ("答：知道，是关于{short}的事。", "答：是{short}的事情。"),
    "suspect": ("答：知道，是因为{short}的事。", "答：因为{short}。", "答：知道，{short}。"),
}


def narrative(
    rng: random.Random, facts: Facts, role: str, speaker: Speaker, long: bool
) -> list[str]:
    """The case-specific questions and answers of one transcript (no boilerplate)."""
    family = FAMILIES[facts.family]
    sentences = list(family[role])
    values = {
        "when": _when(rng, facts),
        "place": facts.place,
        "victim": facts.victim,
        "suspect": facts.suspects[0] if facts.suspects else "对方",
        "item": facts.item or "东西",
        "amount": str(facts.amount),
        "ctx": _ctx(rng, facts),
        "clothes": _pick(rng, CLOTHES),
        "build": _pick(rng, BUILD),
        "year": str(rng.randint(2016, 2025)),
        "year2": str(rng.randint(2005, 2020)),
        "times": _pick(rng, ("三", "四", "五", "六", "七", "十几")),
        "gain": str(rng.randrange(2, 90) * 100),
        **facts.extra,
    }
    short = _pick(rng, (f"{facts.cause}的事", f"{facts.place}那件事", f"{cn_date(facts.at)}的事"))
    qs = QUESTIONS[role]
    lines = [_pick(rng, qs[0]), _pick(rng, OPENERS[role]).format(short=short)]
    rng.shuffle(sentences)
    keep = len(sentences) if long else max(2, len(sentences) - rng.randint(0, 2))
    chosen = sentences[:keep]
    # Split the account over two or three questions, as a real interview goes.
    cut = max(1, len(chosen) // 2)
    blocks = [chosen[:cut], chosen[cut:]]
    lines.append(_pick(rng, qs[1]))
    lines.append("答：" + "，".join(_fill(rng, s, values) for s in blocks[0]) + "。")
    if blocks[1]:
        lines.append(_pick(rng, qs[2]))
        lines.append("答：" + "，".join(_fill(rng, s, values) for s in blocks[1]) + "。")
    for q, a in _details(rng, facts, role, values, long):
        lines.append(q)
        lines.append(a)
    if len(qs) > 3:
        lines.append(_pick(rng, qs[3]))
        lines.append(_closing_wish(rng, role, facts))
    return lines


def _details(
    rng: random.Random, facts: Facts, role: str, values: dict[str, str], long: bool
) -> list[tuple[str, str]]:
    """Concrete follow-up questions: precise times, who was there, how the person can prove it."""

    def c(*options: str) -> str:
        return _pick(rng, options)

    minute = rng.randint(1, 59)
    companion = names.full_name(rng, rng.random() < 0.5)
    options: list[Callable[[], tuple[str, str]]] = [
        lambda: (
            _pick(rng, ("问：具体时间你能确定吗？", "问：时间记得清楚吗？")),
            f"答：能确定，{c('我看了手机', '我刚好在打电话', '我记得新闻刚开始')}，"
            f"应该是{cn_hour(facts.at)}过{minute}分左右。",
        ),
        lambda: (
            _pick(rng, ("问：当时你身边还有谁？", "问：当时有没有其他人在场？")),
            f"答：{c('我朋友', '我同事', '我老婆', '我表哥', '一个邻居')}{companion}"
            f"{c('也在', '在旁边', '刚好路过')}，他的电话是{names.phone(rng)}。",
        ),
        lambda: (
            _pick(rng, ("问：你怎么去的现场？", "问：你是怎么到那里的？")),
            f"答：我{c('骑电动车', '开车', '走路', '坐公交', '打车')}过去的，"
            f"大概用了{rng.randint(3, 40)}分钟。",
        ),
        lambda: (
            _pick(rng, ("问：你能提供什么证据？", "问：有没有相关的证据材料？")),
            f"答：{c('手机里有照片', '有聊天记录截图', '有转账记录', '店里有监控', '有发票')}，"
            f"{c('我可以发给你们', '等下就交给你们', '已经拷贝好了')}。",
        ),
        lambda: (
            _pick(rng, ("问：事后你做了什么？", "问：发生以后你去了哪里？")),
            f"答：我{c('回了家', '去了朋友家', '在现场等着', '去了医院', '回了单位')}，"
            f"{c('一晚上没睡着', '跟家里人说了这件事', '想了想还是要处理', '第二天就来了')}。",
        ),
        lambda: (
            "问：你的联系电话是多少？",
            f"答：{names.phone(rng)}，{c('一直开机', '白天都能打通', '晚上可能不方便接')}。",
        ),
    ]
    rng.shuffle(options)
    count = len(options) if long else rng.randint(2, 4)
    return [make() for make in options[:count]]


def _closing_wish(rng: random.Random, role: str, facts: Facts) -> str:
    if role == "victim":
        return _pick(
            rng,
            (
                "答：希望你们尽快抓到人，把东西找回来。",
                "答：要求依法处理，赔偿我的损失。",
                "答：请公安机关依法处理。",
            ),
        )
    return _pick(
        rng,
        (
            "答：我知道错了，愿意接受处理。",
            "答：我认识到自己的错误，以后不会再犯。",
            "答：我后悔了，请求从轻处理。",
            "答：我没有别的要说的，愿意认罪认罚。",
        ),
    )


# --- the boilerplate --------------------------------------------------------------------------


def rights_block(kind: str, role: str, unit_name: str) -> list[str]:
    if kind == "讯问":
        return [
            f"问：我们是{unit_name}的民警（出示工作证件），现依法对你进行讯问。你应当如实回答我们"
            "的提问，对与本案无关的问题，你有拒绝回答的权利。如实供述自己罪行可以从轻处罚，认罪认罚"
            "可以依法从宽处理。你听清楚了吗？",
            "答：听清楚了。",
            "问：《犯罪嫌疑人诉讼权利义务告知书》已交给你阅读，你是否清楚自己的权利和义务？",
            "答：清楚。",
            "问：你是否申请办案人员回避？",
            "答：不申请。",
        ]
    if role == "suspect":
        return [
            f"问：我们是{unit_name}的民警（出示工作证件），现依法对你进行询问。你应当如实回答，"
            "对与本案无关的问题有拒绝回答的权利，你有陈述和申辩的权利。你听清楚了吗？",
            "答：听清楚了。",
            "问：你是否申请办案人员回避？",
            "答：不申请。",
        ]
    return [
        f"问：我们是{unit_name}的民警（出示工作证件），现依法向你询问。你应当如实提供证据、证言，"
        "有意作伪证或者隐匿罪证要负法律责任。你听清楚了吗？",
        "答：听清楚了。",
        "问：你是否申请办案人员回避？",
        "答：不申请。",
    ]


def header(
    kind: str,
    seq: int,
    start: int,
    end: int,
    venue_name: str,
    officers: list[str],
    sp: Speaker,
) -> list[str]:
    title = f"{kind}笔录（第{seq}次）"
    who = "被讯问人" if kind == "讯问" else "被询问人"
    asker = "讯问人" if kind == "讯问" else "询问人"
    lines = [
        title,
        f"时间：{cn_datetime(start)}至{cn_datetime(end)}",
        f"地点：{venue_name}",
        f"{asker}：{'、'.join(officers[:2])}",
        f"记录人：{officers[-1]}",
        f"{who}：{sp.name}　性别：{'男' if sp.male else '女'}　出生日期：{sp.birth}",
    ]
    if sp.id_number:
        lines.append(f"身份证号：{sp.id_number}")
    lines.append(f"现住址：{sp.address}")
    if sp.phone:
        lines.append(f"联系方式：{sp.phone}")
    return lines


def closing(rng: random.Random) -> list[str]:
    return [
        _pick(rng, ("问：你还有什么需要补充的吗？", "问：你还有其他要补充的吗？")),
        "答：没有了。",
        CLOSING_Q,
        CLOSING_A,
    ]


BRANDS = ("华为", "小米", "苹果", "OPPO", "vivo", "荣耀", "红米")
EVIDENCE = (
    "一段监控录像的截图",
    "几张现场照片",
    "银行流水",
    "微信聊天记录",
    "一张转账凭证",
    "通话清单",
)
HEALTH = (
    "身体还可以，没有什么病",
    "有点高血压，每天在吃药",
    "胃不太好，偶尔会疼",
    "牙疼了几天，已经看过医生",
    "睡眠不好，其他没事",
    "腰不太好，以前干活伤过",
)
DIRECTIONS = ("往东", "往西", "往南", "往北", "一直往前")
LANDMARKS = ("一个加油站", "农贸市场", "一所小学", "一家网吧", "公交站", "一座桥", "一家银行")


def follow_up(rng: random.Random, facts: Facts, round_no: int) -> list[str]:
    """A later 讯问 of a suspect already heard: open points, each answered with specifics."""

    def c(*options: str) -> str:
        return _pick(rng, options)

    name_a = names.full_name(rng, True)
    name_b = names.full_name(rng, rng.random() < 0.5)
    road = _pick(rng, names.ROADS)
    pay = f"先赔{rng.randrange(5, 80)}00元"
    wear = "穿" + _pick(rng, CLOTHES) + "的"
    pool: list[tuple[str, str]] = [
        (
            _pick(rng, ("问：你把案发当天的行走路线再讲一遍。", "问：那天你是怎么过去的？")),
            f"答：我从{c('出租屋', '朋友家', '厂里', '网吧', '老乡那里')}出来，沿着{road}"
            f"{_pick(rng, DIRECTIONS)}走，经过{_pick(rng, LANDMARKS)}，到{facts.place}大概用了"
            f"{rng.randint(5, 40)}分钟，路上没有停。",
        ),
        (
            _pick(rng, ("问：案发以后你和谁联系过？", "问：事后你给谁打过电话？")),
            f"答：我给{name_a}打过电话，他的号码是{names.phone(rng)}，"
            f"{c('问他借了点钱', '跟他说我在外面', '让他帮我照看一下孩子', '问他工地还要不要人')}，"
            f"聊了{rng.randint(1, 15)}分钟左右，没有说这件事。",
        ),
        (
            _pick(rng, ("问：你平时用什么手机？", "问：你的通讯工具有哪些？")),
            f"答：我用的是一部{_pick(rng, BRANDS)}手机，号码{names.phone(rng)}，用了"
            f"{rng.randint(1, 9)}年，微信名叫“{c('阿', '小', '老')}{name_b[-1]}”。",
        ),
        (
            _pick(rng, ("问：你和{name}是什么关系？", "问：{name}你认识吗？")).format(name=name_b),
            f"答：认识，是{c('老乡', '以前的工友', '表兄弟', '网上认识的朋友', '邻居')}，"
            f"认识有{rng.randint(1, 12)}年了，他住在{_pick(rng, names.ROADS)}附近，"
            f"{c('平时很少来往', '经常一起吃饭', '过年才见一次', '一起打过工')}。",
        ),
        (
            _pick(rng, ("问：案发前一天你在做什么？", "问：前一天晚上你在哪里？")),
            f"答：前一天我在{c('朋友家', '网吧', '工地', '老乡的出租屋', '一家棋牌室')}"
            f"{c('喝酒', '打游戏', '干活', '看电视', '打牌')}，"
            f"一直到{rng.randint(9, 12)}点多才回去，{name_a}可以证明。",
        ),
        (
            "问：这次羁押期间你的身体情况怎么样？",
            f"答：{_pick(rng, HEALTH)}，在里面{c('吃得下睡得着', '没有人欺负我', '一切正常')}。",
        ),
        (
            _pick(rng, ("问：民警给你出示的证据你看过了吗？", "问：这些材料你辨认一下。")),
            f"答：看过了，是{_pick(rng, EVIDENCE)}，"
            f"上面{c(wear, '戴帽子的')}那个人是我，时间是{cn_date(facts.at)}。",
        ),
        (
            _pick(
                rng, ("问：对{victim}的损失你有什么打算？", "问：你准备怎么弥补对方的损失？")
            ).format(victim=facts.victim),
            f"答：{c('我愿意赔', '我想赔', '我家里人会去商量')}，"
            f"{c('让' + c('爸', '妈', '老婆', '哥哥') + '凑钱', pay)}。",
        ),
        (
            _pick(rng, ("问：你对自己的行为有什么认识？", "问：你还有什么要说的？")),
            f"答：这是第{NUMERALS[min(round_no, 10)]}次讯问了，"
            f"{c('该说的都说了', '我都如实讲了')}，"
            f"{c('我认罪认罚', '希望从轻处理', '以后不会再犯')}。",
        ),
    ]
    rng.shuffle(pool)
    lines: list[str] = []
    for q, a in pool[: rng.randint(5, 7)]:
        lines.append(q)
        lines.append(a)
    return lines


def compose(
    rng: random.Random,
    *,
    kind: str,
    seq: int,
    start: int,
    end: int,
    venue_name: str,
    unit_name: str,
    officer_names: list[str],
    speaker: Speaker,
    body: list[str],
    with_rights: bool = True,
) -> str:
    lines = header(kind, seq, start, end, venue_name, officer_names, speaker)
    if with_rights:
        lines += rights_block(kind, speaker.role, unit_name)
    lines += body
    lines += closing(rng)
    return "\n".join(lines)


def body_for(
    rng: random.Random, facts: Facts, speaker: Speaker, town: str, seq: int, long: bool
) -> list[str]:
    """Background plus narrative for a first hearing, or open points for a later one."""
    if seq > 1 and speaker.role == "suspect":
        return follow_up(rng, facts, seq)
    detailed = speaker.role == "suspect" or long
    return background(rng, speaker, town, detailed) + narrative(
        rng, facts, speaker.role, speaker, long
    )


def shingles(text: str, n: int = 5) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


BOILERPLATE_PREFIXES = (
    "询问笔录",
    "讯问笔录",
    "时间：",
    "地点：",
    "询问人：",
    "讯问人：",
    "记录人：",
    "被询问人：",
    "被讯问人：",
    "身份证号：",
    "现住址：",
    "联系方式：",
)


def narrative_text(text: str) -> str:
    """The text without header lines and the lines every transcript shares: what ZN-BL-01
    compares. Used by the generator to check its copies and by the tests."""
    shared = set(rights_block("讯问", "suspect", "")) | set(rights_block("询问", "suspect", ""))
    shared |= set(rights_block("询问", "victim", "")) | {CLOSING_Q, CLOSING_A, "答：没有了。"}
    kept = []
    for line in text.split("\n"):
        if line.startswith(BOILERPLATE_PREFIXES) or line in shared:
            continue
        if line.startswith(("问：我们是", "问：你还有什么需要补充", "问：你还有其他")):
            continue
        kept.append(line)
    return "\n".join(kept)
