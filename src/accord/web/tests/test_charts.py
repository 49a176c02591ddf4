"""Bar charts: the bars' lengths compare the numbers truthfully."""

from accord.web.charts import BAR_AREA, bar_chart


def test_the_largest_value_fills_the_bar_area_and_the_others_scale_with_it():
    chart = bar_chart("Deals", [("Won", 30), ("Lost", 15), ("Open", 0)])

    assert [bar.width for bar in chart.bars] == [BAR_AREA, BAR_AREA / 2, 0]
    assert chart.bars[0].y < chart.bars[1].y < chart.bars[2].y < chart.height


def test_a_chart_of_zeros_draws_no_bars_instead_of_dividing_by_zero():
    chart = bar_chart("Empty", [("Won", 0), ("Lost", 0)])

    assert [bar.width for bar in chart.bars] == [0, 0]
