"""The pieces of the near-duplicate search: segments, boilerplate, shingles, MinHash, LSH."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash, MinHashLSH

from fazhi.intel import duplicates as d

TEXT = (
    "询问笔录（第1次）\n时间：2025年9月30日20时26分\n被询问人：白某　性别：女\n"
    "问：你听清楚了吗？\n答：听清楚了。\n问：你把情况说一下。\n"
    "答：我在人民路12号看到一个男的骑走了电动车，车是红色的。他穿黑衣服！\n"
)


def test_segments_split_sentences_and_header_fields() -> None:
    segs = d.segments(TEXT)
    keys = [s.key for s in segs]
    # header fields are keyed by their label, whatever their value (several on one line)
    assert "时间:*" in keys
    assert "被询问人:*" in keys
    assert "性别:*" in keys
    # answers and questions are sentences, digits collapsed, full-width folded
    assert "答:我在人民路0号看到一个男的骑走了电动车,车是红色的。" in keys
    assert "答:听清楚了。" in keys
    # spans point into the original text
    for seg in segs:
        assert TEXT[seg.start : seg.end].strip() == TEXT[seg.start : seg.end]


def test_a_label_that_starts_every_turn_is_a_speaker_not_a_header_field() -> None:
    # given a statement written turn by turn as "民警：… / 被询问人：…" (被询问人 is a header
    # label of the seed file: a header names the person once)
    text = (
        "询问笔录\n被询问人：刘某，女，1990年出生。\n"
        "民警：你报警是什么事？\n被询问人：我在码头排队时发现后面一个男的偷拍我。\n"
        "民警：你当时怎么做的？\n被询问人：我抓住他的手喊了起来，工作人员把他围住了。\n"
        "民警：你有什么要求？\n被询问人：要求依法处理，把视频删除。\n"
    )
    keys = [s.key for s in d.segments(text)]
    # then the answers are sentences of their own, kept for the comparison …
    assert "被询问人:我在码头排队时发现后面一个男的偷拍我。" in keys
    assert "民警:你当时怎么做的?" in keys
    assert "被询问人:*" not in keys
    # … and a label met once or twice is still a header field, whatever its value
    assert "时间:*" in [s.key for s in d.segments("时间：2026年1月1日\n民警：问一句。\n")]
    plate = d.boilerplate_of("v", [])
    assert "偷拍我" in plate.kept(text).text


def test_boilerplate_is_learned_by_document_frequency() -> None:
    stock = "问：你听清楚了吗？\n答：听清楚了。\n"
    names = "甲乙丙丁戊己庚辛壬癸"
    texts = [
        f"时间：2025年{i}月1日\n{stock}答：{names[i]}的陈述内容，编号{i}。\n" for i in range(10)
    ]
    texts += ["答：只出现一次的句子。\n"]
    n, min_df, learned = d.learn_boilerplate(texts)
    assert (n, min_df) == (11, d.MIN_DF)
    learned_keys = {key for key, _ in learned.values()}
    plate = d.boilerplate_of("v", learned_keys)
    assert plate.keys == {"时间:*", "问:你听清楚了吗?", "答:听清楚了。"}
    # the statement said by ten persons with one name and number changed is a stock sentence
    # (its near-twins stand in ten transcripts); the sentence said once is not
    statement, once = d.sketches([d.normalise("答：丁的陈述内容，编号3。"),
                                  d.normalise("答：只出现一次的句子。")])  # fmt: skip
    assert not plate.stock.isdisjoint(statement)
    assert plate.stock.isdisjoint(once)
    kept = plate.kept(texts[3])
    assert kept.text == "答:丁的陈述内容,编号3。"
    # the kept text maps back onto the original
    ((start, end),) = kept.original(0, len(kept.text))
    assert texts[3][start:end] == "答：丁的陈述内容，编号3。"


def test_shingles_jaccard_and_minhash_match_datasketch() -> None:
    a = d.shingle_hashes("甲乙丙丁戊己庚辛壬癸")
    b = d.shingle_hashes("甲乙丙丁戊己庚辛壬子")
    assert len(a) == 6
    assert len(b) == 6
    assert d.jaccard(a, b) == 5 / 7
    # the vectorised signature is datasketch's own
    reference = MinHash(num_perm=d.NUM_PERM, seed=d.SEED, scheme="affine32",
                        hashfunc=lambda v: v)  # fmt: skip
    reference.update_batch((a >> np.uint64(32)).astype(np.uint32).tolist())
    assert np.array_equal(d.minhash_values(a), reference.hashvalues)


def test_bands_find_what_minhash_lsh_finds() -> None:
    # given texts, some near-copies of others
    rng = np.random.default_rng(3)
    alphabet = list(
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
    )
    base = ["".join(rng.choice(alphabet, 300)) for _ in range(30)]
    texts = base + [t[:150] + "改动" + t[152:] for t in base[:10]]
    sigs = [d.minhash_values(d.shingle_hashes(t)) for t in texts]
    lsh = MinHashLSH(threshold=d.LSH_THRESHOLD, num_perm=d.NUM_PERM)
    assert (lsh.b, lsh.r) == (d.BANDS, d.ROWS)
    for i, sig in enumerate(sigs):
        lsh.insert(str(i), d.minhash_of(sig))
    by_lsh = {tuple(sorted((str(i), k))) for i, s in enumerate(sigs)
              for k in lsh.query(d.minhash_of(s)) if k != str(i)}  # fmt: skip
    keys = [d.band_keys(s) for s in sigs]
    by_bands = {
        tuple(sorted((str(i), str(j))))
        for i in range(len(texts)) for j in range(i + 1, len(texts))
        if any(x == y for x, y in zip(keys[i], keys[j], strict=True))
    }  # fmt: skip
    # then our stored bands give the same candidates as datasketch's index, copies included
    assert by_bands == by_lsh
    assert {(str(i), str(30 + i)) for i in range(10)} <= {
        tuple(sorted(p, key=int)) for p in by_bands
    }


def test_shared_passages_point_into_both_texts() -> None:
    plate = d.Boilerplate("v", frozenset({"问:你听清楚了吗?"}))
    a = "问：你听清楚了吗？\n答：我看到一个男的骑走了那辆红色电动车。\n"
    b = "问：你听清楚了吗？\n答：我亲眼看到一个男的骑走了那辆红色电动车。\n"
    passages = d.shared_passages(plate.kept(a), plate.kept(b))
    assert passages
    for sa, ea, sb, eb in passages:
        assert d.fold(a[sa:ea]) == d.fold(b[sb:eb])
    assert any("骑走了那辆红色电动车" in a[sa:ea] for sa, ea, _, _ in passages)


def test_the_alignment_leaves_the_stores_stock_sentences_out() -> None:
    # given a store whose statements are composed from a stock of sentences with other names,
    # places and vehicles (how its officers write), and one statement copied into another
    # mouth with its sentences reordered and one reworded
    names = ["张明", "李强", "王芳", "赵磊", "钱进", "孙丽", "周涛", "吴刚"]
    places = ["健康路", "人民路", "解放路", "新华路", "建设路", "中山路", "文化路", "胜利路"]
    cars = ["黑色丰田越野车", "银色面包车", "白色轿车", "红色电动车", "蓝色货车", "灰色皮卡",
            "绿色出租车", "黄色校车"]  # fmt: skip
    stock = [
        f"答：我知道喝酒不能开车，当时抱着侥幸心理，吃完饭觉得自己没事，就开着{cars[i]}准备回家。"
        f"\n答：开到{places[i]}的时候被交警拦下来吹气，说我是酒驾，后来民警带我去医院抽了血。"
        f"\n答：我朋友{names[i]}也在，他可以作证，我当时是配合的。\n"
        for i in range(8)
    ]
    own = (
        "答：那天晚上我在小区门口的烧烤摊坐着，看见穿灰色夹克的男的从电动车棚出来。\n"
        "答：他推着一辆红色的电动车往北门走，走得很快，一边走一边回头看。\n"
        "答：我喊了一声，他就骑上车跑了，我追到北门没追上，就回去跟保安说了。\n"
    )
    copied = (
        "答：他推着一辆红色的电动车往北门走，走得很快，边走边回头看。\n"
        "答：那天晚上我在小区门口烧烤摊上坐着，看到穿灰色夹克的男的从车棚里出来。\n"
        "答：我吼了一嗓子，他骑上车就溜了，我追出去没追上，回头就告诉了保安。\n"
    )
    texts = {f"S{i}": text for i, text in enumerate(stock)} | {"A": own, "B": copied}
    # when the pairs are scored as ZN-BL-01 scores them (stock learned from this store)
    pairs = [("S0", "S1"), ("S2", "S5"), ("A", "B")]
    scores = d.score_corpus(texts, pairs)
    # then two stock statements of different persons align at 0 (without the stock rule
    # every sentence of one has a near-twin in the other), and the copy aligns fully
    _, _, learned = d.learn_boilerplate(texts.values())
    plate = d.boilerplate_of("v", (key for key, _ in learned.values()))
    s0, s1 = d.sign("S0", texts["S0"], plate), d.sign("S1", texts["S1"], plate)
    assert d.alignment(s0, s1) >= 0.7
    assert d.alignment(s0, s1, plate.stock) == 0.0
    assert scores.get(("S0", "S1"), (0.0, 0.0))[1] == 0.0
    assert scores.get(("S2", "S5"), (0.0, 0.0))[1] == 0.0
    jaccard, aligned = scores[("A", "B")]
    assert jaccard < 0.6 <= aligned
    assert d.verdict(jaccard, aligned, 0.6, 0.35) == aligned


def test_statements_made_of_stock_with_two_rare_sentences_in_common_stay_apart() -> None:
    # given a store of statements composed from stock answers, two of which also share two
    # rare sentences (an unlucky draw, not a copy), and a copied statement with no stock at all
    places = ["健康路", "人民路", "解放路", "新华路", "建设路", "中山路", "文化路", "胜利路"]
    jobs = ["收银员", "保安", "厨师", "司机", "会计", "护士", "教师", "电工"]

    def statement(i: int, rare: str = "") -> str:
        return (
            f"问：你说一下情况。\n答：我初中文化，在{places[i]}的超市当{jobs[i]}，每月能挣三千元。\n"
            f"答：知道，是关于{places[i]}那件事的。\n{rare}"
            f"答：店里有监控，等下就交给你们，我同事刚好路过，他可以作证。\n"
            f"答：能确定，我看了手机，应该是晚上八点过十分左右。\n"
        )

    rare = "答：他好几次让我把钱先打到一个个人账户，说是客户要求的。\n答：我在建材公司做会计。\n"
    texts = {f"S{i}": statement(i) for i in range(8)}
    texts["S1"], texts["S6"] = statement(1, rare), statement(6, rare)
    _, _, learned = d.learn_boilerplate(texts.values())
    plate = d.boilerplate_of("v", (key for key, _ in learned.values()))
    s1, s6 = d.sign("S1", texts["S1"], plate), d.sign("S6", texts["S6"], plate)
    # when the two are aligned; then the stock answers count in the whole and are never
    # matched, so the two rare sentences make less than half of either statement
    assert d.alignment(s1, s6) >= 0.7  # without the store's stock: mostly alike
    assert d.alignment(s1, s6, plate.stock) < 0.35


def test_a_reworded_copy_is_a_candidate_by_its_rare_sentences_and_stock_statements_are_not() -> (
    None
):
    # given a store of statements composed from one stock (other names and places each), and a
    # statement put into another mouth with a name or a word changed in every sentence, one
    # sentence reworded and one dropped: few long runs survive, most sentences stay near-twins
    places = ["健康路", "人民路", "解放路", "新华路", "建设路", "中山路", "文化路", "胜利路"]
    names = ["张明", "李强", "王芳", "赵磊", "钱进", "孙丽", "周涛", "吴刚"]
    texts = {
        f"S{i}": (
            f"答：我叫{names[i]}，住在{places[i]}，平时在附近的工地上干活。\n"
            f"答：那天我下班回来，走到{places[i]}路口的时候看见两个人在吵架。\n"
            f"答：后来来了几个人把他们拉开了，我就回家了，别的我不清楚。\n"
        )
        for i in range(8)
    }
    texts["A"] = (
        "答：上个礼拜三傍晚，老周开着一辆白色面包车停在我们村小卖部门口，跟老板娘要烟钱。\n"
        "答：老板娘说上回的账还没结，老周就拍桌子骂人，把货架上的两箱啤酒搬上车拉走了。\n"
        "答：当时在场的有卖豆腐的刘婶和她孙子，刘婶上去拦了一下，被老周推了一把坐在地上。\n"
        "答：老周走的时候还说谁去报警就让谁家的店开不下去，大家都不敢吭声。\n"
    )
    texts["B"] = (
        "答：上个星期三傍晚，老郑开着一辆白色面包车停在咱们村小卖部门前，跟老板娘要烟钱。\n"
        "答：老板娘讲上次的账还没结，老郑就拍桌子骂人，把货架上的三箱啤酒搬上车拉跑了。\n"
        "答：老郑临走放话，说哪个敢报警就叫他家的店开不成，大伙都不敢出声。\n"
    )
    # when the pairs are scored as ZN-BL-01 scores them (a pair absent: not a candidate)
    pairs = [(a, b) for a in texts for b in texts if a < b]
    scores = d.score_corpus(texts, pairs)
    # then the copy is a candidate and aligns
    jaccard, aligned = scores[("A", "B")]
    assert jaccard < 0.6
    assert aligned >= 0.35
    # and the stock sentences make no index keys (no stock pair is a candidate by sentences,
    # however many it shares), the rare ones do
    _, _, learned = d.learn_boilerplate(texts.values())
    plate = d.boilerplate_of("v", (key for key, _ in learned.values()))
    assert all(d.sign(t, texts[t], plate).sentence_keys == [] for t in texts if t[0] == "S")
    assert len(d.sign("B", texts["B"], plate).sentence_keys) >= 4


def test_the_alignment_does_not_depend_on_where_a_writer_ends_a_sentence() -> None:
    # given a statement, and the same statement in another mouth typed with commas throughout
    # (一逗到底) and a word changed in each sentence, and once more cut at every comma
    statement = (
        "答：上周六下午我在建材市场门口等车。一辆灰色面包车停下来，下来两个人跟卖瓷砖的老板吵。"
        "其中一个戴眼镜的拿起一块样品砖往地上摔，老板的儿子上去拉，被推到了卷帘门上。"
        "后来市场的保安过来了，那两个人开着车往环城路方向走了，车牌最后两位好像是七三。\n"
    )
    commas = (
        "答：上周六下午我在建材市场门口等公交，一辆灰色面包车停下来，下来两个人跟卖瓷砖的老板吵，"
        "其中一个戴眼镜的拿起一块样品砖往地上砸，老板的儿子上去拉，被推到了卷帘门上，"
        "后来市场的保安赶过来了，那两个人开着车往环城路方向跑了，车牌最后两位好像是七三。\n"
    )
    cut = commas.replace("，", "。")
    plate = d.Boilerplate("seed", frozenset(), d.load_seed())
    a, b, c = (d.sign(n, t, plate) for n, t in (("a", statement), ("b", commas), ("c", cut)))
    # when the copies are aligned with the statement; then both align as a copy does, and alike
    assert d.alignment(a, b) >= 0.8
    assert d.alignment(a, c) >= 0.8
    assert abs(d.alignment(a, b) - d.alignment(a, c)) < 0.1


def test_a_clause_sharing_one_sketch_key_with_the_stock_by_chance_is_still_matched() -> None:
    # given a statement copied into another mouth (a few words changed), and a store whose
    # stock holds one of the four sketch keys of (nearly) each of the copy's clauses (a key its
    # whole sentence's sketch does not hold) — what short
    # clauses of one genre share by chance ("他让我下载了一个叫…的APP" in statements about
    # other scams) — and, of its stock sentences, every key
    own = (
        "答：上个月十号我在抖音上刷到一个招代理的视频，说在家剪辑短视频一条给八十块。\n"
        "答：我加了对方的企业微信，对方让我先交三百九十八元的会员费，说能接到更多单子。\n"
        "答：交完钱以后群里再也没人派单给我，我找客服问，客服把我删了。\n"
    )
    copied = (
        "答：上个月十二号我在抖音上刷到一个招代理的视频，说在家里剪辑短视频一条给八十块钱。\n"
        "答：我加了对方的企业微信，他让我先交三百九十八块的会员费，说这样能接到更多单子。\n"
        "答：交了钱之后群里再也没人给我派单，我去问客服，客服直接把我删了。\n"
    )
    plate = d.boilerplate_of("v", ())
    a, b = d.sign("A", own, plate), d.sign("B", copied, plate)
    assert d.alignment(a, b) >= 0.8
    units = a.sentences + b.sentences
    wholes = {k for _, _, parent, _ in units for k in parent}
    chance = frozenset(
        next(k for k in own_keys if k not in wholes)
        for _, own_keys, _, _ in units
        if not wholes.issuperset(own_keys)
    )
    assert len(chance) >= 8
    # when the pair is aligned with that stock
    aligned = d.alignment(a, b, chance)
    # then one shared key does not make a clause stock: the copy aligns nearly as without the
    # stock (a clause whose chance key meets another clause's key may still be stock)
    assert aligned >= 0.8
    # and a clause whose sketch shares two keys with the stock is stock (never matched)
    twice = frozenset(k for _, own_keys, _, _ in units for k in own_keys[:2])
    assert d.alignment(a, b, twice) == 0.0
