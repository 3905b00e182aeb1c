"""kr.Router and kr.Route: the call of the specification, ownership by town and date, declining."""

from __future__ import annotations

import json

import pytest

import kunshan_rbac as kr


@pytest.fixture(scope="module")
def g() -> kr.ResponsibilityGraph:
    return kr.load_sample()


@pytest.fixture(scope="module")
def router(g: kr.ResponsibilityGraph) -> kr.Router:
    return kr.Router(g)


def test_the_documented_call(router: kr.Router, g: kr.ResponsibilityGraph) -> None:
    """The call as the specification writes it works and answers with every attribute."""
    r = router.route("振新路那几家4S店把车全停在人行道上，行人只能走马路", town="张浦镇",
                     at="2025-05-14")
    assert not r.declined
    assert r.item is not None
    assert r.ownership is not None
    assert r.ownership == g.owner(r.item.code, town="张浦镇", at="2025-05-14")
    assert 0.0 <= r.confidence <= 1.0
    assert r.basis == r.item.basis
    assert r.template is not None
    assert r.template.unit == r.ownership.primary.name
    assert r.matched
    assert r.item.code in r.reason
    assert all(isinstance(a, kr.Alternative) for a in r.alternatives)


def test_same_text_goes_to_the_town_before_a_reform_and_the_department_after(
    router: kr.Router,
) -> None:
    """陆家镇's reform (2025-04-01) moves chimney smoke from the town to the ecology bureau."""
    text = "陆丰路有个小厂每天傍晚烟囱冒黑烟，一股焦味，晾的衣服都黑了"
    before = router.route(text, town="陆家镇", at="2024-11-05")
    after = router.route(text, town="陆家镇", at="2025-08-05")
    assert before.primary == "lujia"
    assert after.primary == "sthj"
    assert before.ownership is not None
    assert after.ownership is not None
    assert before.ownership.list is kr.ListKind.BASIC
    assert after.ownership.list is kr.ListKind.RECLAIMED


def test_items_not_yet_on_the_lists_are_never_candidates(
    router: kr.Router, g: kr.ResponsibilityGraph
) -> None:
    """Before 千灯镇's reform it had no cooperative list: no cooperative item is named."""
    r = router.route("晚上有很重的化学品味道，不知道哪家厂偷排，闻了嗓子疼", town="千灯镇",
                     at="2024-10-01")
    named = [r.item] if r.item else []
    named += [a.item for a in r.alternatives]
    for item in named:
        g.owner(item.code, town="千灯镇", at="2024-10-01")  # raises if not held
        assert not item.code.startswith("C-")


@pytest.mark.parametrize(("text", "cls"), [
    ("表扬一下大市老街的环卫工师傅，大热天中午还在扫马路，辛苦了。", "praise"),
    ("我们这片又停电了，这个月第三次了，电力公司什么时候能修好？", "utility"),
    ("我的电动车昨晚在楼下被偷了，监控能不能查", "police"),
    ("我想问问昆山的公积金贷款最高能贷多少？", "information"),
])
def test_out_of_list_orders_are_declined_with_a_reason(router: kr.Router, text: str,
                                                       cls: str) -> None:
    """Praise, an outage, a police matter and an information question are declined."""
    r = router.route(text, town="玉山镇", at="2025-07-01")
    assert r.declined
    assert r.item is None
    assert r.ownership is None
    assert r.template is None
    assert r.decline_class == cls
    assert r.reason


def test_a_negative_cue_separates_near_twins(router: kr.Router) -> None:
    """Factory noise goes to the ecology bureau, night construction to the town."""
    factory = router.route("工厂车间的机器半夜还在轰鸣，吵得睡不着", town="玉山镇", at="2025-07-01")
    site = router.route("工地半夜还在施工，挖掘机吵得睡不着", town="玉山镇", at="2025-07-01")
    assert factory.item is not None
    assert site.item is not None
    assert factory.item.code == "R-ST-027"
    assert site.item.code == "B-ST-017"
    assert any(code == "B-ST-017" for code, _ in factory.ruled_out)
    assert "B-ST-017" in factory.explain()


def test_threshold_trades_coverage_for_precision(g: kr.ResponsibilityGraph) -> None:
    """Threshold 1 declines every order; threshold 0 routes at least what the default does."""
    texts = ["楼下饭店油烟太大", "有人在河里电鱼", "小区门口摆摊", "晚上有怪味"]
    strict = kr.Router(g, threshold=1.0)
    loose = kr.Router(g, threshold=0.0)
    default = kr.Router(g)
    assert all(strict.route(t, town="玉山镇", at="2025-07-01").declined for t in texts)
    routed_loose = sum(not loose.route(t, town="玉山镇", at="2025-07-01").declined for t in texts)
    routed_default = sum(not default.route(t, town="玉山镇", at="2025-07-01").declined
                         for t in texts)
    assert routed_loose >= routed_default


def test_threshold_outside_unit_interval_is_refused(g: kr.ResponsibilityGraph) -> None:
    """A threshold of 2 is a ValueError."""
    with pytest.raises(ValueError, match="threshold"):
        kr.Router(g, threshold=2.0)


