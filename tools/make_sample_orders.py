"""Generate the sample 12345 orders of 2025 for the ten towns of the Kunshan sample.

Everything goes through the public API: the items each town's lists hold on an order's
day come from ``g.records`` and ``g.owner``, event times from ``kr.WorkCalendar.china()``
(so that working hours are real working hours), and the file is written with
``kr.write_orders``. The orders are synthetic; the generation parameters (below, in
``PARAMETERS``) are chosen so that the library's own evaluation reproduces Kunshan's
published figures:

* 千灯镇: satisfaction 98% on its hot-spot demands. Hot-spot demands are the 52 items with
  the most orders in 千灯镇 over the year; the generator makes 52 items (of those its lists
  hold all year) ten times as frequent as the others, and rates 98% of their rated orders
  满意 or 基本满意.
* 周市镇: routing went live on 1 July 2025 (``ROUTING_LIVE``). From then on its orders are
  dispatched by the router, first-dispatch right is 97%, and the median handling time is
  18 minutes shorter than before (the generator's median shifts by 0.3 working hours).

Rates are applied with a deterministic accumulator rather than coin flips (3% wrong means
exactly every 33rd or 34th order), and each group's handling times are the evenly spaced
quantiles of a log-normal distribution, shuffled, so that a year's figures equal the
parameters to within one order. Nothing is edited after generation: the evaluation
computes the figures from the events.

Run it after changing the parameters::

    python tools/make_sample_orders.py          # writes src/kunshan_rbac/data/orders-2025.jsonl.gz
    python tools/make_sample_orders.py --check  # exits 1 if the shipped file is out of date
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import math
import random
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import kunshan_rbac as kr

TARGET = (Path(__file__).resolve().parent.parent / "src" / "kunshan_rbac" / "data"
          / "orders-2025.jsonl.gz")

YEAR = 2025
SEED = 12345
ORDERS = 24_000
ROUTING_LIVE = datetime.date(2025, 7, 1)
"""The day dispatching by the router went live in 周市镇."""
HOT_TOWN, HOT_ITEMS = "qiandeng", 52
ROUTED_TOWN = "zhoushi"

PARAMETERS: dict[str, Any] = {
    # share of the year's orders, by town (roughly by population)
    "volume": {"yushan": 0.26, "huaqiao": 0.12, "zhoushi": 0.10, "zhangpu": 0.09,
               "bacheng": 0.08, "qiandeng": 0.08, "lujia": 0.07, "dianshanhu": 0.05,
               "zhouzhuang": 0.04, "jinxi": 0.04},
    # first-dispatch right, by town; 周市镇 before and after routing went live
    "first_dispatch_right": {"default": 0.88, "zhoushi-before": 0.86, "zhoushi-after": 0.97,
                             "yushan": 0.90, "huaqiao": 0.89, "jinxi": 0.91},
    # satisfaction of rated orders; 千灯镇's hot-spot items apart
    "satisfaction": {"default": 0.94, "qiandeng-hot": 0.98, "qiandeng": 0.95,
                     "yushan": 0.93, "zhouzhuang": 0.96},
    # median handling time in working hours (log-normal, sigma 0.7)
    "median_hours": {"default": 22.0, "zhoushi-before": 24.0, "zhoushi-after": 23.7,
                     "yushan": 26.0, "huaqiao": 21.0, "jinxi": 18.0},
    "sigma": 0.7,
    "rated": 0.78,              # share of done orders the citizen rates
    "reopen_unsatisfied": 0.3,  # share of unsatisfied orders reopened
    "pushed_back": 0.06,        # share of reclaimed-item orders a department sends back
    "unclassified": 0.03,       # orders no list item covers
    "undone": 0.015,            # orders not finished by the end of the data
}

# Citizens' words, by domain: openings, complaints, closings.
PHRASES = {
    "城乡建设": ["小区楼道的灯坏了好久了，晚上上下楼黑乎乎的", "楼顶漏水，物业一直推说要走维修资金",
             "隔壁在装修把承重墙敲了，整栋楼都在震", "小区门口的路面塌了一个坑，电瓶车摔了好几次",
             "物业费涨了也没开业主大会，问物业也不给说法",
             "老小区加装电梯，楼下邻居不同意，怎么协调"],
    "生态环境": ["河里的水发黑发臭，夏天根本不敢开窗", "附近厂里晚上偷偷排烟，一股刺鼻的味道",
             "饭店的油烟直接往我们楼上排", "工地半夜还在施工，噪音吵得睡不着",
             "路边有人烧垃圾，烟很大", "小河边堆了好多建筑垃圾没人清"],
    "平安法治": ["小区里有人打架，想找人调解一下", "邻居家的狗天天半夜叫，说了也不听",
             "路口没有红绿灯，上学的孩子过马路太危险", "楼下有人群租，进出的人很杂",
             "家里老人被人骗去买保健品，想反映一下"],
    "文化旅游": ["景区门口的停车场乱收费", "文化站的活动室一直锁着不开放",
             "古镇里的商户拉客，游客很反感", "广场舞音响开得太大，晚上十点还在跳"],
    "乡村振兴": ["村里的田被人倒了渣土", "承包地的补贴今年还没发下来", "村道坑坑洼洼，下雨全是泥",
             "村里的河塘好久没清了", "宅基地上建房审批不知道要找谁"],
    "市场监管": ["在超市买到过期的食品，商家不肯退", "菜场的秤不准，短斤少两",
             "网上买的东西是假货，店家找不到人", "小饭店没有营业执照，卫生也很差"],
    "民生服务": ["孩子入学要开的证明不知道去哪里开", "老人的养老补贴停发了，想问问原因",
             "低保申请交上去好几个月没消息", "社区的便民服务中心周末没人"],
    "交通": ["公交站台的顶棚坏了，下雨没地方躲", "路边的共享单车堆成山，人行道都走不了",
             "有黑车在地铁口拉客", "路口的信号灯时间太短，老人过不去"],
    "卫生健康": ["社区医院排队太久，医生态度也不好", "小诊所在给人打针，不知道有没有资质",
             "楼里有人养鸽子，担心传染病", "打疫苗要预约，电话一直打不通"],
    "水务": ["家里的自来水发黄，烧开了有沉淀", "下雨路口就积水，车开过去水溅到人身上",
             "小区的雨水管道堵了，地下室进水", "停水也没提前通知"],
    "经济发展": ["公司拖欠工资三个月了", "企业招工说好的补贴一直没兑现",
             "小微企业的贷款贴息不知道怎么申请", "厂房租金纠纷想找人协调"],
    "党的建设": ["社区的党员活动室被占用了", "想了解一下入党申请怎么递交"],
    "综合保障": ["政务大厅的叫号机坏了", "办事窗口午休没人，白跑一趟"],
}
PLACES = ["青阳路", "前进路", "黄浦江路", "长江路", "人民路", "朝阳路", "白塘路", "娄江路",
          "绿地21城", "世茂蝶湖湾", "阳光花园", "新城域", "中华园", "玉龙花园", "东方华庭"]
OPENINGS = ["你好，", "喂，你好，", "", "我要反映一个问题，", "麻烦问一下，", "我是这里的居民，"]
CLOSINGS = ["请尽快处理。", "麻烦给个答复。", "希望有人来看一下。", "打了好几次电话了。",
            "这个情况持续好长时间了。", ""]
REASONS_WRONG = ["不属于本单位职责", "应由主管部门办理", "事项不在本单位清单内"]
REASONS_PUSHED = ["属地管理，应由镇街先行处置"]
CHANNELS = [("电话", 0.7), ("微信", 0.15), ("网站", 0.08), ("APP", 0.07)]
KINDS = [("投诉", 0.4), ("求助", 0.3), ("咨询", 0.2), ("举报", 0.05), ("意见建议", 0.05)]
REPLIES = ["已安排人员到现场处理，问题已解决。", "已联系相关责任人整改到位。",
           "经核实，已按规定处理并告知来电人。", "已转相关部门跟进，来电人表示认可。"]


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


class Accumulator:
    """Exact rates without coin flips: ``hit()`` is true for a share ``p`` of calls."""

    def __init__(self, p: float) -> None:
        self.p = p
        self.level = 0.5

    def hit(self) -> bool:
        """True about ``p`` of the time, evenly spread."""
        self.level += self.p
        if self.level >= 1.0:
            self.level -= 1.0
            return True
        return False


def stratified(n: int, median: float, sigma: float, rng: random.Random) -> list[float]:
    """``n`` handling times (working hours) at evenly spaced quantiles of a log-normal
    distribution, shuffled: their median is the distribution's, to the second."""
    normal = statistics.NormalDist()
    values = [round(median * math.exp(sigma * normal.inv_cdf((j + 0.5) / n)) * 3600) / 3600
              for j in range(n)]
    rng.shuffle(values)
    return values


