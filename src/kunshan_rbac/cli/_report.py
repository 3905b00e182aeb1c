"""The evaluation report as one self-contained HTML file, its charts drawn as inline SVG.

No script, no style sheet or font from elsewhere, no image file: the file opens the same
in any browser, offline, and its Chinese text is ordinary text in the page.
"""

from __future__ import annotations

import datetime
import html
import math
from collections.abc import Mapping, Sequence

from .._evaluate import Evaluation
from .._scores import TownScore
from .._supervision import Finding

__all__ = ["FdrChange", "render_html"]

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
FONT = ("'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', "
        "'WenQuanYi Micro Hei', sans-serif")

FdrChange = tuple[str, datetime.date, float | None, float | None]
"""(town name, reform date, first-dispatch right before, after)."""


def _pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _nice(value: float) -> float:
    """A round axis top >= value: four steps of 1, 2, 2.5, 5 or 10 times a power of ten."""
    step = 10.0 ** math.floor(math.log10(value / 4))
    for factor in (1, 2, 2.5, 5, 10):
        if 4 * step * factor >= value:
            return float(4 * step * factor)
    return float(40 * step)  # pragma: no cover


def _line_chart(title: str, months: Sequence[str], series: Mapping[str, Sequence[float | None]],
                *, percent: bool, unit: str) -> str:
    width, height, left, right, top, bottom = 900, 340, 64, 150, 36, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series.values() for v in s if v is not None]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if percent:
        lo = max(0.0, lo - 0.02)
        hi = min(1.0, hi + 0.01)
    else:
        lo = 0.0
        hi = _nice(hi * 1.05) if hi > 0 else 1.0
    span = (hi - lo) or 1.0

    def x(i: int) -> float:
        return left + (plot_w * i / max(len(months) - 1, 1))

    def y(v: float) -> float:
        return top + plot_h - plot_h * (v - lo) / span

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}" '
             f'font-family="{_e(FONT)}" font-size="12">',
             f'<text x="{left}" y="20" font-size="15" font-weight="bold">{_e(title)}</text>']
    for k in range(5):
        v = lo + span * k / 4
        label = f"{v * 100:.1f}%" if percent else f"{v:.0f}"
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" '
                     f'fill="#555">{label}</text>')
    parts.append(f'<text x="12" y="{top + plot_h / 2:.0f}" fill="#555" '
                 f'transform="rotate(-90 12 {top + plot_h / 2:.0f})" '
                 f'text-anchor="middle">{_e(unit)}</text>')
    for i, month in enumerate(months):
        parts.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
                     f'fill="#555">{_e(month[2:] if len(months) > 8 else month)}</text>')
    for n, (name, points) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(points) if v is not None)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{path}"><title>{_e(name)}</title></polyline>')
        ly = top + 14 + n * 20
        parts.append(f'<rect x="{width - right + 16}" y="{ly - 9}" width="14" height="4" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{width - right + 36}" y="{ly - 3}">{_e(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _fdr_chart(changes: Sequence[FdrChange]) -> str:
    width, row, left, top = 900, 30, 120, 70
    height = top + row * len(changes) + 34
    plot_w = width - left - 210

    def x(v: float) -> float:
        return left + plot_w * v

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="first-dispatch right before and after reform" '
             f'font-family="{_e(FONT)}" font-size="12">',
             f'<text x="{left}" y="20" font-size="15" font-weight="bold">首派准确率：改革前后'
             f'（first-dispatch right before and after each town\'s reform）</text>']
    for k in range(0, 11, 2):
        v = k / 10
        parts.append(f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{top - 8}" '
                     f'y2="{height - 30}" stroke="#ddd"/>')
        parts.append(f'<text x="{x(v):.1f}" y="{height - 14}" text-anchor="middle" '
                     f'fill="#555">{k * 10}%</text>')
    for i, (name, day, before, after) in enumerate(changes):
        cy = top + i * row
        parts.append(f'<text x="{left - 8}" y="{cy + 12}" text-anchor="end">{_e(name)}</text>')
        if before is not None:
            parts.append(f'<rect x="{left}" y="{cy}" width="{x(before) - left:.1f}" height="9" '
                         f'fill="#bbb"><title>before {day}: {_pct(before)}</title></rect>')
        if after is not None:
            parts.append(f'<rect x="{left}" y="{cy + 10}" width="{x(after) - left:.1f}" '
                         f'height="9" fill="#1f77b4"><title>from {day}: {_pct(after)}</title>'
                         '</rect>')
        parts.append(f'<text x="{width - 200}" y="{cy + 14}" fill="#333">{_pct(before)} → '
                     f'{_pct(after)} ({day:%Y-%m-%d})</text>')
    parts.append(f'<rect x="{left}" y="{top - 36}" width="12" height="8" fill="#bbb"/>'
                 f'<text x="{left + 16}" y="{top - 28}">改革前 before</text>'
                 f'<rect x="{left + 110}" y="{top - 36}" width="12" height="8" fill="#1f77b4"/>'
                 f'<text x="{left + 126}" y="{top - 28}">改革后 after (date)</text>')
    parts.append("</svg>")
    return "".join(parts)


