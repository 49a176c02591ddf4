"""Bar charts: the bars' lengths compare the numbers truthfully."""

from accord.charts import BAR_AREA, bar_chart


def test_the_largest_value_fills_the_bar_area_and_the_others_scale_with_it():
    chart = bar_chart("Deals", [("Won", 30), ("Lost", 15), ("Open", 0)])

    assert [bar.width for bar in chart.bars] == [BAR_AREA, BAR_AREA / 2, 0]
    assert chart.bars[0].y < chart.bars[1].y < chart.bars[2].y < chart.height


def test_a_chart_of_zeros_draws_no_bars_instead_of_dividing_by_zero():
    chart = bar_chart("Empty", [("Won", 0), ("Lost", 0)])

    assert [bar.width for bar in chart.bars] == [0, 0]


def test_a_long_label_is_cut_to_fit_and_kept_whole_in_its_tooltip():
    from django.template.loader import render_to_string

    name = "Google Display Network – Retargeting – Lookalikes – Jun 2026"
    chart = bar_chart("ROI", [(name, 10), ("Webinar – Jun 2026", 5)])

    svg = render_to_string("web/bar_chart.html", {"chart": chart, "testid": "roi"})

    assert f"<title>{name}</title>Google Display Network – Retargeting – Lookal…</text>" in svg
    assert "<title>Webinar – Jun 2026</title>Webinar – Jun 2026</text>" in svg


def test_each_chart_says_what_it_shows_under_it():
    from django.template.loader import render_to_string

    chart = bar_chart("First touch within the SLA (%)", [("Dec 2026", 48)])

    svg = render_to_string("web/bar_chart.html", {"chart": chart, "testid": "sla"})

    assert "<figcaption>First touch within the SLA (%)</figcaption>" in svg
