"""The 12345 work-order router: a citizen's text, a town and a date -> the unit the lists name.

`Router` is built once from a graph and a `Lexicon`; `Router.route` reads one order:

1. the text is folded and the lexicon's filler is cut out (`kunshan_rbac._matching`);
2. every cue of the lexicon found in it adds to its item's score (strong words 3,
   keywords 1-2 by length), every negative cue found takes 4 from its item;
3. one character-bigram TF-IDF index is read: the cosine with each item's name and
   phrasings together adds up to 4 to the item, and the five nearest single examples
   (every phrasing, every labelled example order shipped in ``router_examples.json``,
   every item's name) vote: each item or decline class they belong to gains up to 10
   times its nearest example's similarity;
4. only items that the town's lists hold **on that date** are candidates: each is asked
   of the graph (``g.owner(item, town=..., at=...)``), so the same words go to the town
   before a reform and to the department after it;
5. candidates that share a primary unit pool their evidence (the best in full, the others
   at 0.6): the unit with the most wins and its best candidate names the item, so that
   two readings of one owner make the unit surer, not less sure;
6. the decline classes (praise, utility outage, police matter...) score the other way
   (the first cue of a class 5, each further one 1, plus their example orders' vote): when
   they weigh more than the best unit, the order is declined with that class's reason; it
   is declined too when no candidate is left, or when the calibrated confidence is under
   the threshold.

The confidence is a calibration table (shipped as data, fitted by pooled adjacent
violators on cross-validated routes of the development orders, so that no route was
scored by a router that had seen its order) applied to a raw score built from the best
unit's score and its margin over the next unit and over the decline classes; it estimates
the chance that the *primary unit* is right.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import gc
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from typing import Any

import attrs

from . import _frames
from ._dates import DateLike, parse_date
from ._deadlines import Deadlines
from ._display import fields_html
from ._errors import KunshanRbacError
from ._graph import ResponsibilityGraph
from ._lexicon import Lexicon
from ._matching import CueIndex, NgramIndex, fold_text, strip_filler
from ._model import Item, Ownership, Town
from ._templates import DeadlineSource, HandlingTemplate, Templates

__all__ = ["Alternative", "Route", "Router"]

STRONG_WEIGHT = 3.0
NEGATIVE_PENALTY = 4.0
DECLINE_WEIGHT = 5.0
NGRAM_WEIGHT = 4.0
NGRAM_FLOOR = 0.12
NEIGHBOUR_WEIGHT = 10.0
NEIGHBOUR_FLOOR = 0.1
NEIGHBOUR_K = 5
NEIGHBOUR_SIZES = (2,)
NEIGHBOUR_MAX_DF = 0.02
UNIT_SHARE = 0.6
NEIGHBOUR_POSTINGS: int | None = 4
_CHECKED = 10  # candidates asked of the graph, best first


def _keyword_weight(word: str) -> float:
    return min(2.0, 1.0 + 0.25 * max(0, len(word) - 2))


_BOILERPLATE = re.compile(
    r"^(对|配合开展|配合|协助开展|协助)|(的处罚|的行政处罚|的监督检查|行为的处罚)$")


def _is_item_label(label: str) -> bool:
    return label[0] == "="


def _core_name(name: str) -> str:
    """An item's name without the lists' legal frame (对...的处罚, 配合...)."""
    return _BOILERPLATE.sub("", name)


@attrs.frozen
class Alternative:
    """A runner-up candidate of a route.

    Attributes:
        item: the `Item`.
        ownership: its `Ownership` in the order's town on the order's date.
        score: its matching score (same scale as `Route.score`).
    """

    item: Item
    ownership: Ownership
    score: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {"item": self.item.code, "name": self.item.name,
                "list": self.ownership.list.value, "primary": self.ownership.primary.code,
                "score": round(self.score, 3)}


@attrs.frozen
class Route:
    """Where one work order goes, or why it goes to a person instead.

    Attributes:
        text: the order as given.
        town: the `Town` it was filed in.
        at: the order's date.
        declined: ``True`` when no list item fits well enough.
        item: the chosen `Item` (``None`` when declined).
        ownership: its `Ownership` on that town and date (``None`` when declined).
        confidence: calibrated probability in [0, 1] that the primary unit is right.
        score: the raw matching score of the best candidate (0 when there is none).
        alternatives: the next candidates, best first.
        basis: the item's legal or policy basis (empty when declined).
        template: the handling template for the primary unit (``None`` when declined).
        matched: the words of the order that decided it (cues found, or a decline
            class's cues).
        reason: one line saying why it chose this item or why it declined.
        decline_class: the decline class that fired (``"utility"``...), or ``None``.
        ruled_out: ``(item code, cue)`` pairs: candidates a negative cue pushed down.
        raw: the uncalibrated confidence in [0, 1] that the calibration table turns
            into `confidence`.
        signals: the measurements ``raw`` was computed from, as ``(name, value)``
            pairs (best unit's score, its margin over the next unit, the decline
            classes' score, the nearest example's similarity and the share of the
            nearest examples that name the same unit...).
    """

    text: str
    town: Town
    at: datetime.date
    declined: bool
    item: Item | None
    ownership: Ownership | None
    confidence: float
    score: float
    alternatives: tuple[Alternative, ...]
    basis: tuple[str, ...]
    template: HandlingTemplate | None
    matched: tuple[str, ...]
    reason: str
    decline_class: str | None = None
    ruled_out: tuple[tuple[str, str], ...] = ()
    raw: float = 0.0
    signals: tuple[tuple[str, float], ...] = ()

    @property
    def primary(self) -> str | None:
        """Code of the primary unit, or ``None`` when declined."""
        return self.ownership.primary.code if self.ownership is not None else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (what ``kunshan-rbac route --json`` prints)."""
        own = self.ownership
        return {
            "text": self.text,
            "town": self.town.code,
            "at": self.at.isoformat(),
            "declined": self.declined,
            "item": self.item.code if self.item else None,
            "item_name": self.item.name if self.item else None,
            "list": own.list.value if own else None,
            "primary": own.primary.code if own else None,
            "primary_name": own.primary.name if own else None,
            "secondary": [u.code for u in own.secondary] if own else [],
            "confidence": round(self.confidence, 4),
            "score": round(self.score, 3),
            "alternatives": [a.to_dict() for a in self.alternatives],
            "basis": list(self.basis),
            "template": self.template.to_dict() if self.template else None,
            "matched": list(self.matched),
            "reason": self.reason,
            "decline_class": self.decline_class,
            "ruled_out": [{"item": i, "cue": c} for i, c in self.ruled_out],
            "raw": round(self.raw, 4),
            "signals": {name: round(value, 4) for name, value in self.signals},
        }

    def explain(self) -> str:
        """A readable account: the decision, the cues, the candidates and what ruled them out."""
        lines = [f"order in {self.town.name} on {self.at.isoformat()}: {self.text}"]
        if self.declined:
            lines.append(f"DECLINED: {self.reason}")
        else:
            assert self.item is not None
            assert self.ownership is not None
            own = self.ownership
            lines.append(
                f"ROUTED to {own.primary.name} ({own.list.label}) for {self.item.code} "
                f"{self.item.name}"
            )
            lines.append(f"  why: {self.reason}")
        lines.append(f"  confidence {self.confidence:.2f} (score {self.score:.2f})")
        if self.matched:
            lines.append(f"  matched: {'、'.join(self.matched)}")
        for code, cue in self.ruled_out:
            lines.append(f"  negative cue {cue!r} pushed down {code}")
        for alt in self.alternatives:
            lines.append(
                f"  next: {alt.item.code} {alt.item.name} -> {alt.ownership.primary.name} "
                f"(score {alt.score:.2f})"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        if self.declined:
            return f"declined: {self.reason}"
        assert self.item is not None
        assert self.ownership is not None
        return (f"{self.ownership.primary.name} ({self.ownership.list.label}): "
                f"{self.item.code} {self.item.name} [confidence {self.confidence:.2f}]")

    def __repr__(self) -> str:
        head = f"<Route {self.town.code} {self.at.isoformat()}"
        if self.declined or self.item is None or self.ownership is None:
            return f"{head}: declined ({self.decline_class or 'no item fits'})>"
        return (f"{head}: {self.item.code} -> {self.ownership.primary.code}, "
                f"confidence {self.confidence:.2f}>")

    def _repr_html_(self) -> str:
        own = self.ownership
        fields: list[tuple[str, object]] = [("工单", self.text), ("镇（街道）", self.town.name),
                                            ("日期", self.at.isoformat())]
        if self.declined or self.item is None or own is None:
            fields += [("结果", "不派单（转人工）"), ("原因", self.reason)]
        else:
            fields += [
                ("事项", f"{self.item.code} {self.item.name}"),
                ("清单", own.list.label),
                ("主责单位", own.primary.name),
                ("配合单位", "、".join(u.name for u in own.secondary)),
                ("置信度", f"{self.confidence:.2f}"),
                ("依据", "；".join(self.basis)),
                ("原因", self.reason),
            ]
        alternatives = "；".join(f"{a.item.code} {a.item.name}" for a in self.alternatives[:3])
        if alternatives:
            fields.append(("其他候选", alternatives))
        return fields_html("派单结果", fields)

    def to_arrow(self) -> Any:
        """The route as a one-row ``pyarrow.Table`` (the ``route`` columns of the
        reference: order, town, date, item, list, units, confidence and reason).

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("route", [self])

    def to_pandas(self) -> Any:
        """The route as a one-row ``pandas.DataFrame`` (see `to_arrow`); a list of
        routes converts with `kunshan_rbac.to_pandas`.

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())


_frames.register(Route, "route")


@attrs.frozen
class _Calibration:
    """A monotone table raw score -> probability right, linearly interpolated."""

    raws: tuple[float, ...]
    probs: tuple[float, ...]
    threshold: float

    @classmethod
    def sample(cls) -> _Calibration:
        text = resources.files("kunshan_rbac").joinpath(
            "data", "router_calibration.json").read_text("utf-8")
        doc = json.loads(text)
        points = doc["points"]
        return cls(tuple(float(p[0]) for p in points), tuple(float(p[1]) for p in points),
                   float(doc["threshold"]))

    def __call__(self, raw: float) -> float:
        raws, probs = self.raws, self.probs
        if not raws:
            return max(0.0, min(1.0, raw))
        if raw <= raws[0]:
            return probs[0]
        if raw >= raws[-1]:
            return probs[-1]
        i = bisect.bisect_right(raws, raw)
        x0, x1, y0, y1 = raws[i - 1], raws[i], probs[i - 1], probs[i]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (raw - x0) / (x1 - x0)


def raw_confidence(best: float, rival: float) -> float:
    """The uncalibrated confidence: the best score and its margin over the rival, in [0, 1].

    Args:
        best: the best candidate's score.
        rival: the larger of the best score with another primary unit and the decline
            classes' score.
    """
    if best <= 0:
        return 0.0
    margin = max(0.0, best - rival)
    return 0.4 * min(best / 9.0, 1.0) + 0.6 * min(margin / 6.0, 1.0)


@attrs.frozen
class _Posting:
    kind: str  # "item", "negative" or "decline"
    target: str
    weight: float
    word: str


class Router:
    """Routes citizens' work orders to the unit the duty lists name, or declines them.

    Built once per graph (cheap to keep for the life of an application); `route` and
    `route_many` never change it.

    Args:
        g: the responsibility graph (e.g. ``kr.load_sample()``).
        threshold: decline when the calibrated confidence is below this (``None``: the
            shipped default, chosen on the project's development orders). 0 routes every
            order that has a candidate; higher values trade coverage for precision.
        lexicon: the `Lexicon` (``None``: `Lexicon.sample`).
        templates: handling templates (``None``: the shipped ones).
        deadlines: where the templates' time limits come from (``None``:
            `Deadlines.default`; or any object with ``limit_for(item, kind=...)``).

    Examples:
        >>> import kunshan_rbac as kr
        >>> router = kr.Router(kr.load_sample())
        >>> r = router.route("路口天天有人摆摊卖水果占了人行道", town="张浦镇", at="2025-05-14")
        >>> r.primary, r.item.code
        ('zhangpu', 'B-CJ-020')
        >>> router.route("表扬一下环卫工师傅", town="张浦镇", at="2025-05-14").declined
        True
    """

    def __init__(
        self,
        g: ResponsibilityGraph,
        *,
        threshold: float | None = None,
        lexicon: Lexicon | None = None,
        templates: Templates | None = None,
        deadlines: DeadlineSource | None = None,
    ) -> None:
        self.graph = g
        self.lexicon = lexicon if lexicon is not None else Lexicon.sample()
        self.templates = templates if templates is not None else Templates.sample()
        self.deadlines: DeadlineSource = (
            deadlines if deadlines is not None else Deadlines.default()
        )
        self._calibration = _Calibration.sample()
        self.threshold = self._calibration.threshold if threshold is None else float(threshold)
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must lie in [0, 1], got {threshold!r}")
        # Building makes some hundred thousand small objects and none of them is
        # garbage: the cyclic collector would only walk the (large) graph again and
        # again, so it pauses meanwhile.
        with _collector_paused():
            self._build(g)
        self._towns: dict[str, Town] = {}
        self._template_cache: dict[tuple[Any, ...], HandlingTemplate] = {}

    def _build(self, g: ResponsibilityGraph) -> None:
        self._items = {i.code: i for i in g.items() if i.parent is None}
        self._filler = tuple(sorted({fold_text(f) for f in self.lexicon.filler if fold_text(f)},
                                    key=len, reverse=True))
        postings: dict[str, list[_Posting]] = {}

        def add(word: str, posting: _Posting) -> None:
            key = fold_text(word)
            if key:
                postings.setdefault(key, []).append(posting)

        documents: dict[str, list[str]] = {}
        for code, item in self._items.items():
            documents[code] = [fold_text(item.name)]
        for code, entry in self.lexicon.entries.items():
            if code not in self._items:
                continue
            for word in entry.strong:
                add(word, _Posting("item", code, STRONG_WEIGHT, word))
            for word in entry.keywords:
                add(word, _Posting("item", code, _keyword_weight(fold_text(word)), word))
            for word in entry.negative:
                add(word, _Posting("negative", code, NEGATIVE_PENALTY, word))
            documents[code].extend(fold_text(p) for p in entry.phrasings)
        # Every phrasing on its own (an item's, or a decline class's example order) for
        # the nearest-neighbour vote.
        examples: dict[str, list[str]] = {}
        self._example_of: dict[str, tuple[str, str]] = {}

        def example(kind: str, target: str, text: str) -> None:
            folded = strip_filler(fold_text(text), self._filler)
            if folded:
                key = str(len(self._example_of))
                examples[key] = [folded]
                self._example_of[key] = (kind, target)

        for code, entry in self.lexicon.entries.items():
            if code in self._items:
                for text in entry.phrasings:
                    example("item", code, text)
        for code, item in self._items.items():
            # The item's own name, without its legal frame, is one more example:
            # an item no order has been labelled with can still be found.
            example("item", code, _core_name(item.name))
        self._decline_reasons: dict[str, str] = {}
        for cls in self.lexicon.decline:
            self._decline_reasons[cls.name] = cls.reason
            for word in cls.cues:
                add(word, _Posting("decline", cls.name, DECLINE_WEIGHT, word))
            for text in cls.phrasings:
                example("decline", cls.name, text)
        self._postings = postings
        self._cues = CueIndex(postings)
        # One index, read once per order: each single example (label "0", "1"...) for
        # the neighbour vote, and each item's name and phrasings together (label
        # "=CODE") for the item's overall similarity; each n-gram keeps its strongest
        # few labels of either kind.
        examples.update(("=" + code, texts) for code, texts in documents.items())
        self._index = NgramIndex(examples, sizes=(2,), max_df=NEIGHBOUR_MAX_DF,
                                 max_postings=NEIGHBOUR_POSTINGS, group=_is_item_label)

    def __repr__(self) -> str:
        return (f"Router({len(self._items)} items, {len(self.lexicon)} lexicon entries, "
                f"threshold={self.threshold:g})")

    # ------------------------------------------------------------------ routing

    def _town(self, name: str) -> Town:
        town = self._towns.get(name)
        if town is None:
            town = self.graph.town(name)
            self._towns[name] = town
        return town

    def route(
        self,
        text: str,
        *,
        town: str,
        at: DateLike | None = None,
        kind: str | None = None,
    ) -> Route:
        """Route one work order.

        Args:
            text: the order as the citizen wrote or said it.
            town: code, name or alias of the town it was filed in.
            at: the order's date (``None``: today).
            kind: the order's kind (投诉, 咨询...), passed to the deadlines source.

        Returns:
            The `Route`; ``route.declined`` says whether a list item was found.

        Raises:
            UnknownUnitError, AmbiguousNameError: the town is not known.
            InvalidDateError: the date cannot be read.
            TypeError: the text is not a string.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}")
        where = self._town(town)
        day = parse_date(at)
        return self._route(text, where, day, kind)

    def _route(self, text: str, town: Town, day: datetime.date, kind: str | None) -> Route:
        core = strip_filler(fold_text(text), self._filler)
        scores: dict[str, float] = {}
        words: dict[str, list[str]] = {}
        negatives: dict[str, list[str]] = {}
        declines: dict[str, float] = {}
        decline_words: dict[str, list[str]] = {}
        postings = self._postings
        found = self._cues.find(core)
        inside = set(found).difference(CueIndex.maximal(found)) if len(found) > 1 else ()
        for cue in found:
            sides: set[bool] = set()
            targets: set[str] = set()
            if cue in inside:
                # 房东 inside 二房东, 社保 inside 社保卡: where a longer cue of the other
                # side (decline vs item) holds this one, the longer cue says what is
                # meant; and 工资 inside 拖欠工资 does not count twice for the same item.
                for other in found:
                    if len(other) > len(cue) and cue in other:
                        for q in postings[other]:
                            sides.add(q.kind != "decline")
                            targets.add(q.target)
            for p in postings[cue]:
                if sides and ((p.kind != "decline") not in sides or p.target in targets):
                    continue
                if p.kind == "item":
                    scores[p.target] = scores.get(p.target, 0.0) + p.weight
                    words.setdefault(p.target, []).append(p.word)
                elif p.kind == "negative":
                    negatives.setdefault(p.target, []).append(p.word)
                else:
                    # The first cue of a class weighs DECLINE_WEIGHT, each further one 1.
                    extra = 1.0 if p.target in declines else p.weight
                    declines[p.target] = declines.get(p.target, 0.0) + extra
                    decline_words.setdefault(p.target, []).append(p.word)
        similar: dict[str, float] = {}
        singles: list[tuple[float, str]] = []
        for label, cos in self._index.scores(core).items():
            if label[0] == "=":
                similar[label[1:]] = cos
            elif cos >= NEIGHBOUR_FLOOR:
                singles.append((cos, label))
        for code, cos in similar.items():
            if cos >= NGRAM_FLOOR or code in scores:
                scores[code] = scores.get(code, 0.0) + NGRAM_WEIGHT * cos
        singles.sort(reverse=True)
        near = singles[:NEIGHBOUR_K]
        votes: dict[tuple[str, str], float] = {}
        for cos, doc in near:
            side_name = self._example_of[doc]
            votes[side_name] = max(votes.get(side_name, 0.0), cos)
        for (side, name), cos in votes.items():
            if side == "item":
                scores[name] = scores.get(name, 0.0) + NEIGHBOUR_WEIGHT * cos
            else:
                declines[name] = declines.get(name, 0.0) + NEIGHBOUR_WEIGHT * cos
                decline_words.setdefault(name, []).append(f"(reads like a {name} example)")
        ruled_out: list[tuple[str, str]] = []
        for code, cues in negatives.items():
            if code in scores:
                scores[code] -= NEGATIVE_PENALTY * len(cues)
                ruled_out.extend((code, c) for c in cues)
        ranked = sorted((s, c) for c, s in scores.items() if s > 0)
        ranked.sort(key=lambda sc: (-sc[0], sc[1]))
        held: list[tuple[float, Ownership]] = []
        graph = self.graph
        for score, code in ranked[:_CHECKED]:
            try:
                own = graph.owner(code, town=town.code, at=day)
            except KunshanRbacError:
                continue
            held.append((score, own))
        decline_score = 0.0
        decline_class: str | None = None
        for name in sorted(declines, key=lambda n: (-declines[n], n)):
            decline_score, decline_class = declines[name], name
            break
        ruled = tuple(sorted(set(ruled_out)))

        def declined(reason: str, matched: Sequence[str], cls: str | None,
                     best: float, confidence: float, raw: float = 0.0,
                     signals: tuple[tuple[str, float], ...] = ()) -> Route:
            alts = tuple(Alternative(o.item, o, s) for s, o in held[:3])
            return Route(text, town, day, True, None, None, confidence, best, alts, (), None,
                         tuple(matched), reason, cls, ruled, raw, signals)

        if not held:
            if decline_class is not None:
                return declined(self._decline_reasons[decline_class],
                                decline_words[decline_class], decline_class, 0.0, 0.0)
            return declined(
                f"no item on the lists of {town.name} on {day.isoformat()} matches the order",
                (), None, 0.0, 0.0)
        # Route on the unit: the candidates that share a primary unit pool their
        # evidence (the best one in full, the others at UNIT_SHARE), the unit with most
        # wins, and its best candidate names the item.
        units: dict[str, float] = {}
        for score, cand in held:
            code = cand.primary.code
            units[code] = units.get(code, 0.0) + (score if code not in units
                                                   else UNIT_SHARE * score)
        ranked_units = sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))
        unit = ranked_units[0][0]
        for position, (_, cand) in enumerate(held):
            if cand.primary.code == unit:
                if position:
                    held.insert(0, held.pop(position))
                break
        best, own = held[0]
        best = max(best, ranked_units[0][1]) if UNIT_SHARE else best
        rival = ranked_units[1][1] if len(ranked_units) > 1 else 0.0
        owners = {cand.item.code: cand.primary.code for _, cand in held}
        mass = sum(cos for cos, _ in near)
        agree = sum(cos for cos, doc in near
                    if owners.get(self._example_of[doc][1]) == own.primary.code)
        signals = (
            ("best", min(best / 10.0, 2.0)),
            ("margin", min((best - rival) / 10.0, 2.0)),
            ("decline", min(decline_score / 10.0, 2.0)),
            ("nearest", near[0][0] if near else 0.0),
            ("agree", agree / mass if mass else 0.0),
            ("cue", 1.0 if words.get(own.item.code) else 0.0),
            ("similar", similar.get(own.item.code, 0.0)),
        )
        raw = raw_confidence(best, max(rival, decline_score))
        confidence = self._calibration(raw)
        if decline_class is not None and decline_score > best:
            return declined(
                f"{self._decline_reasons[decline_class]} (cues weigh {decline_score:g} "
                f"against {best:.2f} for {own.item.code})",
                decline_words[decline_class], decline_class, best, 0.0)
        if confidence < self.threshold:
            return declined(
                f"best match {own.item.code} {own.item.name} (score {best:.2f}) is not "
                f"confident enough: {confidence:.2f} < threshold {self.threshold:g}",
                words.get(own.item.code, ()), None, best, confidence, raw, signals)
        item = own.item
        matched = list(dict.fromkeys(words.get(item.code, ())))
        why = f"matched {'、'.join(matched)}" if matched else "phrasing similarity only"
        agreeing = [c for c, doc in near if self._example_of[doc] == ("item", item.code)]
        if agreeing:
            why += (f"; reads like {len(agreeing)} example order(s) of the item "
                    f"(similarity up to {max(agreeing):.2f})")
        if ruled:
            why += "; negative cues pushed down " + ", ".join(f"{c} ({w})" for c, w in ruled)
        reason = (f"{item.code} is on the {own.list.label} of {town.name} on "
                  f"{day.isoformat()}, primary {own.primary.name}; {why}")
        alternatives = tuple(Alternative(o.item, o, s) for s, o in held[1:4])
        key = (item.code, town.code, own.list, own.primary.code, own.secondary, kind)
        template = self._template_cache.get(key)
        if template is None:
            template = self.templates.for_ownership(own, self.deadlines, kind=kind)
            self._template_cache[key] = template
        return Route(text, town, day, False, item, own, confidence, best, alternatives,
                     item.basis, template, tuple(matched), reason, None, ruled, raw, signals)

    def route_many(
        self, orders: Iterable[Sequence[Any] | Mapping[str, Any]]
    ) -> list[Route]:
        """Route many orders, in order.

        Args:
            orders: ``(text, town, at)`` tuples (``at`` may be left out), or mappings
                with ``text``, ``town`` and ``at`` (also ``诉求内容``/``工单内容``,
                ``所属镇街`` and ``来电时间``).

        Returns:
            One `Route` per order, in the same order.

        Raises:
            ValueError: an order has no text or no town.
            UnknownUnitError: an order's town is not known (and the other errors of
                `route`).
        """
        with _collector_paused():
            return self._route_all(orders)

    def _route_all(
        self, orders: Iterable[Sequence[Any] | Mapping[str, Any]]
    ) -> list[Route]:
        routes: list[Route] = []
        days: dict[object, datetime.date] = {}
        for order in orders:
            text, town, at, kind = _unpack(order)
            where = self._town(town)
            key = at if isinstance(at, (str, datetime.date)) else id(at)
            day = days.get(key)
            if day is None:
                day = parse_date(at)
                if at is not None:
                    days[key] = day
            routes.append(self._route(text, where, day, kind))
        return routes


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) for the block."""
    running = gc.isenabled()
    if running:
        gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


_TEXT_KEYS = ("text", "诉求内容", "工单内容")
_TOWN_KEYS = ("town", "所属镇街")
_AT_KEYS = ("at", "来电时间")


def _pick(order: Mapping[str, Any], keys: Sequence[str]) -> Any:
    for key in keys:
        if key in order and order[key] not in (None, ""):
            return order[key]
    return None


def _unpack(order: Sequence[Any] | Mapping[str, Any]) -> tuple[str, str, Any, str | None]:
    if isinstance(order, Mapping):
        text, town = _pick(order, _TEXT_KEYS), _pick(order, _TOWN_KEYS)
        at, kind = _pick(order, _AT_KEYS), order.get("kind_of_request")
    else:
        if not 2 <= len(order) <= 3:
            raise ValueError(f"an order is (text, town) or (text, town, at), got {order!r}")
        text, town = order[0], order[1]
        at = order[2] if len(order) == 3 else None
        kind = None
    if not isinstance(text, str) or not text:
        raise ValueError(f"an order needs a text, got {order!r}")
    if not isinstance(town, str) or not town:
        raise ValueError(f"an order needs a town, got {order!r}")
    return text, town, at, kind
