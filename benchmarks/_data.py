"""Synthetic duty lists of the Kunshan sample's shape, at any number of towns.

Towns come in cities of ten. Every town is generated on its own from ``(seed, town index)``,
so a child process can stream the country town by town without holding it all, and can
regenerate any town later to draw query keys from it.

A town's plan has three views of the same data:

* ``assigns`` and ``transfers``: the calls the library's in-memory builder makes through its
  public API (``assign``, then ``delegate`` and ``reclaim`` on the reform date);
* ``rows``: the records those calls leave behind (unit, item, town, role, list, start,
  end), from which the baselines build.

Codes: towns ``t000123``, cities ``c0012``, departments ``c0012-zjj`` (32 per city), items
``B-001`` (basic pool of 200; ``B-197``..``B-200`` are department-led until delegated),
``C-001`` (cooperative pool of 104), ``R-001`` (reclaimed pool of 400, of which each city
keeps a catalogue of 347).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

__all__ = [
    "DEPARTMENTS",
    "PAST",
    "REFORM",
    "SCALES",
    "SHAPES",
    "Dataset",
    "Row",
    "Shape",
    "TownPlan",
]

START = datetime.date(2021, 1, 1)
"""The pre-reform records' first day (the 2021 delegation of powers to towns)."""
PILOT = datetime.date(2024, 7, 1)
"""The pilot towns' reform date."""
REFORM = datetime.date(2025, 4, 1)
"""Every other town's reform date (cooperative items start, reclaimed items move)."""
PAST = datetime.date(2023, 6, 1)
"""The past date that ``owner(at=...)`` asks about (before every reform)."""
GRANT = "苏政发〔2020〕91号"
BASIS = (
    "《中华人民共和国地方各级人民代表大会和地方各级人民政府组织法》",
    "《中华人民共和国乡村振兴促进法》",
    "《江苏省乡镇（街道）履行职责事项清单》",
    "《中华人民共和国行政处罚法》",
    "《中华人民共和国行政许可法》",
)

SCALES: dict[str, int] = {"kunshan": 10, "province": 1_200, "national": 38_600}
"""Towns per scale: Kunshan, Jiangsu (~1,200 township units), China (~38,600)."""

DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("zhzf", "综合行政执法局"), ("zjj", "住房和城乡建设局"), ("scjgj", "市场监督管理局"),
    ("sthjj", "生态环境局"), ("yjglj", "应急管理局"), ("gaj", "公安局"),
    ("jtysj", "交通运输局"), ("slj", "水务局"), ("nyncj", "农业农村局"),
    ("wsjkw", "卫生健康委员会"), ("jyj", "教育局"), ("mzj", "民政局"),
    ("rsj", "人力资源和社会保障局"), ("zrzyj", "自然资源和规划局"), ("swj", "商务局"),
    ("whlyj", "文体广电和旅游局"), ("sfj", "司法局"), ("czj", "财政局"),
    ("tjj", "统计局"), ("fgw", "发展和改革委员会"), ("gxj", "工业和信息化局"),
    ("xfjy", "消防救援大队"), ("ybj", "医疗保障局"), ("tyjrj", "退役军人事务局"),
    ("xfj", "信访局"), ("sjj", "审计局"), ("sjzx", "数据局"), ("rfb", "人防办"),
    ("dag", "档案馆"), ("mzzj", "民族宗教事务局"), ("qlhz", "气象局"), ("cl", "残疾人联合会"),
)
"""Each city's 32 departments (code suffix, name); item ``i`` belongs to department ``i % 32``."""

BASIC_POOL = 196
DELEGATED = 4
COOPERATIVE_POOL = 104
RECLAIMED_POOL = 400
CATALOGUE = 347


@dataclass(frozen=True)
class Shape:
    """How many items of each list a town holds, and how much history it has.

    Attributes:
        name: ``sample`` or ``issue``.
        reclaimed: per-town reclaimed items as ``(low, high)``; ``None`` spreads the
            city's catalogue over its towns (each item reclaimed from one town).
        basic_secondary: share of basic items with a department secondary.
        keep_secondary: share of reclaimed items where the town stays secondary.
        history: share of towns whose reclaimed items have pre-reform records (town
            primary since 2021) closed by ``reclaim`` transfers.
        pilots: share of towns that reformed on the pilot date.
    """

    name: str
    reclaimed: tuple[int, int] | None
    basic_secondary: float
    keep_secondary: float = 1 / 3
    history: float = 0.5
    pilots: float = 0.2


