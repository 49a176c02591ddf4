"""The shared-mindset charts, drawn with the shared SVG bar charts."""

from accord.charts import BarChart, bar_chart
from accord.mindset.consensus import MindsetResult


def named_chart(result: MindsetResult) -> BarChart:
    """How many people name each advantage, the consensus three first."""
    return bar_chart("People naming each advantage", [(n.label, n.people) for n in result.named])


def message_chart(result: MindsetResult) -> BarChart:
    """Per advantage: its share of the campaigns beside the share of Sales naming it (%)."""
    rows = []
    for row in result.message:
        if row.campaign_percent or row.sales_percent:
            rows.append((f"{row.label} · campaigns", row.campaign_percent))
            rows.append((f"{row.label} · Sales", row.sales_percent))
    return bar_chart("Share of campaigns promoting it and of Sales naming it, in %", rows)
