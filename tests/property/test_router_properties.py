"""Laws of kr.Router: ownership as g.owner says, only held items, filler, determinism.

Filler tolerance: the lexicon's own filler sentences ("你好", "谢谢", "我拍了照片",
"请尽快处理"...) are removed before matching, so adding them never changes a decision
(tolerance 0). Sentences the lexicon does not know as filler ("我是老住户了") may add
n-gram noise: over the development orders, at most 3% of decisions (declined or not,
and the primary unit) may change.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr

G = kr.load_sample()
ROUTER = kr.Router(G, threshold=0.0)
DEFAULT = kr.Router(G)
DEV = Path(__file__).resolve().parents[2] / "benchmarks" / "route_orders" / "dev.jsonl"
TEXTS = [json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines()]
TOWNS = [t.name for t in G.towns()]
FILLER = ["你好", "谢谢", "我拍了照片", "请尽快处理", "麻烦了", "希望有关部门尽快处理"]

days = st.dates(datetime.date(2023, 1, 1), datetime.date(2026, 12, 31))
texts = st.one_of(st.sampled_from(TEXTS), st.text(min_size=1, max_size=40))


def ownership_problem(g: kr.ResponsibilityGraph, route: kr.Route) -> str | None:
    """Why a routed answer disagrees with g.owner (None when it agrees or was declined)."""
    if route.declined:
        return None
    assert route.item is not None
    assert route.ownership is not None
    try:
        truth = g.owner(route.item.code, town=route.town.code, at=route.at)
    except kr.KunshanRbacError as exc:
        return f"{route.item.code} is not held by {route.town.code} on {route.at}: {exc}"
    if truth != route.ownership:
        return f"route says {route.ownership.primary.code}, g.owner says {truth.primary.code}"
    return None


@given(text=texts, town=st.sampled_from(TOWNS), day=days)
def test_routed_ownership_is_g_owner(text: str, town: str, day: datetime.date) -> None:
    """A routed order's ownership equals g.owner(item, town, at), and the item is held then."""
    for router in (ROUTER, DEFAULT):
        route = router.route(text, town=town, at=day)
        assert ownership_problem(G, route) is None
        for alt in route.alternatives:
            assert G.owner(alt.item.code, town=town, at=day) == alt.ownership


def test_the_ownership_check_catches_a_wrong_route() -> None:
    """Test of the test: an ownership taken from another date is caught."""
    text = "陆丰路有个小厂每天傍晚烟囱冒黑烟，晾的衣服都黑了"
    after = ROUTER.route(text, town="陆家镇", at="2025-08-05")
    before = ROUTER.route(text, town="陆家镇", at="2024-11-05")
    forged = attrs.evolve(after, ownership=before.ownership)
    assert ownership_problem(G, after) is None
    assert ownership_problem(G, forged) is not None


@given(text=st.sampled_from(TEXTS), town=st.sampled_from(TOWNS), day=days,
       before=st.lists(st.sampled_from(FILLER), max_size=2),
       after=st.lists(st.sampled_from(FILLER), max_size=3))
def test_known_filler_never_changes_the_decision(text: str, town: str, day: datetime.date,
                                                 before: list[str], after: list[str]) -> None:
    """Adding the lexicon's filler sentences before or after an order changes nothing."""
    padded = "".join(f + "，" for f in before) + text + "".join("。" + f for f in after)
    plain = DEFAULT.route(text, town=town, at=day)
    noisy = DEFAULT.route(padded, town=town, at=day)
    assert (noisy.declined, noisy.primary) == (plain.declined, plain.primary)


def test_unknown_filler_changes_few_decisions() -> None:
    """Sentences the lexicon does not know as filler change at most 3% of decisions."""
    extra = "我是老住户了。麻烦师傅了。"
    changed = 0
    for line in DEV.read_text(encoding="utf-8").splitlines():
        order = json.loads(line)
        a = DEFAULT.route(order["text"], town=order["town"], at=order["at"])
        b = DEFAULT.route(extra + order["text"], town=order["town"], at=order["at"])
        changed += (a.declined, a.primary) != (b.declined, b.primary)
    assert changed <= 0.03 * len(TEXTS)


@given(text=texts, town=st.sampled_from(TOWNS), day=days)
def test_routing_is_deterministic(text: str, town: str, day: datetime.date) -> None:
    """Routing the same order twice gives equal routes."""
    assert DEFAULT.route(text, town=town, at=day).to_dict() == \
        DEFAULT.route(text, town=town, at=day).to_dict()


@pytest.mark.parametrize("threshold", [0.0, 0.5, 0.9])
def test_higher_threshold_never_routes_more(threshold: float) -> None:
    """Every order routed at a threshold is routed, identically, at any lower one."""
    strict = kr.Router(G, threshold=threshold)
    for text in TEXTS[:120]:
        s = strict.route(text, town="玉山镇", at="2025-07-01")
        if not s.declined:
            loose = ROUTER.route(text, town="玉山镇", at="2025-07-01")
            assert (loose.declined, loose.primary) == (False, s.primary)