SHAPES: dict[str, Shape] = {
    "sample": Shape("sample", reclaimed=(280, 330), basic_secondary=0.25),
    "issue": Shape("issue", reclaimed=None, basic_secondary=0.0),
}
"""``sample``: the Kunshan sample's density (~300 reclaimed items per town).
``issue``: the issue's reference data (140 + 80 per town, 347 reclaimed per city)."""

Row = tuple[str, str, str, str, str, datetime.date | None, datetime.date | None]
"""A record: (unit, item, town, role, list, start, end); role and list are enum values."""


@dataclass(frozen=True)
class Assign:
    """One ``assign`` call."""

    item: str
    list: str
    primary: str
    secondary: tuple[str, ...]
    start: datetime.date
    grant: str = ""


@dataclass(frozen=True)
class TransferStep:
    """One ``reclaim`` or ``delegate`` call on one town."""

    kind: str
    items: tuple[str, ...]
    effective: datetime.date
    keep_secondary: bool
    to: str = ""


@dataclass
class TownPlan:
    """Everything generated for one town."""

    index: int
    code: str
    city: str
    pending: bool
    reform: datetime.date
    assigns: list[Assign] = field(default_factory=list)
    transfers: list[TransferStep] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    basic: list[str] = field(default_factory=list)
    """Items the town leads today (town primary on its basic list), delegated ones excluded."""
    held_today: list[str] = field(default_factory=list)
    """Every item on one of the town's lists today."""
    held_past: list[str] = field(default_factory=list)
    """Every item on one of the town's lists on `PAST`."""
    reclaimable: list[str] = field(default_factory=list)
    """For a pending town: the city catalogue it still leads, to be reclaimed by the benchmark."""


def item_code(prefix: str, index: int) -> str:
    return f"{prefix}-{index + 1:03d}"


def department_of(index: int, city: str) -> str:
    return f"{city}-{DEPARTMENTS[index % len(DEPARTMENTS)][0]}"


