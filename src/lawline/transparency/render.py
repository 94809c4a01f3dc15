"""Reports as files and pictures: CSV (RFC 4180, UTF-8) and server-rendered SVG charts.

The charts are plain SVG built here, so the page needs no script and no network: a journalist
can save it and it still shows its charts. Colours come from attributes, not inline styles, so
the pages' Content-Security-Policy (`style-src 'self'`) holds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any
from xml.sax.saxutils import escape

CSV_HEADER = ("quarter", "country", "section", "measure", "breakdown", "value")
RECEIVED, FULFILLED = "#5b7fa6", "#2f6f4f"


def _leaves(data: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(data, dict):
        for key in data:
            yield from _leaves(data[key], (*path, str(key)))
    else:
        yield path, data


def csv_rows(report: dict[str, Any]) -> list[tuple[str, ...]]:
    """One row per figure: `by_*` maps become a breakdown column, per-country rows name it."""
    rows: list[tuple[str, ...]] = [CSV_HEADER]
    quarter, country = report["quarter"], report["country"] or ""
    for path, value in _leaves(report["figures"]):
        section = path[0]
        if section == "by_country":
            measure, breakdown = ".".join(path[2:]), path[1]
        elif len(path) > 2 and path[-2].startswith("by_"):
            measure, breakdown = ".".join(path[1:-1]), path[-1]
        else:
            measure, breakdown = ".".join(path[1:]), ""
        text = "" if value is None else str(value)
        rows.append((quarter, country, section, measure, breakdown, text))
    return rows


def to_csv(rows: Sequence[Sequence[str]]) -> str:
    """RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return value


def bars_by_country(by_country: dict[str, dict[str, Any]], title: str) -> str:
    """Horizontal paired bars: requests received and fulfilled per issuing country."""
    rows = [
        (
            code,
            row["disclosure_requests"] + row["emergency_requests"] + row["preservation_requests"],
            row["fulfilled"],
        )
        for code, row in by_country.items()
    ]
    label_w, bar_w, row_h, top = 48, 420, 34, 40
    height = top + max(1, len(rows)) * row_h + 30
    scale = bar_w / _nice_max(max([1] + [max(r, f) for _, r, f in rows]))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 {height}" width="560" '
        f'height="{height}" role="img" aria-labelledby="chart-country-title" class="chart">',
        f'<title id="chart-country-title">{escape(title)}</title>',
        *_legend(label_w),
    ]
    for i, (code, received, fulfilled) in enumerate(rows):
        y = top + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" font-size="13" '
            f'fill="#222">{escape(code)}</text>'
        )
        for offset, value, colour in ((0, received, RECEIVED), (14, fulfilled, FULFILLED)):
            width = round(value * scale, 1)
            parts.append(
                f'<rect class="bar" x="{label_w}" y="{y + offset + 2}" width="{width}" '
                f'height="12" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{label_w + width + 4}" y="{y + offset + 12}" font-size="11" '
                f'fill="#222">{value}</text>'
            )
    if not rows:
        parts.append(f'<text x="{label_w}" y="{top + 20}" font-size="13">no requests</text>')
    parts.append("</svg>")
    return "".join(parts)


def trend_columns(points: list[dict[str, Any]], title: str) -> str:
    """Grouped columns per quarter: received and fulfilled, oldest quarter on the left."""
    left, bottom, plot_h, group_w = 40, 210, 160, 64
    width = left + max(1, len(points)) * group_w + 10
    top_value = _nice_max(max([1] + [max(p["received"], p["fulfilled"]) for p in points]))
    scale = plot_h / top_value
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 250" width="{width}" '
        'height="250" role="img" aria-labelledby="chart-trend-title" class="chart">',
        f'<title id="chart-trend-title">{escape(title)}</title>',
        *_legend(left),
        f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{bottom - plot_h + 4}" text-anchor="end" font-size="11" '
        f'fill="#222">{top_value}</text>',
        f'<text x="{left - 6}" y="{bottom + 4}" text-anchor="end" font-size="11" '
        'fill="#222">0</text>',
    ]
    for i, point in enumerate(points):
        x = left + i * group_w + 8
        for offset, value, colour in (
            (0, point["received"], RECEIVED),
            (22, point["fulfilled"], FULFILLED),
        ):
            h = round(value * scale, 1)
            parts.append(
                f'<rect class="bar" x="{x + offset}" y="{bottom - h}" width="20" '
                f'height="{h}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{x + offset + 10}" y="{bottom - h - 3}" text-anchor="middle" '
                f'font-size="10" fill="#222">{value}</text>'
            )
        parts.append(
            f'<text x="{x + 21}" y="{bottom + 16}" text-anchor="middle" font-size="11" '
            f'fill="#222">{escape(point["quarter"])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend(x: int) -> list[str]:
    return [
        f'<rect x="{x}" y="8" width="12" height="12" fill="{RECEIVED}"/>',
        f'<text x="{x + 16}" y="18" font-size="12" fill="#222">received</text>',
        f'<rect x="{x + 90}" y="8" width="12" height="12" fill="{FULFILLED}"/>',
        f'<text x="{x + 106}" y="18" font-size="12" fill="#222">fulfilled</text>',
    ]
