"""Bar charts drawn on the server as inline SVG: a page shows its numbers as a chart, no JS.

Each bar's label stands above it, so the chart is narrow enough to stay readable on a phone
(drawn at 360 units, it keeps its text near full size down to a 390 px screen).
Every app's pages draw with it, so it sits below them all and imports nothing of Accord.
"""

from dataclasses import dataclass

WIDTH = 360
LABEL_CHARS = 46  # what fits across the chart at its 14 px; longer labels are shortened
BAR_AREA = 290
VALUE_GAP = 6
LABEL_HEIGHT = 18
BAR_HEIGHT = 14
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float

    @property
    def shown_label(self) -> str:
        """The label as drawn: cut with an ellipsis where it would run off the chart (the whole
        label stays in the bar's tooltip)."""
        if len(self.label) <= LABEL_CHARS:
            return self.label
        return self.label[: LABEL_CHARS - 1].rstrip() + "…"

    @property
    def label_y(self) -> int:
        return self.y - 4

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
    bar_height: int = BAR_HEIGHT
    width: int = WIDTH

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW_HEIGHT


def bar_chart(title: str, rows: list[tuple[str, int]]) -> BarChart:
    """One horizontal bar per (label, value), scaled so the largest value fills the bar area."""
    largest = max((value for _, value in rows), default=0)
    bars = [
        Bar(
            label=label,
            value=value,
            y=index * ROW_HEIGHT + LABEL_HEIGHT,
            width=round(BAR_AREA * value / largest, 1) if largest else 0,
        )
        for index, (label, value) in enumerate(rows)
    ]
    return BarChart(title=title, bars=bars)
