"""Bar charts: the bars' lengths compare the numbers truthfully."""

from accord.charts import BAR_AREA, bar_chart


def test_the_largest_value_fills_the_bar_area_and_the_others_scale_with_it():
    chart = bar_chart("Deals", [("Won", 30), ("Lost", 15), ("Open", 0)])

    assert [bar.width for bar in chart.bars] == [BAR_AREA, BAR_AREA / 2, 0]
    assert chart.bars[0].y < chart.bars[1].y < chart.bars[2].y < chart.height


def test_a_chart_of_zeros_draws_no_bars_instead_of_dividing_by_zero():
    chart = bar_chart("Empty", [("Won", 0), ("Lost", 0)])

    assert [bar.width for bar in chart.bars] == [0, 0]


def test_a_long_label_wraps_in_words_and_a_longer_one_is_cut_kept_whole_in_its_tooltip():
    from django.template.loader import render_to_string

    name = "Google Display Network – Retargeting – Lookalikes – Jun 2026"
    statement = (
        "Leads Marketing passes on are followed up promptly, and a rejected one comes back "
        "with a reason, written down in the shared system both teams read every single day."
    )
    chart = bar_chart("ROI", [(name, 10), ("Webinar – Jun 2026", 5), (statement, 1)])

    svg = render_to_string("web/bar_chart.html", {"chart": chart, "testid": "roi"})

    assert [line for _, line in chart.bars[0].lines] == [
        "Google Display Network – Retargeting –",
        "Lookalikes – Jun 2026",
    ]
    assert ">Google Display Network – Retargeting –</tspan>" in svg
    assert ">Lookalikes – Jun 2026</tspan>" in svg
    assert "<title>Webinar – Jun 2026</title>" in svg
    assert len(chart.bars[2].lines) == 3 and chart.bars[2].lines[-1][1].endswith("…")
    assert f"<title>{statement}</title>" in svg
    tops = [bar.lines[0][0] for bar in chart.bars]
    assert tops[0] < chart.bars[0].y < tops[1] < chart.bars[1].y < tops[2]


def test_each_chart_says_what_it_shows_under_it():
    from django.template.loader import render_to_string

    chart = bar_chart("First touch within the SLA (%)", [("Dec 2026", 48)])

    svg = render_to_string("web/bar_chart.html", {"chart": chart, "testid": "sla"})

    assert "<figcaption>First touch within the SLA (%)</figcaption>" in svg
