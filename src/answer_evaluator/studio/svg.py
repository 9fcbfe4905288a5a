"""Inline SVG charts for the progress page (no script, no network: plain markup)."""

from __future__ import annotations

from markupsafe import Markup, escape

PALETTE = ("#1d4ed8", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#a16207")


def line_chart(series: dict[str, list[tuple[int, float, str]]], *, count: int,
               label: str, width: int = 520, height: int = 220) -> Markup:
    """One line a series of (x, share 0..1, tooltip) on a shared x axis of `count` steps
    (the attempts in order), the y axis from 0 to 100%. A series of one point is a dot."""
    left, right, top, bottom = 40, 12, 10, 26
    inner_w, inner_h = width - left - right, height - top - bottom

    def x_of(i: int) -> float:
        return left + (inner_w * i / (count - 1) if count > 1 else inner_w / 2)

    def y_of(share: float) -> float:
        return top + inner_h * (1 - max(0.0, min(1.0, share)))

    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">']
    for share in (0, 0.25, 0.5, 0.75, 1):
        y = y_of(share)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="#e5e7eb"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="12" '
                   f'text-anchor="end" fill="#4b5563">{share * 100:.0f}%</text>')
    out.append(f'<text x="{left + inner_w / 2:.1f}" y="{height - 6}" font-size="12" '
               f'text-anchor="middle" fill="#4b5563">attempts, oldest first</text>')
    for n, (name, points) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        coords = [(x_of(i), y_of(s), tip) for i, s, tip in points]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in coords)
            out.append(f'<polyline class="series" data-series="{escape(name)}" fill="none" '
                       f'stroke="{colour}" stroke-width="2" points="{path}"/>')
        for x, y, tip in coords:
            out.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" '
                       f'fill="{colour}"><title>{escape(name)}: {escape(tip)}</title></circle>')
    out.append("</svg>")
    if len(series) > 1:
        out.append('<figcaption class="legend">')
        for n, name in enumerate(series):
            out.append(f'<span><span class="dot" style="background: {PALETTE[n % len(PALETTE)]}">'
                       f'</span>{escape(name)} ({len(series[name])})</span> ')
        out.append("</figcaption>")
    return Markup("".join(out))


def bars(rows: list[tuple[str, float, str]], *, label: str, width: int = 560) -> Markup:
    """Horizontal bars: (name, share 0..1, figure shown) a row."""
    row_h, name_w = 24, 250
    height = row_h * len(rows) + 4
    out = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">']
    for i, (name, share, figure) in enumerate(rows):
        y = 2 + i * row_h
        length = (width - name_w - 60) * max(0.0, min(1.0, share))
        short = name if len(name) <= 38 else name[:37] + "…"
        out.append(f'<text x="{name_w - 8}" y="{y + 16}" font-size="12" text-anchor="end" '
                   f'fill="#111827"><title>{escape(name)}</title>{escape(short)}</text>'
                   f'<rect x="{name_w}" y="{y + 4}" width="{length:.1f}" height="15" '
                   f'fill="#f59e0b"/><text x="{name_w + length + 6:.1f}" y="{y + 16}" '
                   f'font-size="12" fill="#374151">{escape(figure)}</text>')
    out.append("</svg>")
    return Markup("".join(out))
