"""Handling templates: what the primary unit does with a routed order, and by when.

The text of a template (steps, the reply to the citizen) is data shipped with the
sample (``router_templates.json``): steps per list (a town's basic duty, a department
leading with the town assisting, a reclaimed enforcement power), then per domain
(城乡建设, 生态环境...) unless the item has its own. The time limit is not in that file:
it comes from a deadlines source (``limit_for(item, kind=..., urgent=...)``), by default
`Deadlines.default` (the shipped working-day limits), so that one table of limits serves
every part of the library.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any, Protocol

import attrs

from ._deadlines import Deadlines, TimeLimit
from ._model import Item, Ownership

__all__ = ["DeadlineSource", "HandlingTemplate", "Templates"]


class DeadlineSource(Protocol):
    """Anything that gives a time limit for an item (as `kunshan_rbac.Deadlines` does)."""

    def limit_for(
        self, item: Item | None, *, kind: str | None = None, urgent: bool = False
    ) -> TimeLimit:
        """The time limit for an item (``None``: the default limit)."""


@attrs.frozen
class HandlingTemplate:
    """How the primary unit handles a routed order.

    Attributes:
        unit: name of the primary unit that handles it.
        steps: the handling steps, in order.
        reply: what to tell the citizen.
        time_limit: the `TimeLimit` (hours to sign for it, working days to finish) from
            the deadlines source (by default `Deadlines.default`).
        source: where the steps came from: ``"item B-CJ-020"``, ``"domain 城乡建设"`` or
            ``"default"``.
    """

    unit: str
    steps: tuple[str, ...]
    reply: str
    time_limit: TimeLimit | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        limit = self.time_limit
        limit_view = None
        if limit is not None:
            limit_view = {"sign_hours": limit.sign_hours, "done_days": limit.done_days,
                          "urgent": limit.urgent, "source": limit.source}
        return {"unit": self.unit, "steps": list(self.steps), "reply": self.reply,
                "time_limit": limit_view, "source": self.source}

    def __str__(self) -> str:
        lines = [f"handled by {self.unit} ({self.source})"]
        lines += [f"  {i}. {step}" for i, step in enumerate(self.steps, 1)]
        if self.time_limit is not None:
            limit = self.time_limit
            lines.append(f"  time limit: sign within {limit.sign_hours:g} working hours, finish "
                         f"within {limit.done_days} working days ({limit.source})")
        lines.append(f"  reply: {self.reply}")
        return "\n".join(lines)


def _fill(text: str, values: Mapping[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


@attrs.frozen
class Templates:
    """The handling-template data: per list, per domain, per item and a default.

    Attributes:
        lists: list value (``"basic"``...) -> ``{"steps": [...], "reply": "..."}``.
        domains: domain -> ``{"steps": [...], "reply": "..."}`` (reply optional).
        items: item code -> the same shape.
        default: used when neither item nor domain has steps.
    """

    lists: Mapping[str, Mapping[str, Any]]
    domains: Mapping[str, Mapping[str, Any]]
    items: Mapping[str, Mapping[str, Any]]
    default: Mapping[str, Any]

    @classmethod
    def sample(cls) -> Templates:
        """The templates shipped with the library."""
        text = resources.files("kunshan_rbac").joinpath(
            "data", "router_templates.json").read_text("utf-8")
        doc = json.loads(text)
        return cls(doc["lists"], doc["domains"], doc["items"], doc["default"])

    def for_ownership(
        self,
        ownership: Ownership,
        deadlines: DeadlineSource | None = None,
        *,
        kind: str | None = None,
    ) -> HandlingTemplate:
        """The template for an item's primary unit in a town on a date.

        Args:
            ownership: the answer of ``g.owner`` that the route found.
            deadlines: where the time limit comes from (``None``: `Deadlines.default`).
            kind: the order's kind (投诉, 咨询...), passed to the deadlines source.
        """
        item = ownership.item
        values = {
            "unit": ownership.primary.name,
            "town": ownership.town.name,
            "item": item.name,
            "secondary": "、".join(u.name for u in ownership.secondary) or "无",
        }
        by_list = self.lists.get(ownership.list.value, {})
        if item.code in self.items:
            own, source = self.items[item.code], f"item {item.code}"
        elif item.domain in self.domains:
            own, source = self.domains[item.domain], f"domain {item.domain}"
        else:
            own, source = self.default, "default"
        steps = [*by_list.get("steps", ()), *own.get("steps", ())]
        reply = own.get("reply") or by_list.get("reply") or self.default["reply"]
        source_of_limits = deadlines if deadlines is not None else Deadlines.default()
        limit = source_of_limits.limit_for(item, kind=kind)
        return HandlingTemplate(
            unit=ownership.primary.name,
            steps=tuple(_fill(s, values) for s in steps),
            reply=_fill(reply, values),
            time_limit=limit,
            source=source,
        )