@dataclass(frozen=True)
class Dataset:
    """The synthetic country of one scale and shape.

    Args:
        towns: number of towns (a multiple of 10 reads best).
        shape: the `Shape`.
        seed: the random seed; equal arguments give equal data.
        pending_cities: the first cities whose reform the benchmark itself performs: their
            towns lead every item of the city's reclaimed catalogue (as every town with
            history did before its reform), so that one ``reclaim`` can name 347 items in
            10 towns.
    """

    towns: int
    shape: Shape
    seed: int = 20250401
    pending_cities: int = 1

    @property
    def cities(self) -> int:
        return (self.towns + 9) // 10

    @staticmethod
    def town_code(index: int) -> str:
        return f"t{index:06d}"

    @staticmethod
    def city_code(index: int) -> str:
        return f"c{index:04d}"

    def city_of(self, town: int) -> int:
        return town // 10

    def towns_of(self, city: int) -> list[int]:
        return list(range(city * 10, min(self.towns, city * 10 + 10)))

    def catalogue(self, city: int) -> list[int]:
        """Indexes (into the reclaimed pool) of the city's 347-item catalogue, sorted."""
        rng = random.Random(self.seed * 7919 + city)
        return sorted(rng.sample(range(RECLAIMED_POOL), CATALOGUE))

    def units(self) -> Iterator[tuple[str, str, str, str | None]]:
        """(kind, code, name, parent) of every city, department and town."""
        for city in range(self.cities):
            code = self.city_code(city)
            yield "authority", code, f"{code}市", None
            for suffix, name in DEPARTMENTS:
                yield "department", f"{code}-{suffix}", f"{code}市{name}", code
        for town in range(self.towns):
            code = self.town_code(town)
            yield "town", code, f"{code}镇", self.city_code(self.city_of(town))

    @cached_property
    def items(self) -> list[tuple[str, str, str | None, str]]:
        """(code, name, power type, basis) of every catalogue item."""
        result: list[tuple[str, str, str | None, str]] = []
        for i in range(BASIC_POOL + DELEGATED):
            result.append((item_code("B", i), f"基本履职事项{i + 1:03d}", None, BASIS[i % 3]))
        for i in range(COOPERATIVE_POOL):
            result.append((item_code("C", i), f"配合履职事项{i + 1:03d}", None, BASIS[i % 3]))
        for i in range(RECLAIMED_POOL):
            power = ("行政处罚", "行政检查", "行政强制", "行政许可")[i % 4]
            result.append((item_code("R", i), f"收回事项{i + 1:03d}", power, BASIS[3 + i % 2]))
        return result

    def is_pending(self, town: int) -> bool:
        return self.city_of(town) < self.pending_cities

    def town(self, index: int) -> TownPlan:
        """The plan of one town (deterministic)."""
        shape = self.shape
        rng = random.Random(self.seed * 1_000_003 + index)
        city_index = self.city_of(index)
        city = self.city_code(city_index)
        code = self.town_code(index)
        pending = self.is_pending(index)
        reform = PILOT if rng.random() < shape.pilots else REFORM
        history = pending or rng.random() < shape.history
        plan = TownPlan(index, code, city, pending, reform)
        # Basic list: 136 of the pool, town primary since 2021, a share with a department.
        for i in sorted(rng.sample(range(BASIC_POOL), 140 - DELEGATED)):
            item = item_code("B", i)
            secondary = (department_of(i, city),) if rng.random() < shape.basic_secondary else ()
            plan.assigns.append(Assign(item, "basic", code, secondary, START))
            plan.rows.append((code, item, code, "primary", "basic", START, None))
            plan.rows.extend((s, item, code, "secondary", "basic", START, None) for s in secondary)
            plan.basic.append(item)
            plan.held_today.append(item)
            plan.held_past.append(item)
        # Delegated items: department-led (town assisting) until the reform, then the town's.
        delegated = tuple(item_code("B", BASIC_POOL + i) for i in range(DELEGATED))
        for i, item in enumerate(delegated):
            dept = department_of(BASIC_POOL + i, city)
            plan.assigns.append(Assign(item, "cooperative", dept, (code,), START))
            plan.rows += [
                (dept, item, code, "primary", "cooperative", START, reform),
                (code, item, code, "secondary", "cooperative", START, reform),
                (code, item, code, "primary", "basic", reform, None),
                (dept, item, code, "secondary", "basic", reform, None),
            ]
            plan.held_today.append(item)
            plan.held_past.append(item)
        plan.transfers.append(TransferStep("delegate", delegated, reform, True))
        # Cooperative list: 80 of the pool from the reform date, department primary.
        for i in sorted(rng.sample(range(COOPERATIVE_POOL), 80)):
            item = item_code("C", i)
            dept = department_of(i, city)
            plan.assigns.append(Assign(item, "cooperative", dept, (code,), reform))
            plan.rows += [
                (dept, item, code, "primary", "cooperative", reform, None),
                (code, item, code, "secondary", "cooperative", reform, None),
            ]
            plan.held_today.append(item)
        # Reclaimed list.
        catalogue = self.catalogue(city_index)
        if pending:
            chosen = catalogue
        elif shape.reclaimed is None:
            chosen = catalogue[index % 10 :: 10]
        else:
            low, high = shape.reclaimed
            chosen = sorted(rng.sample(catalogue, rng.randint(low, high)))
        groups: dict[tuple[str, bool], list[str]] = {}
        for i in chosen:
            item = item_code("R", i)
            dept = department_of(i, city)
            keep = rng.random() < shape.keep_secondary
            if pending:
                plan.assigns.append(Assign(item, "basic", code, (), START, GRANT))
                plan.rows.append((code, item, code, "primary", "basic", START, None))
                plan.reclaimable.append(item)
                plan.held_today.append(item)
                plan.held_past.append(item)
                continue
            if history:
                plan.assigns.append(Assign(item, "basic", code, (), START, GRANT))
                plan.rows.append((code, item, code, "primary", "basic", START, reform))
                groups.setdefault((dept, keep), []).append(item)
                plan.held_past.append(item)
            else:
                secondary = (code,) if keep else ()
                plan.assigns.append(Assign(item, "reclaimed", dept, secondary, reform))
            plan.rows.append((dept, item, code, "primary", "reclaimed", reform, None))
            if keep:
                plan.rows.append((code, item, code, "secondary", "reclaimed", reform, None))
            plan.held_today.append(item)
        for (dept, keep), items in sorted(groups.items()):
            plan.transfers.append(TransferStep("reclaim", tuple(items), reform, keep, dept))
        return plan

    def plans(self) -> Iterator[TownPlan]:
        for index in range(self.towns):
            yield self.town(index)
