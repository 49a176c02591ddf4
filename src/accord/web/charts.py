"""Bar charts drawn on the server as inline SVG: a page shows its numbers as a chart, no JS."""

from dataclasses import dataclass

LABEL_WIDTH = 250
LABEL_CHARS = 32  # what fits in LABEL_WIDTH at the charts' 13 px; longer labels are shortened
BAR_AREA = 320
VALUE_GAP = 8
ROW_HEIGHT = 28
BAR_HEIGHT = 18


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
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + self.width + VALUE_GAP


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    width: int = LABEL_WIDTH + BAR_AREA + 80

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
            y=index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2,
            width=round(BAR_AREA * value / largest, 1) if largest else 0,
        )
        for index, (label, value) in enumerate(rows)
    ]
    return BarChart(title=title, bars=bars)