def test_route_many_keeps_order_and_reads_tuples_and_dicts(router: kr.Router) -> None:
    """Tuples, dicts with text/town/at and dicts with 诉求内容/所属镇街/来电时间 all route."""
    orders = [
        ("楼下饭店油烟太大", "玉山镇", "2025-07-01"),
        {"text": "表扬一下环卫工", "town": "玉山镇", "at": "2025-07-01"},
        {"诉求内容": "楼下饭店油烟太大", "所属镇街": "周市镇", "来电时间": "2025-07-01"},
    ]
    routes = router.route_many(orders)
    assert [r.town.name for r in routes] == ["玉山镇", "玉山镇", "周市镇"]
    assert routes[0].primary == "yushan"
    assert routes[1].declined
    assert routes[2].primary == "zhoushi"


def test_route_many_refuses_an_order_without_text(router: kr.Router) -> None:
    """An order with no text is a ValueError naming it."""
    with pytest.raises(ValueError, match="text"):
        router.route_many([{"town": "玉山镇"}])


def test_unknown_town_raises_the_library_error(router: kr.Router) -> None:
    """A town the graph does not know is an UnknownUnitError."""
    with pytest.raises(kr.UnknownUnitError):
        router.route("油烟", town="火星镇", at="2025-07-01")


def test_template_takes_its_time_limit_from_deadlines(router: kr.Router) -> None:
    """The template's time limit is Deadlines.default()'s limit for the item."""
    r = router.route("楼下饭店油烟太大", town="玉山镇", at="2025-07-01")
    assert r.template is not None
    assert r.item is not None
    assert r.template.time_limit == kr.Deadlines.default().limit_for(r.item)
    assert r.template.steps
    assert "玉山镇" in r.template.reply


def test_to_dict_is_json_ready(router: kr.Router) -> None:
    """to_dict() of a routed and of a declined order serialises to JSON."""
    for text in ("楼下饭店油烟太大", "表扬一下环卫工"):
        data = router.route(text, town="玉山镇", at="2025-07-01").to_dict()
        assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_routing_is_deterministic(g: kr.ResponsibilityGraph, router: kr.Router) -> None:
    """The same order gives the same route, from the same router and from a new one."""
    text = "小区门口有人摆摊卖水果，油烟也很大"
    first = router.route(text, town="陆家镇", at="2025-08-16").to_dict()
    assert router.route(text, town="陆家镇", at="2025-08-16").to_dict() == first
    assert kr.Router(g).route(text, town="陆家镇", at="2025-08-16").to_dict() == first


def test_a_users_phrasing_reaches_a_town_item(g: kr.ResponsibilityGraph) -> None:
    """A phrase added with with_phrasings routes an order the sample lexicon declines."""
    text = "沪苏通办的业务在哪里可以办"
    lexicon = kr.Lexicon.sample().with_phrasings("B-BZ-009", strong=["沪苏通办"])
    r = kr.Router(g, lexicon=lexicon, threshold=0.0).route(text, town="花桥镇", at="2025-12-01")
    assert r.item is not None
    assert r.item.code == "B-BZ-009"


def test_an_example_order_alone_teaches_the_router_its_item(g: kr.ResponsibilityGraph) -> None:
    """With the hand-written lexicon only, one example phrasing routes a like order there."""
    text = "阿拉弄堂口头搿只老伯伯天天推仔车子卖白相物事"
    hand = kr.Lexicon.sample(examples=False)
    taught = hand.with_phrasings("B-CJ-020", [text])
    r = kr.Router(g, lexicon=taught, threshold=0.0).route(text, town="张浦镇", at="2025-05-14")
    assert not r.declined
    assert r.item is not None
    assert r.item.code == "B-CJ-020"
    assert dict(r.signals)["nearest"] > 0.9


def test_decline_class_phrasings_vote_for_declining(g: kr.ResponsibilityGraph) -> None:
    """An order that reads like a decline class's example order is declined with its class."""
    text = "隔壁阿姨家的猫天天跑到我家阳台上睡觉赶都赶不走"
    extra = kr.Lexicon({}, (), (kr.DeclineClass("no_item", "no list item covers this matter",
                                                 (), (text,)),))
    lexicon = kr.Lexicon.sample(examples=False).extend(extra)
    r = kr.Router(g, lexicon=lexicon).route(text, town="张浦镇", at="2025-05-14")
    assert r.declined
    assert r.decline_class == "no_item"


def test_routes_carry_the_signals_of_their_confidence(router: kr.Router) -> None:
    """A routed order reports the measurements its raw confidence came from, in to_dict too."""
    r = router.route("楼下饭店油烟直排熏得窗户都不敢开", town="玉山镇", at="2025-06-03")
    names = {name for name, _ in r.signals}
    assert {"best", "margin", "decline", "nearest", "agree", "cue", "similar"} <= names
    assert set(r.to_dict()["signals"]) == names
