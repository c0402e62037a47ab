"""Bar charts drawn on the server as plain shapes, for inline SVG: no script, no library. The
templates turn the shapes into markup; the figures themselves stay in a table beside each."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# A viewBox that a phone shows at about its own size, so the labels stay readable there.
WIDTH = 360
HEIGHT = 150
SLOTS = 12  # months a chart shows: a year is what a person compares at a glance
FEWEST = 6  # a short history still gets bars of a sensible width, not four wide blocks
BAR = 0.6  # of a month's column
LEFT = 30  # room for the scale's labels
TOP = 16  # room above the tallest bar for its label
BASE = 118  # the baseline bars stand on
MONTH_Y = 132
YEAR_Y = 145
NOTHING = "\u2013"  # an en dash over a month with nothing to count
# Scale steps for spans, in minutes: round numbers a person reads without thinking.
STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 7200, 14400, 43200)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    css: str = ""


@dataclass(frozen=True)
class Rule:
    """A line across the chart at a round value of its scale."""

    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    rects: tuple[Rect, ...]
    texts: tuple[Text, ...]
    rules: tuple[Rule, ...] = ()
    left: int = LEFT
    width: int = WIDTH
    height: int = HEIGHT
    base: int = BASE


class _Columns:
    """Where each month's column stands: at the right, newest last, so that now is always at
    the right edge."""

    def __init__(self, months: Sequence[date]) -> None:
        self.months = months
        self.slot = (WIDTH - LEFT) / max(len(months), FEWEST)
        self.bar = round(self.slot * BAR, 2)

    def centre(self, index: int) -> float:
        return round(WIDTH - (len(self.months) - index - 0.5) * self.slot, 2)

    def bar_at(self, index: int, value: float, largest: float, css: str, floor: float = 0) -> Rect:
        height = _height(value, largest)
        x = round(self.centre(index) - self.bar / 2, 2)
        return Rect(x, round(BASE - floor - height, 2), self.bar, height, css)

    def axis(self) -> list[Text]:
        """Each month's name, and its year under January and under the first month shown."""
        texts = []
        for index, month in enumerate(self.months):
            x = self.centre(index)
            texts.append(Text(x, MONTH_Y, f"{month:%b}", "month"))
            if index == 0 or month.month == 1:
                texts.append(Text(x, YEAR_Y, f"{month:%Y}", "year"))
        return texts


def _height(value: float, largest: float) -> float:
    return round((BASE - TOP) * value / largest, 2) if largest > 0 else 0.0


def _above(x: float, top: float, text: str) -> Text:
    return Text(x, round(top - 4, 2), text, "value")


def stacked(months: Sequence[date], parts: Sequence[tuple[str, Sequence[int]]]) -> Chart:
    """A bar a month made of parts (class, one value a month), the total above it."""
    columns = _Columns(months)
    totals = [sum(values[i] for _, values in parts) for i in range(len(months))]
    largest = max(totals, default=0)
    rects, texts = [], columns.axis()
    for index, total in enumerate(totals):
        floor = 0.0
        for css, values in parts:
            if values[index]:
                rect = columns.bar_at(index, values[index], largest, css, floor)
                rects.append(rect)
                floor += rect.height
        texts.append(_above(columns.centre(index), BASE - floor, str(total)))
    return Chart(tuple(rects), tuple(texts))


def shares(months: Sequence[date], parts: Sequence[int], wholes: Sequence[int]) -> Chart:
    """An outlined bar for the whole each month, filled up to the part: `kept` of `made`."""
    columns = _Columns(months)
    largest = max(wholes, default=0)
    rects, texts = [], columns.axis()
    for index, (part, whole) in enumerate(zip(parts, wholes, strict=True)):
        if whole:
            rects.append(columns.bar_at(index, whole, largest, "c-whole"))
            if part:
                rects.append(columns.bar_at(index, part, largest, "c-part"))
        label = f"{part}/{whole}" if whole else NOTHING
        texts.append(_above(columns.centre(index), BASE - _height(whole, largest), label))
    return Chart(tuple(rects), tuple(texts))


def spans(
    months: Sequence[date], medians: Sequence[float | None], longest: Sequence[float | None]
) -> Chart:
    """A bar for each month's median span and a tick at its longest, against a scale of
    round values: two numbers a column would crowd each other."""
    columns = _Columns(months)
    largest = max((value for value in longest if value is not None), default=0.0)
    rects, texts = [], columns.axis()
    for index, (median, most) in enumerate(zip(medians, longest, strict=True)):
        if median is None or most is None:
            texts.append(_above(columns.centre(index), BASE, NOTHING))
            continue
        bar = columns.bar_at(index, median, largest, "c-median")
        if bar.height:
            rects.append(bar)
        tick = BASE - _height(most, largest)
        rects.append(Rect(bar.x, round(tick - 1, 2), bar.width, 2, "c-longest"))
    return Chart(tuple(rects), tuple(texts), _scale(largest))


def _scale(largest: float) -> tuple[Rule, ...]:
    """Up to four rules at multiples of the smallest round step that needs no more."""
    if largest <= 0:
        return ()
    days = math.ceil(largest / 4 / 1440) * 1440  # past four months: whole days
    step = next((s for s in STEPS if largest / s <= 4), days)
    count = int(largest // step)
    return tuple(
        Rule(round(BASE - _height(step * n, largest), 2), _short(step * n))
        for n in range(1, count + 1)
    )


def _short(minutes: float) -> str:
    """A scale's value in few characters (`15m`, `2h`, `3d`); the table says it in words."""
    if minutes < 60:
        return f"{minutes:g}m"
    if minutes < 48 * 60:
        return f"{minutes / 60:g}h"
    return f"{minutes / 1440:g}d"
