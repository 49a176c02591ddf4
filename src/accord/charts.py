"""Bar charts drawn on the server as inline SVG: a page shows its numbers as a chart, no JS.

Each bar's label stands above it, wrapped over up to three lines, so the chart is narrow enough
to stay readable on a phone (drawn at 360 units, it keeps its text near full size down to a
390 px screen) and a label can be words (a statement, a campaign's name), not a code.
Every app's pages draw with it, so it sits below them all and imports nothing of Accord.
"""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 360
LABEL_CHARS = 46  # what fits across the chart at its 14 px; longer labels wrap
LABEL_LINES = 3  # a label longer than this many lines is cut
BAR_AREA = 290
VALUE_GAP = 6
LABEL_HEIGHT = 18
BAR_HEIGHT = 14
ROW_GAP = 8


def label_lines(label: str) -> list[str]:
    """The label as drawn: wrapped at word breaks, its last line cut with an ellipsis where it
    would run past the lines a bar has (the whole label stays in the bar's tooltip)."""
    lines = textwrap.wrap(label, LABEL_CHARS) or [""]
    if len(lines) <= LABEL_LINES:
        return lines
    last = " ".join(lines[LABEL_LINES - 1 :])[: LABEL_CHARS - 1].rstrip()
    return [*lines[: LABEL_LINES - 1], last + "…"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: float

    @property
    def lines(self) -> list[tuple[int, str]]:
        """Each line of the label with its baseline, the last just above the bar."""
        lines = label_lines(self.label)
        top = self.y - 4 - LABEL_HEIGHT * (len(lines) - 1)
        return [(top + LABEL_HEIGHT * index, line) for index, line in enumerate(lines)]

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2

    @property
    def value_x(self) -> float:
        return self.width + VALUE_GAP


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    bar_height: int = BAR_HEIGHT
    width: int = WIDTH


def bar_chart(title: str, rows: Sequence[tuple[str, float]]) -> BarChart:
    """One horizontal bar per (label, value), scaled so the largest value fills the bar area;
    a value below zero has no bar, only its figure."""
    largest = max((value for _, value in rows), default=0)
    bars, top = [], 0
    for label, value in rows:
        y = top + LABEL_HEIGHT * len(label_lines(label))
        width = round(BAR_AREA * max(value, 0) / largest, 1) if largest > 0 else 0
        bars.append(Bar(label=label, value=value, y=y, width=width))
        top = y + BAR_HEIGHT + ROW_GAP
    return BarChart(title=title, bars=bars, height=max(top, LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP))
