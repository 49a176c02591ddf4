"""The shared-mindset charts, drawn with the shared SVG bar charts."""

from accord.mindset.consensus import MindsetResult
from accord.web.charts import BarChart, bar_chart


def named_chart(result: MindsetResult) -> BarChart:
    """How many people name each advantage, the consensus three first."""
    return bar_chart("People naming each advantage", [(n.label, n.people) for n in result.named])


def message_chart(result: MindsetResult) -> BarChart:
    """Per advantage: its share of the campaigns beside the share of Sales naming it."""
    rows = []
    for row in result.message:
        rows.append((f"{row.label} · campaigns %", row.campaign_percent))
        rows.append((f"{row.label} · Sales %", row.sales_percent))
    return bar_chart("What marketing promotes and what sales says", rows)
