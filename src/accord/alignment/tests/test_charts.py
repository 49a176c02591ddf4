"""The gap and trend charts draw only what may be shown."""

from accord.alignment.charts import gap_chart, trend_chart
from accord.alignment.selectors import GroupScore, StatementGap, TrendPoint
from accord.alignment.statements import statements_of

S = statements_of()


def test_each_gap_bar_names_the_statement_and_which_side_rates_it_higher():
    chart = gap_chart(
        [
            StatementGap(S[0], 2.0, 4.5),
            StatementGap(S[1], 4.0, 3.0),
            StatementGap(S[2], 3.0, 3.0),
            StatementGap(S[3], None, 3.0),
        ]
    )

    assert [(bar.label, bar.value) for bar in chart.bars] == [
        (f"Marketing higher: {S[0].text}", 2.5),
        (f"Sales higher: {S[1].text}", 1.0),
        (f"No gap: {S[2].text}", 0.0),
    ]


def test_the_trend_leaves_out_hidden_groups():
    shown, hidden = GroupScore("Sales", 3, 50.0), GroupScore("Marketing", 2, None)
    chart = trend_chart([TrendPoint(1, GroupScore("Overall", 5, None), shown, hidden)])

    assert [bar.label for bar in chart.bars] == ["Round 1 · Sales"]