_CSS = f"""
body {{ font-family: {FONT}; margin: 2em auto; max-width: 960px; color: #222; }}
h1 {{ font-size: 1.6em; margin-bottom: 0.2em; }}
h2 {{ font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }}
table {{ border-collapse: collapse; font-size: 0.9em; width: 100%; }}
th, td {{ border: 1px solid #ddd; padding: 4px 6px; text-align: right; }}
th {{ background: #f3f5f8; }}
td:first-child, th:first-child {{ text-align: left; }}
.low {{ color: #b00020; font-weight: bold; }}
.note {{ color: #555; font-size: 0.9em; }}
figure {{ margin: 1em 0; }}
"""

HEADERS = ("镇街", "工单", "首派准确", "退单率", "按时签收", "按时办结", "满意度", "重办率",
           "工时中位 (h)", "清单外负担", "收回回推")


def render_html(
    ev: Evaluation,
    ranking: Sequence[TownScore],
    findings: Sequence[Finding],
    changes: Sequence[FdrChange],
    *,
    title: str,
    subtitle: str,
) -> str:
    """The report as an HTML page (a string)."""
    low = {(f.subject, f.metric) for f in findings}
    rows = []
    for row in ev.towns.values():
        cells = [_e(row.name), str(row.orders)]
        for metric in ("first_dispatch_right", "returned", "on_time_signed", "on_time_done",
                       "satisfaction", "reopened"):
            css = ' class="low"' if (row.key, metric) in low else ""
            cells.append(f"<span{css}>{_pct(getattr(row, metric))}</span>")
        cells.append("–" if row.median_hours is None else f"{row.median_hours:.1f}")
        cells.append(str(row.off_list_burden))
        cells.append(str(row.reclaimed_pushed_back))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    ranks = "".join(
        f"<tr><td>{s.rank}. {_e(s.name)}</td><td>{_pct(s.quality)}</td>"
        f"<td>{_pct(s.satisfaction)}</td><td>{_pct(s.burden)}</td><td><b>{_pct(s.score)}</b>"
        "</td></tr>" for s in ranking)
    found = "".join(f"<li>{_e(f.detail)}</li>" for f in findings) or "<li>无 (none)</li>"
    months = sorted(ev.months)
    names = {row.key: row.name for row in ev.towns.values()}
    volume: dict[str, list[float | None]] = {names[t]: [None] * len(months) for t in names}
    satisfaction: dict[str, list[float | None]] = {names[t]: [None] * len(months)
                                                   for t in names}
    index = {m: i for i, m in enumerate(months)}
    for row in ev.town_months:
        if row.key in names and row.month in index:
            volume[names[row.key]][index[row.month]] = float(row.orders)
            satisfaction[names[row.key]][index[row.month]] = row.satisfaction
    charts = [
        _line_chart("各镇街每月工单量（orders per town per month）", months, volume,
                    percent=False, unit="工单 orders"),
        _line_chart("各镇街每月满意度（satisfaction per town per month）", months, satisfaction,
                    percent=True, unit="满意度 satisfaction"),
        _fdr_chart(changes),
    ]
    head = "".join(f"<th>{_e(h)}</th>" for h in HEADERS)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{_e(title)}</h1>
<p class="note">{_e(subtitle)}</p>
<h2>一、三个维度（completion quality, satisfaction, burden）</h2>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{"".join(rows)}
</tbody>
</table>
<p class="note">红色：低于阈值（below the documented threshold）。首派准确 = first dispatch to the
primary unit the lists name on the order's date; 清单外负担 = orders the town handled that the
lists give to another unit; 收回回推 = orders on reclaimed items pushed back to the town.</p>
<h2>二、排名（ranking: mean of quality, satisfaction and burden）</h2>
<table>
<thead><tr><th>镇街</th><th>事项完成质量</th><th>群众满意度</th><th>基层减负实效</th>
<th>综合</th></tr></thead>
<tbody>{ranks}</tbody>
</table>
<h2>三、发现的问题（findings）</h2>
<ul>{found}</ul>
<h2>四、图表（charts）</h2>
{"".join(f"<figure>{c}</figure>" for c in charts)}
</body>
</html>
"""
