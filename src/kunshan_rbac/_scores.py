"""The towns' scores on the city's three dimensions, and their ranking.

Kunshan evaluated its towns on 事项完成质量 (quality of completion), 群众满意度
(satisfaction) and 基层减负实效 (real reduction of the towns' burden). From an
`Evaluation`, each is a share in [0, 1]:

* **quality**: the mean of first-dispatch right, 1 − return rate, on-time signing, on-time
  completion and 1 − reopen rate (figures with nothing counted are left out);
* **satisfaction**: the town's satisfaction;
* **burden**: 1 − off-list burden / orders, the share of the town's orders that did not
  land on the town although the lists give them to another unit.

The score is the mean of the three (equal weights), and towns are ranked by it.
"""

from __future__ import annotations

from typing import Any

import attrs

from . import _frames
from ._evaluate import Evaluation, EvaluationRow

__all__ = ["TownScore", "rank_towns"]


@attrs.frozen
class TownScore:
    """A town's three dimensions, its score and its rank.

    Attributes:
        town: the town's code.
        name: its name.
        orders: orders evaluated.
        quality: 事项完成质量, in [0, 1] (``None``: nothing counted).
        satisfaction: 群众满意度, in [0, 1] (``None``: no order rated).
        burden: 基层减负实效, in [0, 1] (``None``: no order).
        score: the mean of the three that are known.
        rank: 1 for the best score.
    """

    town: str
    name: str
    orders: int
    quality: float | None
    satisfaction: float | None
    burden: float | None
    score: float | None
    rank: int

    def to_dict(self) -> dict[str, object]:
        """The score as JSON-ready data."""
        return attrs.asdict(self)

    def to_arrow(self) -> Any:
        """The score as a one-row ``pyarrow.Table``; `kunshan_rbac.to_arrow` converts the
        list `rank_towns` returns.

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("town_score", [self])

    def to_pandas(self) -> Any:
        """The score as a one-row ``pandas.DataFrame`` (see `to_arrow`).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())


_frames.register(TownScore, "town_score")


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _flip(value: float | None) -> float | None:
    return None if value is None else 1.0 - value


def score_row(row: EvaluationRow) -> tuple[float | None, float | None, float | None]:
    """The quality, satisfaction and burden of one town's row."""
    quality = _mean([row.first_dispatch_right, _flip(row.returned), row.on_time_signed,
                     row.on_time_done, _flip(row.reopened)])
    burden = 1.0 - row.off_list_burden / row.orders if row.orders else None
    return quality, row.satisfaction, burden


def rank_towns(ev: Evaluation) -> list[TownScore]:
    """The towns of an evaluation, best score first.

    Ties share a rank; towns with no score come last.

    Examples:
        >>> import kunshan_rbac as kr
        >>> ev = kr.evaluate(kr.load_sample(), kr.load_sample_orders(), end="2025-01-31")
        >>> ranking = kr.rank_towns(ev)
        >>> ranking[0].rank, len(ranking)
        (1, 10)
    """
    scored = []
    for row in ev.towns.values():
        quality, satisfaction, burden = score_row(row)
        scored.append((row, quality, satisfaction, burden, _mean([quality, satisfaction, burden])))
    scored.sort(key=lambda x: (x[4] is None, -(x[4] or 0.0), x[0].key))
    result: list[TownScore] = []
    for position, (row, quality, satisfaction, burden, score) in enumerate(scored, start=1):
        rank = position
        if result and result[-1].score == score:
            rank = result[-1].rank
        result.append(TownScore(row.key, row.name, row.orders, quality, satisfaction, burden,
                                score, rank))
    return result
