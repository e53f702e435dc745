"""Build-time SVG chart geometry. Templates draw it; the same numbers also go in a table.

No chart library reaches the browser: every chart is a few SVG shapes with a
title and a description, styled by the site's stylesheet (so dark mode works and
no inline style is needed under the Content-Security-Policy).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

WIDTH = 640
BAR_HEIGHT = 18
BAR_GAP = 6
GROUP_GAP = 16
LABEL_WIDTH = 150
VALUE_ROOM = 90


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # 0 or 1: which model, for the CSS class
    value: float
    label: str  # the series' name


@dataclass(frozen=True)
class GroupLabel:
    y: float
    text: str  # msgid


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    groups: tuple[GroupLabel, ...]
    series: tuple[str, ...]


def price_bars(models, metrics: list[tuple[str, str]]) -> BarChart | None:
    """Grouped horizontal bars: one group per metric (msgid, attribute), one bar per model."""
    values = [[getattr(m, attr) for m in models] for _, attr in metrics]
    known = [v for group in values for v in group if v is not None]
    if not known:
        return None
    top = max(known) or 1.0
    scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM) / top
    bars, groups, y = [], [], 0.0
    for (label, _), group in zip(metrics, values):
        groups.append(GroupLabel(y + (BAR_HEIGHT * len(models) + BAR_GAP * (len(models) - 1)) / 2, label))
        for index, (model, value) in enumerate(zip(models, group)):
            if value is not None:
                bars.append(Bar(LABEL_WIDTH, y, max(value * scale, 1.0), BAR_HEIGHT, index, value, model.name))
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    return BarChart(WIDTH, math.ceil(y), tuple(bars), tuple(groups), tuple(m.name for m in models))


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    model: object
    price: float
    score: float


@dataclass(frozen=True)
class Tick:
    position: float
    value: float


@dataclass(frozen=True)
class Scatter:
    width: int
    height: int
    benchmark: str
    points: tuple[Point, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    plot: tuple[float, float, float, float]  # left, top, right, bottom
    total: int  # models with the benchmark; the chart plots the newest `len(points)` of them


def price_quality_scatter(models, limit: int, minimum_points: int = 3) -> Scatter | None:
    """Blended price (log scale) against the sourced percentage benchmark most models share,
    for at most `limit` of the models that have it, the first in `models` (newest first)."""
    counts: dict[str, int] = {}
    for model in models:
        for benchmark in model.record.benchmarks:
            if benchmark.unit == "percent" and model.blended:
                counts[benchmark.name] = counts.get(benchmark.name, 0) + 1
    if not counts:
        return None
    name = max(sorted(counts), key=lambda n: counts[n])
    if counts[name] < minimum_points:
        return None
    data = [(m, m.blended, next(b.score for b in m.record.benchmarks if b.name == name and b.unit == "percent"))
            for m in models if m.blended and any(b.name == name and b.unit == "percent" for b in m.record.benchmarks)]
    total, data = len(data), data[:limit]
    left, top, right, bottom = 56.0, 12.0, WIDTH - 16.0, 300.0
    low = 10 ** math.floor(math.log10(min(p for _, p, _ in data)))
    high = 10 ** math.ceil(math.log10(max(p for _, p, _ in data)))
    if high <= low:
        high = low * 10

    def x_of(price: float) -> float:
        return left + (right - left) * math.log10(price / low) / math.log10(high / low)

    def y_of(score: float) -> float:
        return bottom - (bottom - top) * score / 100

    points = tuple(Point(round(x_of(p), 1), round(y_of(s), 1), m, p, s) for m, p, s in data)
    x_ticks, tick = [], low
    while tick <= high * 1.0001:
        x_ticks.append(Tick(round(x_of(tick), 1), tick))
        tick *= 10
    y_ticks = tuple(Tick(round(y_of(v), 1), v) for v in (0, 25, 50, 75, 100))
    return Scatter(WIDTH, int(bottom + 40), name, points, tuple(x_ticks), y_ticks, (left, top, right, bottom), total)


@dataclass(frozen=True)
class PricePoint:
    when: dt.date
    input: float
    output: float


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    input_path: str
    output_path: str
    points: tuple[PricePoint, ...]
    y_ticks: tuple[Tick, ...]
    plot: tuple[float, float, float, float]


def price_history_chart(points: list[PricePoint]) -> LineChart | None:
    """Step lines of input and output price over time; needs two dated prices at least."""
    points = sorted({p.when: p for p in points}.values(), key=lambda p: p.when)
    if len(points) < 2:
        return None
    left, top, right, bottom = 56.0, 12.0, WIDTH - 16.0, 200.0
    start, end = points[0].when.toordinal(), points[-1].when.toordinal()
    span = max(end - start, 1)
    top_price = max(max(p.input, p.output) for p in points) * 1.1 or 1.0

    def xy(day: dt.date, price: float) -> tuple[float, float]:
        return (round(left + (right - left) * (day.toordinal() - start) / span, 1),
                round(bottom - (bottom - top) * price / top_price, 1))

    def path(attribute: str) -> str:
        steps = []
        for index, point in enumerate(points):
            x, y = xy(point.when, getattr(point, attribute))
            if index:
                steps.append(f"H{x}")
                steps.append(f"V{y}")
            else:
                steps.append(f"M{x},{y}")
        return " ".join(steps)

    ticks = tuple(Tick(xy(points[0].when, top_price * f / 1.1)[1], round(top_price * f / 1.1, 4))
                  for f in (0, 0.5, 1.0))
    return LineChart(WIDTH, int(bottom + 30), path("input"), path("output"), tuple(points), ticks,
                     (left, top, right, bottom))