def _param(table: dict[str, float], key: str) -> float:
    return table.get(key, table["default"])


def _phase(town: str, day: datetime.date) -> str:
    """``-before`` or ``-after`` routing went live, for the routed town; else ``""``."""
    if town != ROUTED_TOWN:
        return ""
    return "-after" if day >= ROUTING_LIVE else "-before"


def _text(rng: random.Random, domain: str) -> str:
    phrases = PHRASES.get(domain) or PHRASES["民生服务"]
    place = rng.choice(PLACES)
    body = rng.choice(phrases)
    where = rng.choice([f"{place}这边，", f"我住在{place}，", f"{place}附近，", ""])
    return f"{rng.choice(OPENINGS)}{where}{body}。{rng.choice(CLOSINGS)}"


def generate(g: kr.ResponsibilityGraph) -> kr.Orders:
    """The year's orders."""
    rng = random.Random(SEED)
    cal = kr.WorkCalendar.china()
    volume: dict[str, float] = PARAMETERS["volume"]
    towns = sorted(volume)
    pairs: dict[str, list[str]] = {t: sorted({r.item for r in g.records(town=t)}) for t in towns}
    first_day, last_day = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)

    def held_all_year(item: str, town: str) -> bool:
        try:
            g.owner(item, town=town, at=first_day)
            g.owner(item, town=town, at=last_day)
        except kr.NotAssignedError:
            return False
        return True

    weights: dict[str, list[float]] = {}
    hot: set[str] = set()
    for town in towns:
        weights[town] = [rng.paretovariate(1.5) for _ in pairs[town]]
    candidates = [i for i in pairs[HOT_TOWN] if held_all_year(i, HOT_TOWN)]
    hot = set(rng.sample(candidates, HOT_ITEMS))
    weights[HOT_TOWN] = [40.0 if i in hot else 1.0 for i in pairs[HOT_TOWN]]

    fdr: dict[str, Accumulator] = {}
    sat: dict[str, Accumulator] = {}
    misc: dict[str, Accumulator] = {}

    def acc(table: dict[str, Accumulator], key: str, p: float) -> Accumulator:
        if key not in table:
            table[key] = Accumulator(p)
        return table[key]

    days = [first_day + datetime.timedelta(days=d) for d in range((last_day - first_day).days + 1)]
    day_weights = [1.0 if cal.is_working_day(d) else 0.6 for d in days]
    hour_weights = [0.2] * 7 + [1.0, 2.0, 3.0, 3.0, 2.5, 1.5, 2.0, 3.0, 3.0, 2.5, 2.0, 1.5,
                                1.2, 1.0, 0.8, 0.5, 0.3]
    received_times = sorted(
        datetime.datetime.combine(rng.choices(days, day_weights)[0],
                                  datetime.time(rng.choices(range(24), hour_weights)[0],
                                                rng.randrange(60)), kr.CHINA_TZ)
        for _ in range(ORDERS)
    )
    town_of = rng.choices(towns, [volume[t] for t in towns], k=ORDERS)
    # Which orders stay unfinished, and each finished order's handling time, are fixed
    # first, so that each group's handling times are exact quantiles.
    undone_rate = Accumulator(PARAMETERS["undone"])
    undone = [undone_rate.hit() for _ in range(ORDERS)]
    groups: dict[str, list[int]] = {}
    for index, (received, town) in enumerate(zip(received_times, town_of, strict=True)):
        if not undone[index]:
            groups.setdefault(town + _phase(town, received.date()), []).append(index)
    spent_of: dict[int, float] = {}
    shuffle = random.Random(SEED + 1)
    for key in sorted(groups):
        members = groups[key]
        values = stratified(len(members), _param(PARAMETERS["median_hours"], key),
                            PARAMETERS["sigma"], shuffle)
        spent_of.update(zip(members, values, strict=True))
    events: list[kr.OrderEvent] = []
    per_day: dict[datetime.date, int] = {}
    for index, (received, town) in enumerate(zip(received_times, town_of, strict=True)):
        day = received.date()
        per_day[day] = per_day.get(day, 0) + 1
        oid = f"KS{day:%Y%m%d}{per_day[day]:04d}"
        phase = _phase(town, day)
        unclassified = acc(misc, "unclassified", PARAMETERS["unclassified"]).hit()
        item = "" if unclassified else rng.choices(pairs[town], weights[town])[0]
        try:
            owner = g.owner(item, town=town, at=day) if item else None
        except kr.NotAssignedError:
            owner, item = None, ""
        domain = g.item(item).domain if item else rng.choice(sorted(PHRASES))
        kind = _pick(rng, KINDS)
        events.append(kr.OrderEvent(oid, received, "received", town=town,
                                    text=_text(rng, domain), channel=_pick(rng, CHANNELS),
                                    kind=kind, urgent=rng.random() < 0.02))
        by = "router" if phase == "-after" else "person"
        t = received + datetime.timedelta(minutes=rng.randint(1, 10))
        dispatch_key = town + phase
        if owner is None:
            first = town
        else:
            right = not acc(fdr, dispatch_key, 1 - _param(
                PARAMETERS["first_dispatch_right"], dispatch_key)).hit()
            if right:
                first = owner.primary.code
            elif owner.primary.code == town:
                first = (owner.secondary[0].code if owner.secondary else "zjj")
            else:
                first = town
        events.append(kr.OrderEvent(oid, t, "dispatched", unit=first, item=item, by=by))
        handler = first
        if owner is not None and first != owner.primary.code:
            t = cal.add_working_hours(t, rng.uniform(0.2, 1.5))
            events.append(kr.OrderEvent(oid, t, "returned", unit=first,
                                        detail=rng.choice(REASONS_WRONG)))
            t += datetime.timedelta(minutes=rng.randint(2, 10))
            handler = owner.primary.code
            events.append(kr.OrderEvent(oid, t, "dispatched", unit=handler, by="person"))
        elif (owner is not None and owner.list is kr.ListKind.RECLAIMED
              and acc(misc, "pushed", PARAMETERS["pushed_back"]).hit()):
            t = cal.add_working_hours(t, rng.uniform(0.2, 1.5))
            events.append(kr.OrderEvent(oid, t, "returned", unit=first,
                                        detail=REASONS_PUSHED[0]))
            t += datetime.timedelta(minutes=rng.randint(2, 10))
            handler = town
            events.append(kr.OrderEvent(oid, t, "dispatched", unit=handler, by="person"))
        t = cal.add_working_hours(t, min(rng.expovariate(1.2), 1.5))
        events.append(kr.OrderEvent(oid, t, "signed", unit=handler))
        if undone[index]:
            continue
        done = cal.add_working_hours(received, max(4.0, spent_of[index]))
        events.append(kr.OrderEvent(oid, done, "done", unit=handler,
                                    detail=rng.choice(REPLIES)))
        if rng.random() >= PARAMETERS["rated"]:
            continue
        sat_key = town + ("-hot" if town == HOT_TOWN and item in hot else "")
        satisfied = not acc(sat, sat_key, 1 - _param(
            PARAMETERS["satisfaction"], sat_key)).hit()
        rating = rng.choice(["满意", "满意", "满意", "基本满意"]) if satisfied else "不满意"
        rated = done + datetime.timedelta(minutes=rng.randint(30, 4320))
        events.append(kr.OrderEvent(oid, rated, "rated", detail=rating))
        if not satisfied and rng.random() < PARAMETERS["reopen_unsatisfied"]:
            again = rated + datetime.timedelta(minutes=rng.randint(10, 600))
            events.append(kr.OrderEvent(oid, again, "reopened", unit=handler))
            events.append(kr.OrderEvent(oid, cal.add_working_hours(again, 6.0), "done",
                                        unit=handler, detail=rng.choice(REPLIES)))
    return kr.Orders.from_events(events)


def main(argv: list[str] | None = None) -> int:
    """Write the sample orders, or with ``--check`` compare them with the shipped file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the shipped file differs from a fresh generation")
    parser.add_argument("--output", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    orders = generate(kr.load_sample())
    if orders.problems:
        for problem in orders.problems[:20]:
            print(problem, file=sys.stderr)
        return 1
    if args.check:
        with tempfile.TemporaryDirectory() as folder:
            fresh = Path(folder) / TARGET.name
            kr.write_orders(orders, fresh)
            same = gzip.decompress(fresh.read_bytes()) == gzip.decompress(TARGET.read_bytes())
        if not same:
            print(f"{TARGET} is out of date; run python tools/make_sample_orders.py",
                  file=sys.stderr)
            return 1
        return 0
    kr.write_orders(orders, args.output)
    print(f"wrote {len(orders)} orders to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
