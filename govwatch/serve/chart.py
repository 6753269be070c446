"""The money chart: a bar per department, drawn as SVG on the server (no script, no CDN).

Every label is escaped (department names come from feeds), and each bar links to the figures behind it.
Only SVG presentation attributes are used, never `style=`, so the page's Content-Security-Policy holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

BAR_HEIGHT_PX = 22
GAP_PX = 8
LABEL_WIDTH_PX = 260
BAR_AREA_PX = 420
VALUE_WIDTH_PX = 110


@dataclass(frozen=True, slots=True, kw_only=True)
class Bar:
    label: str
    value: float
    href: str


def format_gbp(value: float | None) -> str:
    """A sum of pounds, short.

    >>> format_gbp(2_500_000_000), format_gbp(14_000_000), format_gbp(950), format_gbp(None)
    ('£2.5bn', '£14m', '£950', '')
    """
    if value is None:
        return ""
    for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= size:
            return f"£{value / size:.3g}{suffix}"
    return f"£{value:,.0f}"


def bar_chart(bars: Sequence[Bar], title: str, chart_id: str = "chart") -> Markup:
    """A horizontal bar chart as inline SVG with an accessible title; empty input gives an empty chart.

    `chart_id` keeps the title's id unique when a page shows more than one chart.
    """
    top = max((bar.value for bar in bars), default=0.0) or 1.0
    width = LABEL_WIDTH_PX + BAR_AREA_PX + VALUE_WIDTH_PX
    height = max(1, len(bars)) * (BAR_HEIGHT_PX + GAP_PX) + GAP_PX
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for index, bar in enumerate(bars):
        y = GAP_PX + index * (BAR_HEIGHT_PX + GAP_PX)
        length = max(1.0, BAR_AREA_PX * max(bar.value, 0.0) / top)
        text_y = y + BAR_HEIGHT_PX * 0.7
        label = bar.label if len(bar.label) <= 36 else bar.label[:35] + "…"
        parts.append(
            f'<a href="{escape(bar.href)}" class="bar">'
            f"<title>{escape(bar.label)}: {escape(format_gbp(bar.value))}</title>"
            f'<text x="{LABEL_WIDTH_PX - 6}" y="{text_y:.1f}" text-anchor="end" font-size="13" '
            f'fill="#0b0c0c">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH_PX}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT_PX}" fill="#1d70b8"/>'
            f'<text x="{LABEL_WIDTH_PX + length + 6:.1f}" y="{text_y:.1f}" font-size="13" fill="#0b0c0c">'
            f"{escape(format_gbp(bar.value))}</text></a>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
