"""The assessment's charts, drawn with the shared SVG bar charts."""

from accord.alignment.selectors import StatementGap, TrendPoint
from accord.charts import BarChart, bar_chart


def gap_chart(gaps: list[StatementGap]) -> BarChart:
    """One bar per statement both teams rated, its length the size of the gap, widest first,
    labelled with the side that rates it higher and the statement's own words."""
    rows = []
    for gap in gaps:
        if gap.gap is None:
            continue
        side = "Sales higher" if gap.gap > 0 else "Marketing higher" if gap.gap < 0 else "No gap"
        rows.append((f"{side}: {gap.statement.text}", round(abs(gap.gap), 1)))
    return bar_chart("Perception gap per statement, in points of the 1–5 scale", rows)


def trend_chart(trend: list[TrendPoint]) -> BarChart:
    """The mean total of each team and overall, round after round; hidden groups have no bar."""
    rows = [
        (f"Round {point.number} · {group.name}", group.mean_total)
        for point in trend
        for group in (point.overall, point.sales, point.marketing)
        if group.mean_total is not None  # not hidden
    ]
    return bar_chart("Mean total per round (20 to 100)", rows)
